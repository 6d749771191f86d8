"""The running ingest-mail (scripts/stack/services.sh start, or `INGEST_MAIL_ENVIRONMENT=dev
ingest-mail`) receives two journal copies from a real SMTP client and writes their envelopes to the
real Kafka: the right school and flags, and no body or private subject in any byte written."""

import os
import smtplib
import socket
import uuid
from email.message import EmailMessage

import pytest
from tests.kafka_support import REJECTED_TOPIC, Seen, consume_until, consumer_at_end

from ingest_mail.settings import DEV_JOURNAL_RECIPIENTS, DEV_OWN_DOMAINS
from invigilator.events.v1 import events_pb2

pytestmark = pytest.mark.integration

SMTP_HOST = "127.0.0.1"
SMTP_PORT = int(os.environ.get("INGEST_MAIL_SMTP_PORT", "18026"))
EVENTS = "events.mail.v1"
SCHOOL = "elms-farm"
JOURNAL = next(address for address, school in DEV_JOURNAL_RECIPIENTS.items() if school == SCHOOL)
OWN = DEV_OWN_DOMAINS[SCHOOL][0]


@pytest.fixture(scope="module", autouse=True)
def receiver_running() -> None:
    try:
        socket.create_connection((SMTP_HOST, SMTP_PORT), timeout=2).close()
    except OSError as error:
        pytest.fail(
            f"ingest-mail's SMTP receiver does not answer on {SMTP_HOST}:{SMTP_PORT} ({error!r}): "
            "scripts/stack/services.sh start (or INGEST_MAIL_ENVIRONMENT=dev .venv/bin/ingest-mail &)",
            pytrace=False,
        )


def events_of(messages: list[Seen], ids: set[str]) -> dict[str, events_pb2.Event]:
    found: dict[str, events_pb2.Event] = {}
    for message in messages:
        if message.topic == EVENTS:
            for event in events_pb2.EventBatch.FromString(message.value).events:
                if event.mail.message_id in ids:
                    found[event.mail.message_id] = event
    return found


def journal_copy(marker: str, *, private: bool) -> EmailMessage:
    message = EmailMessage()
    message["From"] = f"Tom Green <tom.green@{OWN}>"
    message["To"] = f"ana.brown@{OWN}" if not private else "counsellor@example-health.org"
    message["Subject"] = f"{'Hearing about my divorce' if private else 'Year 6 trip'} {marker}"
    message["Message-ID"] = f"<{marker}-{'p' if private else 'n'}@{OWN}>"
    if private:
        message["Sensitivity"] = "Private"
    message.set_content(f"BODY-{marker} nobody may read this")
    if private:
        message.add_attachment(
            b"%PDF-1.4", maintype="application", subtype="pdf", filename=f"statement-{marker}.pdf"
        )
    return message


def test_two_journal_copies_arrive_on_kafka_with_school_flags_and_nothing_private() -> None:
    marker = f"it{uuid.uuid4().hex[:12]}"
    normal, private = journal_copy(marker, private=False), journal_copy(marker, private=True)
    ids = {str(normal["Message-ID"]), str(private["Message-ID"])}
    consumer = consumer_at_end(EVENTS, REJECTED_TOPIC, group="it-ingest-mail")
    try:
        with smtplib.SMTP(SMTP_HOST, SMTP_PORT, timeout=60) as client:
            for message in (normal, private):
                refused = client.sendmail(f"tom.green@{OWN}", [JOURNAL], message.as_bytes())
                assert refused == {}
        seen = consume_until(consumer, lambda got: len(events_of(got, ids)) == 2, timeout_s=30)
    finally:
        consumer.close()
    found = events_of(seen, ids)
    assert set(found) == ids, f"only {sorted(found)} of {sorted(ids)} arrived on {EVENTS} within 30s"
    plain, marked = found[str(normal["Message-ID"])], found[str(private["Message-ID"])]
    for event in (plain, marked):
        assert event.school_id == SCHOOL
        assert event.account == f"tom.green@{OWN}"
        assert JOURNAL not in (*event.mail.to, *event.mail.bcc)  # the journal mailbox is no recipient
    assert plain.mail.direction == events_pb2.MAIL_DIRECTION_INTERNAL
    assert plain.mail.subject == f"Year 6 trip {marker}"
    assert not plain.mail.private_marked
    assert marked.mail.direction == events_pb2.MAIL_DIRECTION_OUTBOUND
    assert marked.mail.private_marked
    assert marked.mail.subject == ""
    assert [attachment.file_name for attachment in marked.mail.attachments] == [""]
    ours = [m for m in seen if m.topic == EVENTS and any(i.encode() in m.value for i in ids)]
    assert all(m.key.startswith(f"{SCHOOL}/".encode()) for m in ours)
    assert all("traceparent" in m.headers for m in ours)
    written = b"".join(m.value + m.key for m in seen)
    for secret in (f"BODY-{marker}", "Hearing about my divorce", f"statement-{marker}"):
        assert secret.encode() not in written, f"{secret!r} reached Kafka"
