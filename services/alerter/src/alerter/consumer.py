"""Kafka → SMTP adapter. An offset is committed only after the SMTP server accepted the mail."""

import asyncio
import logging

import aiosmtplib
from confluent_kafka import Consumer
from opentelemetry import trace

from alerter.message import compose
from alerter.routing import TrustConfig, recipients
from alerter.settings import AlerterSettings
from invigilator.cases.v1 import cases_pb2
from svckit.kafka import raise_on_error
from svckit.tracing import consumer_span, current_trace_id

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)


async def send(settings: AlerterSettings, config: TrustConfig, event: cases_pb2.CaseEvent) -> None:
    to = recipients(config, event)
    message = compose(config, event, to, settings.sender, current_trace_id())
    with tracer.start_as_current_span("smtp.send", attributes={"recipients": len(to)}):
        await aiosmtplib.send(
            message,
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            start_tls=settings.smtp_starttls,
            username=settings.smtp_username,
            password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
            timeout=settings.smtp_timeout_s,
        )
    log.info("alerted %d recipient(s) of case %s (%s)", len(to), event.case_id, event.clause)


async def run(settings: AlerterSettings, config: TrustConfig, consumer: Consumer) -> None:
    retry_s = 1.0
    while True:
        message = await asyncio.to_thread(consumer.poll, 1.0)
        if message is None:
            continue
        raise_on_error(message)
        event = cases_pb2.CaseEvent.FromString(message.value() or b"")
        if event.type != cases_pb2.CASE_EVENT_TYPE_OPENED:
            # Follow-up breaches join the open case quietly; digests and escalation come later.
            consumer.commit(message=message, asynchronous=False)
            continue
        with consumer_span(tracer, "alert", message.headers(), case_id=event.case_id):
            while True:
                try:
                    await send(settings, config, event)
                    break
                except (aiosmtplib.SMTPException, OSError) as error:
                    log.warning("SMTP refused or unreachable (%s); retrying in %.0fs", error, retry_s)
                    await asyncio.sleep(retry_s)
                    retry_s = min(retry_s * 2, 60.0)
        retry_s = 1.0
        consumer.commit(message=message, asynchronous=False)
