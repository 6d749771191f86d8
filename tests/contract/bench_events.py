"""Realistic mixed batches for benchmarking data.invigilator.decide (scripts/bench-rego.sh).

A batch is the decide input: {"school": <id>, "events": [...]}, events in the protobuf JSON
mapping of invigilator.events.v1.Event (lowerCamelCase names, enums by name, uint64 as strings,
Timestamps as RFC 3339). The mix follows a school day: mostly proxy requests, then mail, Windows
endpoint events, derived observations and a few directory events; about one event in ten breaches
something, so the findings path is exercised as well as the quiet path.

    uv run python -m tests.contract.bench_events --size 100 [--school elms-farm] [--seed 1] > batch.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

Event = dict[str, Any]

SCHOOLS = {"elms-farm": "elmsfarm.example.sch.uk", "st-peters": "stpeters.example.sch.uk"}
# (weight, payload) of a school day's traffic.
MIX = (("proxy", 70), ("mail", 15), ("endpoint", 10), ("observation", 3), ("directory", 2))

ORDINARY_HOSTS = (
    "www.bbc.co.uk",
    "www.gov.uk",
    "www.google.com",
    "outlook.office.com",
    "login.microsoftonline.com",
    "www.educationcity.com",
    "www.twinkl.co.uk",
    "www.bbc.co.uk",
    "classroom.google.com",
    "www.arbor-education.com",
    "cdn.jsdelivr.net",
    "www.youtube.com",
)
BREACHING_HOSTS = (
    "www.facebook.com",
    "www.bet365.com",
    "www.netflix.com",
    "mail.yahoo.com",
    "1337x.to",
    "www.reddit.com",
    "web.whatsapp.com",
    "321chat.com",
    "wetransfer.com",
)
SUBJECTS = (
    "Year 4 trip letters",
    "RE: Staff meeting agenda",
    "FW: Safeguarding training dates",
    "Reading scheme order",
    "Cake sale for sale on Friday",
    "Lost property: blue coat",
    "Invoice 2026-0412",
    "Parents evening rota",
)
EXTERNAL_DOMAINS = ("gmail.com", "arbor-education.com", "parentmail.co.uk", "supplier.example.com")
ATTACHMENTS = (("letter.pdf", "pdf"), ("rota.xlsx", "xlsx"), ("photo.jpg", "jpg"), ("setup.exe", "exe"))
SOFTWARE = ("Microsoft Office", "Google Chrome", "Steam", "uTorrent", "SMART Notebook")
DEVICE_CLASSES = (("Keyboard", "046D", "C31C"), ("DiskDrive", "0781", "5581"), ("WPD", "05AC", "12A8"))


def _event_id(rng: random.Random) -> str:
    return hashlib.sha256(rng.getrandbits(64).to_bytes(8, "big")).hexdigest()[:32]


def _stamp(start: datetime, rng: random.Random) -> str:
    return (start + timedelta(seconds=rng.randrange(9 * 3600))).strftime("%Y-%m-%dT%H:%M:%SZ")


def proxy(rng: random.Random) -> dict[str, Any]:
    host = rng.choice(BREACHING_HOSTS) if rng.random() < 0.1 else rng.choice(ORDINARY_HOSTS)
    upload = rng.random() < 0.03
    request: dict[str, Any] = {
        "clientIp": f"10.20.{rng.randrange(1, 8)}.{rng.randrange(2, 250)}",
        "method": "POST" if upload else rng.choice(("GET", "GET", "GET", "CONNECT")),
        "scheme": "https",
        "host": host,
        "port": 443,
        "path": rng.choice(("/", "/news", "/search", "/api/v1/items", "/watch")),
        "status": rng.choice((200, 200, 200, 304, 403)),
        "bytes": str(rng.randrange(6_000_000, 40_000_000) if upload else rng.randrange(200, 250_000)),
        "elapsedMs": rng.randrange(5, 900),
        "resultCode": "TCP_MISS",
    }
    if rng.random() < 0.2:
        request["categories"] = [rng.choice(("Education", "News", "Social Networking", "Search Engines"))]
    return request


def mail(rng: random.Random, domain: str, account: str) -> dict[str, Any]:
    own = f"{account}@{domain}"
    external = rng.random() < 0.3
    inbound = rng.random() < 0.35
    recipients = [
        f"{rng.choice(('parent', 'office', 'head', 'teacher'))}{rng.randrange(99)}@"
        f"{rng.choice(EXTERNAL_DOMAINS) if external else domain}"
        for _ in range(rng.choice((1, 1, 2, 3, 60)))
    ]
    message: dict[str, Any] = {
        "messageId": f"<{_event_id(rng)}@{domain}>",
        "fromAddress": f"news@{rng.choice(EXTERNAL_DOMAINS)}" if inbound else own,
        "senderMailbox": f"news@{rng.choice(EXTERNAL_DOMAINS)}" if inbound else own,
        "to": [own] if inbound else recipients,
        "recipientCount": 1 if inbound else len(recipients),
        "direction": "MAIL_DIRECTION_INBOUND"
        if inbound
        else "MAIL_DIRECTION_OUTBOUND"
        if external
        else "MAIL_DIRECTION_INTERNAL",
    }
    if rng.random() < 0.05:  # private/personal: no subject, no attachment names (MON-PRIVATE-MARKED)
        message.update(sensitivity="Personal", privateMarked=True, personalLabel=True)
        return message
    message["subject"] = rng.choice(SUBJECTS)
    if rng.random() < 0.3:
        name, extension = rng.choice(ATTACHMENTS)
        size = rng.randrange(10_000, 4_000_000)
        message["attachments"] = [{"fileName": name, "extension": extension, "sizeBytes": str(size)}]
    if rng.random() < 0.05:
        message["sensitivity"] = "Company-Confidential"
    if rng.random() < 0.05:
        message["forwardDepth"] = 3
    return message


def endpoint(rng: random.Random, account: str) -> dict[str, Any]:
    host = f"EF-PC{rng.randrange(1, 60):03d}"
    base: dict[str, Any] = {"host": host, "logonId": hex(rng.getrandbits(32))}
    kind = rng.choice(
        ("logon", "logon", "lock", "screensaver", "device", "software", "threat", "share", "explicit")
    )
    if kind == "logon":
        return base | {
            "windowsEventId": 4624,
            "provider": "Microsoft-Windows-Security-Auditing",
            "logonType": rng.choice((2, 3, 3, 10, 11)),
            "targetAccount": account,
        }
    if kind in {"lock", "screensaver"}:
        event_id = {"lock": rng.choice((4800, 4801)), "screensaver": 4802}[kind]
        return base | {
            "windowsEventId": event_id,
            "provider": "Microsoft-Windows-Security-Auditing",
            "targetAccount": account,
        }
    if kind == "device":
        device_class, vendor, product = rng.choice(DEVICE_CLASSES)
        return base | {
            "windowsEventId": 6416,
            "provider": "Microsoft-Windows-Security-Auditing",
            "subjectAccount": account,
            "device": {
                "deviceClass": device_class,
                "vendorId": vendor,
                "productId": product,
                "serial": "0001",
            },
        }
    if kind == "software":
        name = rng.choice(SOFTWARE)
        return base | {
            "windowsEventId": 11707,
            "provider": "MsiInstaller",
            "subjectAccount": account,
            "software": {"name": name, "version": "1.0", "publisher": "Vendor", "fileName": "setup.msi"},
        }
    if kind == "threat":
        return base | {
            "windowsEventId": 1116,
            "provider": "Microsoft-Windows-Windows Defender",
            "threat": {"name": "Trojan:Win32/Wacatac", "severity": "Severe", "category": "Trojan"},
        }
    if kind == "share":
        return base | {
            "windowsEventId": 5145,
            "provider": "Microsoft-Windows-Security-Auditing",
            "subjectAccount": account,
            "failure": True,
            "share": {"shareName": "\\\\*\\HR$", "relativeTarget": "salaries.xlsx"},
        }
    return base | {
        "windowsEventId": 4648,
        "provider": "Microsoft-Windows-Security-Auditing",
        "subjectAccount": account,
        "targetAccount": rng.choice((account, "jsmith", "office")),
        "targetHost": "EF-FS01",
    }


def observation(rng: random.Random, start: datetime) -> dict[str, Any]:
    kind = rng.choice(("nonwork", "concurrent", "screensaver", "denials"))
    if kind == "nonwork":
        return {
            "type": "OBSERVATION_TYPE_DAILY_NONWORK_MINUTES",
            "date": start.date().isoformat(),
            "minutes": rng.choice((12, 35, 75)),
        }
    if kind == "concurrent":
        return {"type": "OBSERVATION_TYPE_CONCURRENT_LOGONS", "hosts": ["EF-PC001", "EF-PC014"], "count": 2}
    if kind == "screensaver":
        return {
            "type": "OBSERVATION_TYPE_SCREENSAVER_WITHOUT_LOCK",
            "logonId": "0x3e7a1",
            "seconds": rng.choice((60, 180, 900)),
        }
    window_start = start + timedelta(minutes=rng.randrange(480))
    return {
        "type": "OBSERVATION_TYPE_ACCESS_DENIALS",
        "count": rng.choice((2, 6)),
        "windowStart": window_start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "windowEnd": (window_start + timedelta(minutes=8)).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def directory(rng: random.Random, account: str) -> dict[str, Any]:
    kind = rng.choice(("snapshot", "snapshot", "disabled", "policy"))
    if kind == "snapshot":
        return {
            "accountSnapshot": {
                "account": account,
                "userAccountControl": rng.choice((512, 512, 544)),
                "staff": True,
                "leaver": rng.random() < 0.1,
            }
        }
    if kind == "disabled":
        return {"windowsEventId": 4725, "subjectAccount": "itsupport", "targetAccount": account}
    return {
        "passwordPolicy": {
            "name": "domain",
            "minLength": rng.choice((7, 8, 12)),
            "complexityEnabled": rng.random() < 0.8,
        }
    }


def event(rng: random.Random, school: str, start: datetime) -> Event:
    account = f"{rng.choice(('aj', 'bk', 'cl', 'dm', 'en', 'fo'))}{rng.choice(('smith', 'jones', 'patel'))}"
    payload = rng.choices([name for name, _ in MIX], weights=[weight for _, weight in MIX])[0]
    body: dict[str, Any]
    if payload == "proxy":
        body = proxy(rng)
    elif payload == "mail":
        body = mail(rng, SCHOOLS[school], account)
    elif payload == "endpoint":
        body = endpoint(rng, account)
    elif payload == "observation":
        body = observation(rng, start)
    else:
        body = directory(rng, account)
    return {
        "eventId": _event_id(rng),
        "schoolId": school,
        "account": account,
        "occurredAt": _stamp(start, rng),
        payload: body,
    }


def batch(size: int, school: str = "elms-farm", seed: int = 1) -> dict[str, Any]:
    """The decide input for `size` events; the same arguments give the same batch."""
    rng = random.Random(seed)  # benchmark data, not security
    start = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday in term time
    return {"school": school, "events": [event(rng, school, start) for _ in range(size)]}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--size", type=int, required=True, help="number of events in the batch")
    parser.add_argument("--school", choices=sorted(SCHOOLS), default="elms-farm")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    json.dump(batch(args.size, args.school, args.seed), sys.stdout, separators=(",", ":"))
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
