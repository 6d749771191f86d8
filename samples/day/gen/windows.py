"""Windows event records as Winlogbeat (ECS) and NXLog ship them, for the sample day."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from gen.common import compact
from invigilator_demo.winlogbeat import AUDIT_FAILURE, AUDIT_SUCCESS, CHANNELS, SECURITY, ecs_document

SECURITY_GUID = "{54849625-5478-4994-A5BA-3E3B0328C30D}"
# NXLog's 64-bit masks for Winlogbeat's keyword names.
NX_KEYWORDS = {
    AUDIT_SUCCESS: "-9214364837600034816",
    AUDIT_FAILURE: "-9218868437227405312",
    "Classic": "0x80000000000000",
}


class RecordIds:
    """Per-host event record numbers, increasing as a real log's do."""

    def __init__(self, start: int) -> None:
        self._next: dict[str, int] = {}
        self._start = start

    def __call__(self, host: str) -> int:
        number = self._next.get(host, self._start + 7919 * len(self._next))
        self._next[host] = number + 1
        return number


def ecs_line(
    moment: datetime,
    event_id: int,
    computer: str,
    domain: str,
    data: Mapping[str, str],
    record_id: int,
    *,
    provider: str = SECURITY,
    keyword: str = AUDIT_SUCCESS,
    user: Mapping[str, str] | None = None,
    message: str = "",
    user_data: Mapping[str, str] | None = None,
) -> str:
    """One Winlogbeat 8 document, as `output.file` writes it (one JSON object per line)."""
    return compact(
        ecs_document(
            moment,
            event_id,
            computer,
            domain,
            data,
            record_id,
            provider=provider,
            keyword=keyword,
            user=user,
            message=message,
            user_data=user_data,
        )
    )


def nxlog_line(
    moment: datetime,
    event_id: int,
    computer: str,
    domain: str,
    data: Mapping[str, str],
    record_id: int,
    *,
    provider: str = SECURITY,
    keyword: str = AUDIT_SUCCESS,
    account: tuple[str, str] | None = None,
    message: str = "",
) -> str:
    """One NXLog im_msvistalog record through to_json: flat, EventTime in the host's local time."""
    stamp = moment.strftime("%Y-%m-%d %H:%M:%S")
    doc: dict[str, Any] = {
        "EventTime": stamp,
        "Hostname": f"{computer}.{domain}",
        "Keywords": NX_KEYWORDS.get(keyword, "0x8000000000000000"),
        "EventType": {AUDIT_SUCCESS: "AUDIT_SUCCESS", AUDIT_FAILURE: "AUDIT_FAILURE"}.get(keyword, "INFO"),
        "SeverityValue": 2,
        "Severity": "INFO",
        "EventID": event_id,
        "SourceName": provider,
    }
    if provider == SECURITY:
        doc["ProviderGuid"] = SECURITY_GUID
    doc |= {
        "Channel": CHANNELS.get(provider, "System"),
        "RecordNumber": record_id,
        "EventReceivedTime": stamp,
        "SourceModuleName": "eventlog",
        "SourceModuleType": "im_msvistalog",
    }
    if account:
        doc |= {"AccountName": account[1], "Domain": account[0], "AccountType": "User"}
    if message:
        doc["Message"] = message
    doc |= dict(data)
    return compact(doc)


def logon(user: str, domain: str, host: str, logon_id: str, logon_type: int) -> dict[str, str]:
    return {
        "SubjectUserSid": "S-1-5-18",
        "SubjectUserName": f"{host}$",
        "SubjectDomainName": domain,
        "SubjectLogonId": "0x3e7",
        "TargetUserName": user,
        "TargetDomainName": domain,
        "TargetLogonId": logon_id,
        "LogonType": str(logon_type),
        "LogonProcessName": "User32 " if logon_type in (2, 7, 11) else "Kerberos",
        "AuthenticationPackageName": "Negotiate" if logon_type in (2, 7, 11) else "Kerberos",
        "WorkstationName": host if logon_type != 3 else "-",
        "ProcessName": "C:\\Windows\\System32\\svchost.exe" if logon_type != 3 else "-",
        "IpAddress": "127.0.0.1" if logon_type != 3 else "-",
        "IpPort": "0",
    }


def session(user: str, domain: str, logon_id: str) -> dict[str, str]:
    """4800 lock / 4801 unlock / 4802 screensaver / 4803 dismissed / 4647 logoff."""
    return {"TargetUserName": user, "TargetDomainName": domain, "TargetLogonId": logon_id, "SessionId": "1"}


def logoff(user: str, domain: str, logon_id: str, logon_type: int) -> dict[str, str]:
    return {
        "TargetUserName": user,
        "TargetDomainName": domain,
        "TargetLogonId": logon_id,
        "LogonType": str(logon_type),
    }


def failed_logon(subject: str, target: str, domain: str, host: str, logon_type: int = 2) -> dict[str, str]:
    """4625: the subject is the machine at a logon screen, or the user who typed runas."""
    return {
        "SubjectUserName": subject,
        "SubjectDomainName": domain,
        "SubjectLogonId": "0x3e7" if subject.endswith("$") else "0x4a1c2f",
        "TargetUserName": target,
        "TargetDomainName": domain,
        "Status": "0xc000006d",
        "SubStatus": "0xc000006a",
        "FailureReason": "%%2313",
        "LogonType": str(logon_type),
        "LogonProcessName": "seclogo" if not subject.endswith("$") else "User32 ",
        "WorkstationName": host,
        "IpAddress": "127.0.0.1",
        "IpPort": "0",
    }


def explicit(subject: str, target: str, domain: str, logon_id: str, server: str) -> dict[str, str]:
    """4648: `subject` used `target`'s credentials against `server`."""
    return {
        "SubjectUserName": subject,
        "SubjectDomainName": domain,
        "SubjectLogonId": logon_id,
        "TargetUserName": target,
        "TargetDomainName": domain,
        "TargetServerName": server,
        "TargetInfo": server,
        "ProcessName": "C:\\Windows\\System32\\net.exe",
        "IpAddress": "-",
        "IpPort": "-",
    }


def share(user: str, domain: str, logon_id: str, share_name: str, target: str, ip: str) -> dict[str, str]:
    return {
        "SubjectUserName": user,
        "SubjectDomainName": domain,
        "SubjectLogonId": logon_id,
        "ObjectType": "File",
        "IpAddress": ip,
        "IpPort": "49731",
        "ShareName": f"\\\\*\\{share_name}",
        "ShareLocalPath": f"\\??\\D:\\Shares\\{share_name.rstrip('$')}",
        "RelativeTargetName": target,
        "AccessMask": "0x120089",
    }


def new_device(host: str, domain: str, device_id: str, class_name: str, description: str) -> dict[str, str]:
    """6416, logged by the machine account (Windows names no user here)."""
    return {
        "SubjectUserSid": "S-1-5-18",
        "SubjectUserName": f"{host}$",
        "SubjectDomainName": domain,
        "SubjectLogonId": "0x3e7",
        "DeviceId": device_id,
        "DeviceDescription": description,
        "ClassName": class_name,
        "LocationInformation": "Port_#0002.Hub_#0001",
    }


def defender(threat: str, user: str, path: str, action: str, severity: str, category: str) -> dict[str, str]:
    return {
        "Product Name": "Microsoft Defender Antivirus",
        "Product Version": "4.18.25100.9",
        "Threat Name": threat,
        "Severity Name": severity,
        "Category Name": category,
        "Detection User": user,
        "Path": path,
        "Process Name": "C:\\Windows\\explorer.exe",
        "Source Name": "Real-Time Protection",
        "Action Name": action,
        "Origin Name": "Internet",
        "Engine Version": "AM: 1.1.25100.9",
    }
