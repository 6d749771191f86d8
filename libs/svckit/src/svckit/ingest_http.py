"""What every ingest service's HTTP side does the same way.

Settings (topics, shards, body limit, API keys per school), the batch route
`POST /v1/schools/{school}/{format}` with API-key checks, size limit and a 503 when Kafka refuses
(the sender keeps its records and retries: nothing is acknowledged that was not written), and the
Kafka records of a parsed batch (one `EventBatch` per key and chunk, one record per reject).
Each service supplies only its formats and a parse function.
"""

import asyncio
import logging
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Sequence
from typing import Annotated, Literal, Protocol, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from confluent_kafka import KafkaException
from fastapi import APIRouter, Depends, Header, HTTPException, Path, Request, status
from pydantic import AfterValidator, BaseModel, Field, field_validator, model_validator

from invigilator.events.v1 import events_pb2
from svckit.apikeys import ApiKeys, Verdict, presented_key
from svckit.batching import event_batches
from svckit.kafka import OutRecord
from svckit.settings import ServiceSettings
from svckit.tracing import KafkaHeaders, current_trace_id, inject_headers

log = logging.getLogger(__name__)

SCHOOL_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"
SchoolIdText = Annotated[str, Field(pattern=SCHOOL_ID_PATTERN)]
SchoolId = Annotated[str, Path(pattern=SCHOOL_ID_PATTERN, description="the school's id, e.g. elms-farm")]


def _known_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown IANA time zone {value!r}, e.g. Europe/London") from None
    return value


# A setting naming a local time zone: refused at start-up rather than on the first batch that needs it.
ZoneName = Annotated[str, AfterValidator(_known_zone)]

# Writes every record and returns once the broker acknowledged all of them, raising otherwise
# (`svckit.kafka.produce_all` bound to a producer; a fake in unit tests).
Produce = Callable[[Sequence[OutRecord]], object]


class IngestSettings(ServiceSettings):
    """Base of each ingest service's settings; the subclass sets its env prefix and topic."""

    # Fail closed: a deployment that forgets to say where it runs is treated as production.
    environment: Literal["dev", "ci", "production"] = "production"
    host: str = "127.0.0.1"
    port: int = 18100
    events_topic: str = "events.proxy.v1"
    rejected_topic: str = "events.rejected.v1"
    # Events of one account always share a key (school/shard); at most this many per record.
    shards: int = 64
    max_batch_events: int = 500
    max_body_bytes: int = 16 * 1024 * 1024
    # JSON object {api key: school id the key may post for}. Required outside dev (a secret).
    api_keys: dict[str, SchoolIdText] = Field(default_factory=dict, repr=False)

    @field_validator("api_keys")
    @classmethod
    def _keys_are_not_blank(cls, value: dict[str, str]) -> dict[str, str]:
        if any(not key.strip() or key != key.strip() for key in value):
            raise ValueError("API keys must be non-blank, without surrounding spaces")
        return value

    @model_validator(mode="after")
    def _secrets_have_no_defaults_outside_dev(self) -> Self:
        if not self.api_keys and self.environment != "dev":
            name = f"{self.model_config.get('env_prefix', '')}API_KEYS"
            raise ValueError(
                f"{name} is required outside the dev environment: a JSON object "
                '{"<api key>": "<school id>"}'
            )
        return self


class Parsed(Protocol):
    """A parsed input: every record became an event or a reject (nothing dropped)."""

    @property
    def events(self) -> Sequence[events_pb2.Event]: ...

    @property
    def rejects(self) -> Sequence[events_pb2.RejectedInput]: ...


class BadInputError(ValueError):
    """The body as a whole cannot be read (e.g. not UTF-8 for a text format): 400, nothing written."""


# (school id, format name, request body) → the parsed batch.
ParseBody = Callable[[str, str, bytes], Parsed]


class IngestResult(BaseModel):
    accepted: int
    rejected: int
    # Records a format deliberately does not turn into events (e.g. DELIVER rows, directory OUs).
    skipped: int = 0
    records: int
    trace_id: str


def batch_records(
    parsed: Parsed, school_id: str, settings: IngestSettings, headers: KafkaHeaders
) -> Iterator[OutRecord]:
    for key, batch in event_batches(parsed.events, settings.shards, settings.max_batch_events):
        yield OutRecord(settings.events_topic, key, batch.SerializeToString(), headers)
    for reject in parsed.rejects:
        yield OutRecord(settings.rejected_topic, school_id, reject.SerializeToString(), headers)


async def write(records: Sequence[OutRecord], produce: Produce, school_id: str) -> None:
    """Produce off the event loop; a refusal becomes a 503 so the sender retries."""
    try:
        await asyncio.to_thread(produce, records)
    except KafkaException as error:
        log.error("kafka refused a batch for %s: %s", school_id, error)
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "event stream unavailable, retry") from None


def _skipped(parsed: Parsed) -> int:
    skipped = getattr(parsed, "skipped", 0)
    return sum(skipped.values()) if isinstance(skipped, Counter) else int(skipped)


def key_checker(keys: ApiKeys) -> Callable[..., object]:
    """A FastAPI dependency: 401 without a known key, 403 when the key is another school's."""

    async def require_key(
        school_id: SchoolId,
        authorization: Annotated[str | None, Header()] = None,
        x_api_key: Annotated[str | None, Header()] = None,
    ) -> None:
        verdict = keys.verdict(presented_key(authorization, x_api_key), school_id)
        if verdict is Verdict.UNAUTHENTICATED:
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                "an API key is required: 'Authorization: Bearer <key>' or 'X-API-Key: <key>'",
                headers={"WWW-Authenticate": "Bearer"},
            )
        if verdict is Verdict.FORBIDDEN:
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"this API key may not post for {school_id!r}")

    return require_key


def warn_if_open(keys: ApiKeys, settings: IngestSettings) -> None:
    if not keys.enforced:
        log.warning(
            "no API keys in the %s environment: batches are accepted WITHOUT authentication",
            settings.environment,
        )


def batch_router(
    settings: IngestSettings,
    produce: Produce,
    formats: Collection[str],
    parse: ParseBody,
    summary: str,
    keys: ApiKeys | None = None,
) -> APIRouter:
    """`POST /v1/schools/{school_id}/{format_name}`: parse the body, write it, count what happened."""
    keys = keys or ApiKeys(settings.api_keys)
    router = APIRouter()

    @router.post(
        "/v1/schools/{school_id}/{format_name}",
        status_code=status.HTTP_202_ACCEPTED,
        summary=summary,
        dependencies=[Depends(key_checker(keys))],
    )
    async def ingest(school_id: SchoolId, format_name: str, request: Request) -> IngestResult:
        if format_name not in formats:
            raise HTTPException(
                status.HTTP_404_NOT_FOUND,
                f"unknown format {format_name!r}; known: {', '.join(sorted(formats))}",
            )
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > settings.max_body_bytes:
            raise _too_large(settings)
        body = bytearray()
        async for part in request.stream():
            body += part
            if len(body) > settings.max_body_bytes:
                raise _too_large(settings)
        try:
            parsed = await asyncio.to_thread(parse, school_id, format_name, bytes(body))
        except BadInputError as error:
            raise HTTPException(status.HTTP_400_BAD_REQUEST, str(error)) from None
        records = list(batch_records(parsed, school_id, settings, inject_headers()))
        await write(records, produce, school_id)
        return IngestResult(
            accepted=len(parsed.events),
            rejected=len(parsed.rejects),
            skipped=_skipped(parsed),
            records=len(records),
            trace_id=current_trace_id(),
        )

    return router


def _too_large(settings: IngestSettings) -> HTTPException:
    return HTTPException(
        status.HTTP_413_CONTENT_TOO_LARGE, f"body over {settings.max_body_bytes} bytes: split the batch"
    )
