"""SMTP receiver for journal and BCC copies: a message in, its envelope event on Kafka, then `250`.

aiosmtpd's `SMTP` protocol is served with `loop.create_server` in the service's own event loop
rather than through `Controller`, which would run a second loop in a thread: the FastAPI lifespan
already owns a loop, so the receiver starts and stops with it and needs no cross-thread hand-off.

Only the school's journal/BCC mailboxes are accepted as recipients (550 otherwise), so every
message is attributed to a school before it is read. The reply to DATA is `250` only after Kafka
acknowledged the records; any failure answers `451 4.3.0` and the sending MTA keeps the message and
retries (event ids are deterministic, so a retry after a partial write is idempotent downstream).
Bodies are never logged, stored or quoted in a reply: the parser keeps headers only, and
aiosmtpd's own logger, which writes every DATA line at DEBUG, is held to WARNING and above.
"""

import asyncio
import logging
from collections.abc import Sequence
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session
from confluent_kafka import KafkaException
from opentelemetry import trace

from ingest_mail.ingest import parse_message
from ingest_mail.settings import IngestMailSettings
from svckit.ingest_http import Produce, batch_records
from svckit.kafka import OutRecord
from svckit.tracing import current_trace_id, inject_headers

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)

AIOSMTPD_LOGGER = "mail.log"
IDENT = "Invigilator ingest-mail"
RETRY_LATER = "451 4.3.0 event stream unavailable, try again later"


class _WarningsOnly(logging.Filter):
    """aiosmtpd logs each DATA line at DEBUG and each command at INFO: neither may reach a log."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING


_QUIET = _WarningsOnly()


def quiet_aiosmtpd() -> None:
    """A filter on the logger itself, so no level or handler set elsewhere can let body lines out."""
    logger = logging.getLogger(AIOSMTPD_LOGGER)
    if _QUIET not in logger.filters:
        logger.addFilter(_QUIET)


def client_allowed(networks: Sequence[IPv4Network | IPv6Network], host: str) -> bool:
    """The client at `host` is in the allow-list; with no list every client is (dev only: the
    settings refuse an empty list elsewhere while the receiver is on)."""
    if not networks:
        return True
    try:
        address: IPv4Address | IPv6Address = ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address in network for network in networks)


def _peer_host(session: Session) -> str:
    peer = session.peer
    return str(peer[0]) if isinstance(peer, tuple) and peer else str(peer)


class JournalHandler:
    """aiosmtpd hooks: who may deliver, to which mailbox, and what a message becomes."""

    def __init__(self, settings: IngestMailSettings, produce: Produce) -> None:
        self._settings = settings
        self._produce = produce
        self._domains = {school: frozenset(domains) for school, domains in settings.own_domains.items()}
        self.closing = False
        # Messages answered 250, i.e. written to Kafka and acknowledged.
        self.accepted = 0
        self._writing = 0
        self._idle = asyncio.Event()
        self._idle.set()

    def _refusal(self, session: Session) -> str | None:
        host = _peer_host(session)
        if client_allowed(self._settings.smtp_allowed_clients, host):
            return None
        log.warning("smtp: refused client %s (not in INGEST_MAIL_SMTP_ALLOWED_CLIENTS)", host)
        return "554 5.7.1 client not allowed to deliver to this receiver"

    async def handle_HELO(  # noqa: N802 (aiosmtpd finds hooks by name)
        self, server: SMTP, session: Session, envelope: Envelope, hostname: str
    ) -> str:
        refusal = self._refusal(session)
        if refusal is not None:
            return refusal  # host_name stays unset: MAIL is then answered 503
        session.host_name = hostname
        return f"250 {server.hostname}"

    async def handle_EHLO(  # noqa: N802 (aiosmtpd finds hooks by name)
        self, server: SMTP, session: Session, envelope: Envelope, hostname: str, responses: list[str]
    ) -> list[str]:
        refusal = self._refusal(session)
        if refusal is not None:
            return [refusal]
        session.host_name = hostname
        return responses

    async def handle_MAIL(  # noqa: N802 (aiosmtpd finds hooks by name)
        self, server: SMTP, session: Session, envelope: Envelope, address: str, mail_options: list[str]
    ) -> str:
        if self.closing:
            return "421 4.3.2 shutting down, try again later"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 2.1.0 OK"

    async def handle_RCPT(  # noqa: N802 (aiosmtpd finds hooks by name)
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if address.lower() not in self._settings.smtp_journal_recipients:
            return f"550 5.1.1 <{address}>: not a journal mailbox of this receiver"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 2.1.5 OK"

    async def handle_DATA(  # noqa: N802 (aiosmtpd finds hooks by name)
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        content = envelope.original_content or b""
        journal = self._settings.smtp_journal_recipients
        schools = list(dict.fromkeys(journal[address.lower()] for address in envelope.rcpt_tos))
        attributes: dict[str, str | int] = {
            "mail.schools": ",".join(schools),
            "smtp.message_bytes": len(content),
        }
        self._writing += 1
        self._idle.clear()
        try:
            with tracer.start_as_current_span(
                "smtp message", kind=trace.SpanKind.SERVER, attributes=attributes
            ) as span:
                try:
                    events, rejects = await asyncio.to_thread(
                        self._write, content, schools, envelope.mail_from or ""
                    )
                except Exception as error:  # Kafka or anything else: the MTA keeps the message
                    # The type and the producer's own message only: nothing of the mail itself.
                    log.error(
                        "smtp: message for %s (%d bytes) not written, answered 451: %s: %s",
                        ",".join(schools),
                        len(content),
                        type(error).__name__,
                        error if isinstance(error, KafkaException | BufferError) else "",
                    )
                    span.set_status(trace.Status(trace.StatusCode.ERROR, type(error).__name__))
                    return RETRY_LATER
                span.set_attributes({"mail.events": events, "mail.rejects": rejects})
                log.debug(
                    "smtp: message for %s written: %d event(s), %d reject(s), %d bytes",
                    ",".join(schools),
                    events,
                    rejects,
                    len(content),
                )
                trace_id = current_trace_id()
        finally:
            self._writing -= 1
            if not self._writing:
                self._idle.set()
        self.accepted += 1
        return f"250 2.0.0 OK: {events} event(s), {rejects} reject(s), trace {trace_id}"

    async def handle_exception(self, error: Exception) -> str:
        # aiosmtpd's default logs the exception text and quotes it to the client; neither is wanted.
        log.error("smtp: session error %s, answered 451", type(error).__name__)
        return "451 4.3.0 local error, try again later"

    def _write(self, content: bytes, schools: Sequence[str], mail_from: str) -> tuple[int, int]:
        """Runs in a worker thread: parse (pure) once per school and produce until acknowledged."""
        headers = inject_headers()
        records: list[OutRecord] = []
        events = rejects = 0
        for school in schools:
            # No envelope_to: the RCPT TO of a journal or BCC copy is the journal mailbox, never a
            # recipient of the message (it would otherwise become a Bcc and make internal mail
            # look outbound). Journal reports list their real recipients themselves.
            parsed = parse_message(content, school, self._domains[school], envelope_from=mail_from)
            events += len(parsed.events)
            rejects += len(parsed.rejects)
            records.extend(batch_records(parsed, school, self._settings, headers))
        self._produce(records)
        return events, rejects

    async def wait_idle(self, timeout_s: float) -> bool:
        """True once no message is being written; False after `timeout_s`."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout_s)
        except TimeoutError:
            return False
        return True


class _TrackedSMTP(SMTP):
    """aiosmtpd's protocol, remembered while connected so shutdown can close what is left."""

    def __init__(self, sessions: set["_TrackedSMTP"], *args: Any, **kwargs: Any) -> None:
        self._sessions = sessions
        super().__init__(*args, **kwargs)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._sessions.add(self)
        super().connection_made(transport)

    def connection_lost(self, error: Exception | None) -> None:
        self._sessions.discard(self)
        super().connection_lost(error)


class SmtpReceiver:
    def __init__(self, settings: IngestMailSettings, handler: JournalHandler) -> None:
        self._settings = settings
        self.handler = handler
        self._server: asyncio.Server | None = None
        self._sessions: set[_TrackedSMTP] = set()

    @property
    def port(self) -> int:
        """The bound port (the real one when an ephemeral one was asked for)."""
        assert self._server is not None, "not started"
        port: int = self._server.sockets[0].getsockname()[1]
        return port

    @property
    def serving(self) -> bool:
        return self._server is not None and self._server.is_serving()

    def _protocol(self) -> SMTP:
        settings = self._settings
        return _TrackedSMTP(
            self._sessions,
            self.handler,
            data_size_limit=settings.smtp_max_message_bytes,
            # Exchange and Gmail send SMTPUTF8 for international addresses; refusing it would bounce.
            enable_SMTPUTF8=True,
            hostname=settings.smtp_hostname,
            ident=IDENT,
            timeout=settings.smtp_timeout_s,
            loop=asyncio.get_running_loop(),
        )

    async def start(self, port: int | None = None) -> None:
        quiet_aiosmtpd()
        settings = self._settings
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            self._protocol, settings.smtp_host, settings.smtp_port if port is None else port
        )
        if not settings.smtp_allowed_clients:
            log.warning(
                "smtp: no INGEST_MAIL_SMTP_ALLOWED_CLIENTS in the %s environment: any client that "
                "reaches %s may deliver",
                settings.environment,
                settings.smtp_host,
            )
        log.info("smtp receiver on %s:%d", settings.smtp_host, self.port)

    async def stop(self) -> None:
        """Stop listening, let messages being written finish (bounded), then close every session."""
        if self._server is None:
            return
        self._server.close()
        self.handler.closing = True
        if not await self.handler.wait_idle(self._settings.smtp_shutdown_grace_s):
            log.error("smtp: closing sessions with messages still being written (their MTAs retry)")
        for session in list(self._sessions):
            if session.transport is not None:
                session.transport.close()
        await self._server.wait_closed()
        self._server = None
