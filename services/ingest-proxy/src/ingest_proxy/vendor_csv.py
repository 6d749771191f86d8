"""CSV exports of commercial web filters (Smoothwall, Lightspeed) through a column mapping.

Vendors and versions name their columns differently, so the mapping is data: the presets below
match the exports we have seen, and a school can pass its own (`INGEST_PROXY_CSV_MAPPINGS`).
Times without a zone are the filter's local time (the school's timezone).
"""

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path

from ingest_proxy.record import ProxyParseError, ProxyRecord, parse_count

TIME_FORMATS = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S")


@dataclass(frozen=True)
class ColumnMapping:
    """Header names of each field; empty when the export has no such column."""

    timestamp: str
    user: str
    url: str
    client_ip: str = ""
    method: str = ""
    status: str = ""
    bytes: str = ""
    category: str = ""
    action: str = ""
    # Values of the action column that mean the filter blocked the request.
    denied_actions: tuple[str, ...] = ("blocked", "denied", "block")


PRESETS = {
    "smoothwall": ColumnMapping(
        timestamp="Date/Time",
        user="Username",
        url="URL",
        client_ip="IP Address",
        method="Method",
        status="Status Code",
        bytes="Bytes",
        category="Categories",
        action="Action",
    ),
    "lightspeed": ColumnMapping(
        timestamp="Time",
        user="User",
        url="URL",
        client_ip="IP",
        category="Category",
        action="Action",
    ),
}


def _timestamp(value: str, zone: tzinfo) -> datetime:
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        for time_format in TIME_FORMATS:
            try:
                parsed = datetime.strptime(text, time_format)
                break
            except ValueError:
                continue
        else:
            raise ProxyParseError(f"time not understood: {value!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)


def _record(row: dict[str, str], mapping: ColumnMapping, zone: tzinfo) -> ProxyRecord:
    def get(column: str) -> str:
        return row.get(column, "").strip() if column else ""

    url = get(mapping.url)
    if not url:
        raise ProxyParseError(f"no URL in column {mapping.url!r}")
    action = get(mapping.action)
    categories = tuple(c.strip() for c in get(mapping.category).replace(";", ",").split(",") if c.strip())
    return ProxyRecord(
        timestamp=_timestamp(get(mapping.timestamp), zone),
        client_ip=get(mapping.client_ip),
        method=(get(mapping.method) or ("CONNECT" if "://" not in url else "GET")).upper(),
        url=url,
        user=get(mapping.user),
        status=parse_count(get(mapping.status), "status"),
        bytes=parse_count(get(mapping.bytes), "bytes"),
        result_code=action,
        categories=categories,
        denied=action.lower() in mapping.denied_actions,
    )


def parse_text(
    text: str, mapping: ColumnMapping, zone: tzinfo
) -> Iterator[tuple[int, str, ProxyRecord | ProxyParseError]]:
    """(line number, raw line, record or the reason it was refused) for every data line."""
    lines = text.splitlines()
    header_at = next((n for n, line in enumerate(lines) if line.strip()), None)
    if header_at is None:
        return
    try:
        header = _row(lines[header_at])
    except ProxyParseError:
        header = []  # every line is refused below for the missing columns
    missing = [c for c in (mapping.timestamp, mapping.user, mapping.url) if c not in header]
    for number, line in enumerate(lines[header_at + 1 :], start=header_at + 2):
        if not line.strip():
            continue
        if missing:
            yield number, line, ProxyParseError(f"header lacks column(s) {missing}: check the column mapping")
            continue
        try:
            values = _row(line)
        except ProxyParseError as error:
            yield number, line, error
            continue
        if len(values) != len(header):
            yield number, line, ProxyParseError(f"expected {len(header)} columns, found {len(values)}")
            continue
        try:
            yield number, line, _record(dict(zip(header, values, strict=True)), mapping, zone)
        except ProxyParseError as error:
            yield number, line, error


def _row(line: str) -> list[str]:
    """One CSV row; csv's own refusal (e.g. a field over its 128 KiB limit) as a ProxyParseError."""
    try:
        return next(csv.reader([line]))
    except csv.Error as error:
        raise ProxyParseError(f"not a CSV row: {error}") from None


def load_mappings(path: Path | None) -> dict[str, ColumnMapping]:
    """The presets, plus or overridden by the vendors a JSON file maps; errors name the vendor."""
    mappings = dict(PRESETS)
    if path is None:
        return mappings
    for vendor, columns in json.loads(path.read_text(encoding="utf-8")).items():
        try:
            denied = tuple(columns.pop("denied_actions", ColumnMapping.denied_actions))
            mappings[vendor] = ColumnMapping(**columns, denied_actions=denied)
        except TypeError as error:
            raise ValueError(f"{path}: CSV mapping for {vendor!r}: {error}") from None
    return mappings
