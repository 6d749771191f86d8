"""Windows event logs as Winlogbeat (ECS) and NXLog ship them: staff PCs and domain controllers.

One generic record per event is written out in either shipper's shape, following the samples in
services/ingest-endpoint/tests/samples and services/ingest-directory/tests/samples: ECS nests the
event data under `winlog.event_data` (AppLocker under `winlog.user_data`), NXLog flattens it
beside its own keys and logs local time. Malformed lines are cut-off JSON, event ids nobody
monitors, and records that lack what their event id needs.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from tests.bench.corpus_base import NETBIOS, Clock, Corpus, Person, malformed_positions, person, workstation

LONDON = ZoneInfo("Europe/London")
SECURITY = "Microsoft-Windows-Security-Auditing"
SECURITY_GUID = "{54849625-5478-4994-A5BA-3E3B0328C30D}"
SID_PREFIX = "S-1-5-21-1004336348-1177238915-682003330-"
DC = "TRUST-DC01.trust.local"


@dataclass(frozen=True)
class WinRecord:
    event_id: int
    provider: str
    channel: str
    computer: str
    at: datetime
    data: dict[str, str] = field(default_factory=dict)
    failure: bool = False
    # (domain, name) of the user the event was logged under, when the shipper resolved one.
    user: tuple[str, str] | None = None
    message: str = ""
    # ECS puts this event's data under winlog.user_data (AppLocker) instead of event_data.
    user_data: bool = False


def _ecs(record: WinRecord, record_id: int) -> dict[str, Any]:
    classic = record.provider != SECURITY
    winlog: dict[str, Any] = {
        "channel": record.channel,
        "computer_name": record.computer,
        "event_id": str(record.event_id),
        "provider_name": record.provider,
        "record_id": record_id,
        "keywords": ["Classic"] if classic else ["Audit Failure" if record.failure else "Audit Success"],
        "api": "wineventlog",
        "user_data" if record.user_data else "event_data": record.data,
    }
    if record.user:
        winlog["user"] = {"name": record.user[1], "domain": record.user[0], "type": "User"}
    obj: dict[str, Any] = {
        "@timestamp": record.at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "event": {
            "code": str(record.event_id),
            "provider": record.provider,
            "outcome": "failure" if record.failure else "success",
            "kind": "event",
        },
        "host": {"name": record.computer.split(".")[0].lower()},
        "winlog": winlog,
        "agent": {"type": "winlogbeat", "version": "8.15.0"},
        "ecs": {"version": "8.0.0"},
    }
    if record.message:
        obj["message"] = record.message
    return obj


def _nxlog(record: WinRecord, record_id: int) -> dict[str, Any]:
    local = record.at.astimezone(LONDON).strftime("%Y-%m-%d %H:%M:%S")
    security = record.provider == SECURITY
    obj: dict[str, Any] = {
        "EventTime": local,
        "Hostname": record.computer,
        "Keywords": ("-9218868437227405312" if record.failure else "-9214364837600034816")
        if security
        else "0x80000000000000",
        "EventType": ("AUDIT_FAILURE" if record.failure else "AUDIT_SUCCESS") if security else "INFO",
        "SeverityValue": 2,
        "Severity": "INFO",
        "EventID": record.event_id,
        "SourceName": record.provider,
        "Channel": record.channel,
        "RecordNumber": record_id,
        "EventReceivedTime": local,
        "SourceModuleName": "eventlog",
        "SourceModuleType": "im_msvistalog",
    }
    if security:
        obj["ProviderGuid"] = SECURITY_GUID
    if record.message:
        obj["Message"] = record.message
    if record.user:
        obj.update(AccountName=record.user[1], Domain=record.user[0], AccountType="User")
    obj.update(record.data)
    return obj


RENDERERS: dict[str, Callable[[WinRecord, int], dict[str, Any]]] = {"ecs": _ecs, "nxlog": _nxlog}


def _logon_id(rng: random.Random) -> str:
    return f"0x{rng.randrange(0x100000, 0xFFFFFFF):x}"


def _subject(host: str) -> dict[str, str]:
    return {"SubjectUserSid": "S-1-5-18", "SubjectUserName": f"{host}$", "SubjectDomainName": NETBIOS}


def _acting(login: str) -> dict[str, str]:
    return {"SubjectUserName": login, "SubjectDomainName": NETBIOS, "SubjectLogonId": "0x7f1a22"}


Kind = Callable[[random.Random, Person, str, datetime], WinRecord]


def _logon(rng: random.Random, who: Person, host: str, at: datetime) -> WinRecord:
    number = rng.choices((4624, 4625, 4634, 4647), (30, 5, 12, 4))[0]
    data = {
        **_subject(host),
        "TargetUserSid": f"{SID_PREFIX}{rng.randint(1100, 1900)}",
        "TargetUserName": rng.choice((who.login, who.login.title())),
        "TargetDomainName": NETBIOS,
        "TargetLogonId": _logon_id(rng),
        "LogonType": rng.choice(("2", "3", "7", "10", "11")),
        "IpAddress": "127.0.0.1",
        "IpPort": "0",
    }
    if number == 4625:
        data.update(Status="0xc000006d", SubStatus=rng.choice(("0xc000006a", "0xc0000064", "0xc0000234")))
    return WinRecord(number, SECURITY, "Security", f"{host}.elmsfarm.local", at, data, number == 4625)


def _session(rng: random.Random, who: Person, host: str, at: datetime) -> WinRecord:
    number = rng.choices((4800, 4801, 4802, 4803, 4648), (10, 10, 4, 4, 3))[0]
    data = {"TargetUserName": who.login, "TargetDomainName": NETBIOS, "TargetLogonId": _logon_id(rng)}
    if number == 4648:
        data = {**_acting(who.login), "TargetUserName": "ab-admin", "TargetServerName": "ef-fs01"}
    return WinRecord(number, SECURITY, "Security", f"{host}.elmsfarm.local", at, data)


def _share(rng: random.Random, who: Person, host: str, at: datetime) -> WinRecord:
    number = rng.choice((5140, 5140, 5145))
    share = rng.choice(("Staff", "Curriculum", "HR$", "Admin$", "Pupils"))
    data = {**_acting(who.login), "ShareName": f"\\\\*\\{share}", "IpAddress": "10.20.1.57"}
    if number == 5145:
        data["RelativeTargetName"] = rng.choice(("Payroll\\2026-11.xlsx", "Planning\\Y6\\maths.docx"))
    failure = number == 5145 and share.endswith("$")
    return WinRecord(number, SECURITY, "Security", "EF-FS01.elmsfarm.local", at, data, failure)


def _device(rng: random.Random, who: Person, host: str, at: datetime) -> WinRecord:
    serial = f"{rng.randrange(16**20):020X}"
    data = {
        **_subject(host),
        "DeviceId": f"USB\\VID_0781&PID_5581\\{serial}",
        "DeviceDescription": "USB Mass Storage Device",
        "ClassId": "{36FC9E60-C465-11CF-8056-444553540000}",
        "ClassName": "USB",
    }
    return WinRecord(6416, SECURITY, "Security", f"{host}.elmsfarm.local", at, data)


def _software(rng: random.Random, who: Person, host: str, at: datetime) -> WinRecord:
    computer, user = f"{host}.elmsfarm.local", (NETBIOS, who.login)
    kind = rng.randrange(4)
    if kind == 0:
        product = rng.choice(("uTorrent Web", "Zoom", "Google Chrome", "Steam"))
        text = f"Product: {product} -- Installation completed successfully."
        return WinRecord(11707, "MsiInstaller", "Application", computer, at, {"param1": text}, user=user)
    if kind == 1:
        name = rng.choice(("AnyDesk", "PSEXESVC", "TeamViewer"))
        data = {"ServiceName": name, "ImagePath": f"%SystemRoot%\\{name}.exe --service", "AccountName": "x"}
        return WinRecord(7045, "Service Control Manager", "System", computer, at, data, user=user)
    if kind == 2:
        data = {
            "PolicyName": "EXE",
            "TargetUser": f"{SID_PREFIX}1107",
            "FullFilePath": f"C:\\Users\\{who.login}\\Downloads\\TorBrowser\\firefox.exe",
            "Fqbn": "O=THE TOR PROJECT, INC., L=WINCHESTER, S=MASSACHUSETTS, C=US"
            "\\TOR BROWSER\\FIREFOX.EXE\\13.0.1",
        }
        channel = "Microsoft-Windows-AppLocker/EXE and DLL"
        return WinRecord(
            8004, "Microsoft-Windows-AppLocker", channel, computer, at, data, True, user, "", True
        )
    data = {
        "Threat Name": rng.choice(("HackTool:Win32/Keygen", "Trojan:Win32/Wacatac.B!ml")),
        "Severity Name": "Severe",
        "Category Name": "Tool",
        "Detection User": f"{NETBIOS}\\{who.login}",
        "Path": f"file:_C:\\Users\\{who.login}\\Downloads\\keygen-crack.exe",
        "Action Name": rng.choice(("Not Applicable", "Quarantine")),
    }
    channel = "Microsoft-Windows-Windows Defender/Operational"
    return WinRecord(1116, "Microsoft-Windows-Windows Defender", channel, computer, at, data)


def _account(rng: random.Random, who: Person, host: str, at: datetime) -> WinRecord:
    number = rng.choices(
        (4720, 4722, 4723, 4724, 4725, 4738, 4740, 4728, 4732, 4756, 4739), (2, 2, 6, 6, 3, 6, 8, 3, 3, 3, 1)
    )[0]
    data = {**_acting("ab-admin"), "TargetDomainName": "TRUST"}
    if number in (4728, 4732, 4756):
        member = rng.choice((f"CN={who.display},OU=Staff,OU=Elms Farm,DC=trust,DC=local", "-", who.login))
        group = rng.choice(("Domain Admins", "All Staff", "Administrators", "SLT"))
        data.update(
            MemberName=member, MemberSid=f"{SID_PREFIX}{rng.randint(1100, 1900)}", TargetUserName=group
        )
    elif number == 4739:
        data.update(DomainPolicyChanged="Password Policy", MinPasswordLength="7", PasswordProperties="1")
    else:
        data.update(TargetUserName=who.login, TargetSid=f"{SID_PREFIX}{rng.randint(1100, 1900)}")
    return WinRecord(number, SECURITY, "Security", DC, at, data)


ENDPOINT_KINDS: tuple[tuple[Kind, int], ...] = (
    (_logon, 51),
    (_session, 31),
    (_share, 10),
    (_device, 3),
    (_software, 5),
)
DIRECTORY_KINDS: tuple[tuple[Kind, int], ...] = ((_account, 1),)


def _spoil(rng: random.Random, record: WinRecord, render: Callable[[WinRecord, int], dict[str, Any]]) -> str:
    kind = rng.randrange(3)
    if kind == 0:
        line = json.dumps(render(record, 1), separators=(",", ":"))
        return line[: len(line) // 2]  # cut off mid-record
    if kind == 1:  # an event id nobody monitors (process creation)
        record = replace(record, event_id=4688, provider=SECURITY, channel="Security")
        return json.dumps(render(record, 1), separators=(",", ":"))
    obj = render(record, 1)  # no event id at all
    obj.pop("EventID", None)
    if "winlog" in obj:
        obj["winlog"].pop("event_id")
        obj["event"].pop("code")
    return json.dumps(obj, separators=(",", ":"))


def generate(source: str, format_name: str, records: int, rng: random.Random) -> Corpus:
    """`source` is "endpoint" or "directory", `format_name` "ecs" or "nxlog"."""
    render = RENDERERS[format_name]
    kinds = ENDPOINT_KINDS if source == "endpoint" else DIRECTORY_KINDS
    functions, weights = [kind for kind, _ in kinds], [weight for _, weight in kinds]
    bad = malformed_positions(rng, records)
    clock = Clock(rng, mean_gap_s=1.0)
    lines = []
    for index in range(records):
        record = rng.choices(functions, weights)[0](rng, person(rng), workstation(rng), clock.tick())
        if index in bad:
            lines.append(_spoil(rng, record, render))
        else:
            lines.append(json.dumps(render(record, 80_000 + index), separators=(",", ":")))
    data = ("\n".join(lines) + "\n").encode()
    return Corpus(f"{source}.{format_name}", (data,), records, records - len(bad), len(bad))
