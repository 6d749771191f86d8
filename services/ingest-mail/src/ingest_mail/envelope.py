"""The shared minimiser: one message's envelope, as a source described it, becomes a `MailMessage`.

Every format module (`rfc5322`, `exchange_tracking`, `m365_trace`, `gmail_export`) reduces its
input to a `MailRecord` of header values and hands it here, so the monitoring limits are enforced
in one place:

- MON-ENVELOPE-ONLY: a `MailRecord` has no field for a body, so none can reach an Event.
- MON-PRIVATE-MARKED: a message with `Sensitivity: Private`/`Personal`, or a subject carrying a
  "personal" label, keeps no subject text and no attachment names, extensions or types — only the
  marks, the attachment count and sizes, and the forward depth (counted before the subject goes).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.utils import parseaddr

from invigilator.events.v1 import events_pb2
from svckit.ingest import MAX_REJECT_BYTES, event_id

PRIVATE_SENSITIVITIES = frozenset({"private", "personal"})
# RFC 5322's line limit: a longer subject is an attack or an accident, never needed to judge a clause.
MAX_SUBJECT_CHARS = 998

# One leading reply/forward prefix: "RE:", "Fw:", "FWD:", "Fwd[2]:", or a bracketed tag such as
# "[EXTERNAL]" that gateways put in front of them.
_PREFIX = re.compile(r"\s*(?:(?P<kind>re|fwd?)\s*(?:\[\d+\])?\s*:|\[[^\]]{0,40}\])", re.IGNORECASE)
# A "personal" label, as a label rather than a use of the word: "[Personal]", "(personal)" anywhere;
# "Personal:", "PERSONAL -", "Personal" alone at the start (after RE:/FW: prefixes); "- personal" or
# ": personal" at the end. "Personal development plan" or "impersonal" are not labels.
_DASH = r"[-\u2013\u2014]"
_BRACKETED_LABEL = re.compile(r"[\[(<{]\s*personal\s*[\])>}]", re.IGNORECASE)
_LEADING_LABEL = re.compile(rf"^personal\b\s*(?::|{_DASH}|$)", re.IGNORECASE)
_TRAILING_LABEL = re.compile(rf"(?::|{_DASH})\s*personal\s*$", re.IGNORECASE)


class MailParseError(ValueError):
    """Input that is not a mail record of the expected format; the message says what is wrong."""


@dataclass(frozen=True)
class RawAttachment:
    """An attachment as the source named it, before minimisation."""

    file_name: str
    content_type: str = ""
    size_bytes: int = 0


@dataclass(frozen=True)
class MailRecord:
    """The envelope of one message as a source reported it. There is deliberately no body field."""

    message_id: str = ""
    from_address: str = ""
    sender_mailbox: str = ""
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    bcc: tuple[str, ...] = ()
    subject: str = ""
    sensitivity: str = ""
    attachments: tuple[RawAttachment, ...] = ()
    labels: tuple[str, ...] = ()
    occurred_at: datetime | None = None
    # Recipients after list expansion, when the platform counts them itself.
    platform_recipient_count: int | None = None


@dataclass(frozen=True)
class SourceRecord:
    """A parsed record and the raw bytes it came from (for the deterministic event id)."""

    record: MailRecord
    raw: bytes


@dataclass(frozen=True)
class RecordError:
    """A record that could not be parsed: its raw bytes (already minimised, capped) and why."""

    raw: bytes
    reason: str


@dataclass
class FormatResult:
    """What a multi-record reader made of one input: records, errors and rows it chose to skip."""

    records: list[SourceRecord] = field(default_factory=list)
    errors: list[RecordError] = field(default_factory=list)
    skipped: int = 0


def cap(raw: bytes) -> bytes:
    return raw[:MAX_REJECT_BYTES]


def clean_text(value: str) -> str:
    """Text protobuf can carry. The email parser keeps undecodable header bytes as surrogate escapes,
    and JSON may hold lone surrogates: escaped bytes are read as UTF-8 or, failing that, as
    Windows-1252 (common for 8-bit headers); any other surrogate becomes U+FFFD."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        pass
    else:
        return value
    data = b"".join(
        bytes([ord(char) - 0xDC00])
        if "\udc80" <= char <= "\udcff"
        else "\ufffd".encode()
        if "\ud800" <= char <= "\udfff"
        else char.encode()
        for char in value
    )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


def _clean_record(record: MailRecord) -> MailRecord:
    def many(values: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(clean_text(value) for value in values)

    return replace(
        record,
        message_id=clean_text(record.message_id),
        from_address=clean_text(record.from_address),
        sender_mailbox=clean_text(record.sender_mailbox),
        to=many(record.to),
        cc=many(record.cc),
        bcc=many(record.bcc),
        subject=clean_text(record.subject),
        sensitivity=clean_text(record.sensitivity),
        attachments=tuple(
            replace(item, file_name=clean_text(item.file_name), content_type=clean_text(item.content_type))
            for item in record.attachments
        ),
        labels=many(record.labels),
    )


def normalise_address(value: str) -> str:
    """`"Smith, J" <J.Smith@School.example>` → `j.smith@school.example`; display names are dropped."""
    value = value.strip()
    if "<" in value or " " in value:
        value = parseaddr(value)[1] or value
    return value.strip().strip("<>").strip().lower()


def unique_addresses(values: Iterable[str]) -> tuple[str, ...]:
    """Normalised, without blanks or repeats, in first-seen order."""
    seen: dict[str, None] = {}
    for value in values:
        address = normalise_address(value)
        if address:
            seen.setdefault(address, None)
    return tuple(seen)


def normalise_message_id(value: str) -> str:
    """Message ids compare across formats in their `<id@host>` form."""
    value = value.strip()
    if not value:
        return ""
    return value if value.startswith("<") and value.endswith(">") else f"<{value.strip('<>')}>"


def forward_depth(subject: str) -> int:
    """Number of forward prefixes at the start of the subject; RE: and gateway tags may be mixed in."""
    depth, position = 0, 0
    while match := _PREFIX.match(subject, position):
        if match.end() == position:
            break
        kind = (match.group("kind") or "").lower()
        depth += kind.startswith("fw")
        position = match.end()
    return depth


def _strip_prefixes(subject: str) -> str:
    position = 0
    while (match := _PREFIX.match(subject, position)) and match.end() > position:
        position = match.end()
    return subject[position:].strip()


def has_personal_label(subject: str) -> bool:
    """The subject is labelled "personal" (whole word, any case), e.g. "Personal:", "[Personal]"."""
    if _BRACKETED_LABEL.search(subject) or _TRAILING_LABEL.search(subject.strip()):
        return True
    return bool(_LEADING_LABEL.match(_strip_prefixes(subject)))


def is_private_sensitivity(sensitivity: str) -> bool:
    return sensitivity.strip().lower() in PRIVATE_SENSITIVITIES


def extension_of(file_name: str) -> str:
    """Lower-case last suffix without the dot. Trailing dots and spaces are ignored, as Windows does."""
    base = re.split(r"[\\/]", file_name)[-1].rstrip(". \t")
    stem, dot, suffix = base.rpartition(".")
    return suffix.lower() if dot and stem and suffix else ""


def domain_of(address: str) -> str:
    return address.rpartition("@")[2].lower() if "@" in address else ""


def is_own(address: str, own_domains: frozenset[str]) -> bool:
    """The address is in one of the school's domains or a subdomain of one."""
    domain = domain_of(address)
    return bool(domain) and any(domain == own or domain.endswith("." + own) for own in own_domains)


def direction_of(
    sender: str, recipients: Iterable[str], own_domains: frozenset[str]
) -> events_pb2.MailDirection.ValueType:
    """From an own domain: OUTBOUND, or INTERNAL when every recipient is own too; else INBOUND.

    UNSPECIFIED when the school has no own domains configured (nothing can be judged then).
    """
    own = frozenset(domain.lower().strip() for domain in own_domains if domain.strip())
    if not own:
        return events_pb2.MAIL_DIRECTION_UNSPECIFIED
    if not is_own(sender, own):
        return events_pb2.MAIL_DIRECTION_INBOUND
    listed = list(recipients)
    if listed and all(is_own(address, own) for address in listed):
        return events_pb2.MAIL_DIRECTION_INTERNAL
    return events_pb2.MAIL_DIRECTION_OUTBOUND


def to_mail_message(record: MailRecord, own_domains: frozenset[str]) -> events_pb2.MailMessage:
    """Minimise one envelope. This is the only way a `MailRecord` becomes a `MailMessage`."""
    record = _clean_record(record)
    to, cc = unique_addresses(record.to), unique_addresses(record.cc)
    bcc = unique_addresses(record.bcc)
    recipients = unique_addresses((*to, *cc, *bcc))
    from_address = normalise_address(record.from_address)
    sender_mailbox = normalise_address(record.sender_mailbox)
    private_marked = is_private_sensitivity(record.sensitivity)
    personal_label = has_personal_label(record.subject)
    withheld = private_marked or personal_label
    attachments = [
        events_pb2.Attachment(size_bytes=max(attachment.size_bytes, 0))
        if withheld
        else events_pb2.Attachment(
            file_name=attachment.file_name.strip(),
            extension=extension_of(attachment.file_name),
            size_bytes=max(attachment.size_bytes, 0),
            content_type=attachment.content_type.strip().lower(),
        )
        for attachment in record.attachments
    ]
    count = record.platform_recipient_count
    return events_pb2.MailMessage(
        message_id=normalise_message_id(record.message_id),
        from_address=from_address,
        sender_mailbox=sender_mailbox,
        to=to,
        cc=cc,
        bcc=bcc,
        subject="" if withheld else record.subject.strip()[:MAX_SUBJECT_CHARS],
        sensitivity=record.sensitivity.strip(),
        private_marked=private_marked,
        personal_label=personal_label,
        attachments=attachments,
        recipient_count=min(count if count is not None and count >= 0 else len(recipients), 2**32 - 1),
        labels=[label.strip() for label in dict.fromkeys(record.labels) if label.strip()],
        direction=direction_of(from_address or sender_mailbox, recipients, own_domains),
        forward_depth=forward_depth(record.subject),
    )


def to_event(
    record: MailRecord,
    *,
    source: str,
    school_id: str,
    raw: bytes,
    own_domains: frozenset[str],
    received_at: datetime | None = None,
) -> events_pb2.Event:
    """The Event for one message. Mail names addresses, not logon names: `account` is the sending
    address when it is one of the school's own (the person whose conduct it is), else empty. The
    policy engine's directory enrichment is where addresses become logon names."""
    mail = to_mail_message(record, own_domains)
    sender = mail.sender_mailbox or mail.from_address
    event = events_pb2.Event(
        event_id=event_id(source, school_id, raw),
        school_id=school_id,
        account=sender if is_own(sender, own_domains) else "",
        mail=mail,
    )
    occurred = record.occurred_at or received_at or datetime.now(UTC)
    try:
        event.occurred_at.FromDatetime(occurred if occurred.tzinfo else occurred.replace(tzinfo=UTC))
    except (ValueError, OverflowError):
        raise MailParseError(f"time is out of range: {occurred.isoformat()}") from None
    return event
