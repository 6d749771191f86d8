"""e2guardian (and DansGuardian) access log, tab-delimited (`logfileformat = 4`).

    when who from where what how size weight category group code mimetype clientname groupname useragent

`when` is `YYYY.M.D H:MM:SS` in the filter's local time (the school's timezone, passed in); `what`
holds the outcome, e.g. `*DENIED* Banned site: facebook.com`; `category` is the filter's own
category (several may be joined with `, `). Trailing fields are optional.
"""

from datetime import datetime, tzinfo

from ingest_proxy.record import ProxyParseError, ProxyRecord, parse_count

MIN_FIELDS = 9
TIME_FORMATS = ("%Y.%m.%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")


def _when(value: str, zone: tzinfo) -> datetime:
    for time_format in TIME_FORMATS:
        try:
            return datetime.strptime(value.strip(), time_format).replace(tzinfo=zone)
        except ValueError:
            continue
    raise ProxyParseError(f"time is not YYYY.MM.DD HH:MM:SS: {value!r}")


def parse_line(line: str, zone: tzinfo) -> ProxyRecord:
    parts = line.rstrip("\r\n").split("\t")
    if len(parts) < MIN_FIELDS:
        raise ProxyParseError(f"expected at least {MIN_FIELDS} tab-separated fields, found {len(parts)}")
    when, who, client, where, what, how, size, _weight, category = parts[:MIN_FIELDS]
    code = parts[10] if len(parts) > 10 else ""
    categories = tuple(c.strip() for c in category.split(",") if c.strip() and c.strip() != "-")
    return ProxyRecord(
        timestamp=_when(when, zone),
        client_ip=client,
        method=how.upper(),
        url=where,
        user="" if who == "-" else who,
        status=parse_count(code, "code"),
        bytes=parse_count(size, "size"),
        result_code=what.strip(),
        categories=categories,
        denied="DENIED" in what.upper(),
    )
