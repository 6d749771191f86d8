"""Winlogbeat (ECS) documents from the staff PCs: a working day's logon, locks and logoff per person,
devices and software installs, and the planted endpoint breaches.

Every document carries `fields.school` (the shipper's `fields:` setting) and `@timestamp` = `at`.
The person an event names is the one ingest-endpoint reads: TargetUserName for logons and session
events, winlog.user for installs, Defender's Detection User; a 6416 device event names nobody.
"""

from __future__ import annotations

import hashlib
import random
from datetime import datetime, timedelta

from invigilator_demo.gen_trust import DNS_DOMAIN, NETBIOS, POLICIES, Clock, Out
from invigilator_demo.plan import EndpointEvent, School, Staff
from invigilator_demo.winlogbeat import AUDIT_FAILURE, AUDIT_SUCCESS, DEFENDER, SECURITY, ecs_document

# (vendor id, product id, class, description): devices every school approves by class.
CLEAN_DEVICES = (
    ("046D", "C31C", "Keyboard", "HID Keyboard Device"),
    ("046D", "C077", "Mouse", "HID-compliant mouse"),
)
STICK = ("0781", "5581", "USB", "SanDisk Ultra (school encrypted)")
PHONES = (
    ("04E8", "6860", "USB", "SAMSUNG Mobile USB Composite Device"),
    ("05AC", "12A8", "USB", "Apple iPhone"),
    ("0930", "6545", "USB", "Kingston DataTraveler (personal)"),
)
UNAPPROVED_SOFTWARE = (
    ("qBittorrent", "5.0.1", "The qBittorrent project"),
    ("Steam", "2.10.91.91", "Valve Corporation"),
    ("TeamViewer", "15.59.3", "TeamViewer Germany GmbH"),
)
SOFTWARE_INFO = {
    "Google Chrome": ("131.0.6778.86", "Google LLC"),
    "Microsoft Office Professional Plus 2021": ("16.0.14332.20812", "Microsoft Corporation"),
    "Zoom Workplace": ("6.2.11", "Zoom Video Communications, Inc."),
    "Google Drive for desktop": ("101.0.3.0", "Google LLC"),
    "SMART Notebook": ("24.1.88.0", "SMART Technologies ULC"),
}


class Endpoints:
    """A school's Windows events of the day."""

    def __init__(self, out: Out, r: random.Random, clock: Clock, school: School, tag: str) -> None:
        self.out, self.r, self.clock, self.school, self.tag = out, r, clock, school, tag
        self.policy = POLICIES[school.id]
        self._record = 40000 + r.randint(0, 9999)

    # --- documents ---

    def doc(
        self,
        at: datetime,
        event_id: int,
        host: str,
        data: dict[str, str],
        *,
        provider: str = SECURITY,
        user: str = "",
        message: str = "",
        failure: bool = False,
    ) -> None:
        self._record += self.r.randint(1, 40)
        doc = ecs_document(
            at,
            event_id,
            host,
            DNS_DOMAIN,
            data,
            self._record,
            provider=provider,
            keyword=AUDIT_FAILURE if failure else AUDIT_SUCCESS,
            user={"name": user, "domain": NETBIOS, "type": "User"} if user else None,
            message=message,
        )
        doc["fields"] = {"school": self.school.id}
        self.out.add(EndpointEvent(at, self.school.id, doc))

    def _logon_id(self) -> str:
        return f"0x{self.r.randint(0x100000, 0xFFFFFF):x}"

    def logon(self, person: Staff, at: datetime) -> str:
        logon_id = self._logon_id()
        host = person.workstation
        data = {
            "SubjectUserSid": "S-1-5-18",
            "SubjectUserName": f"{host}$",
            "SubjectDomainName": NETBIOS,
            "SubjectLogonId": "0x3e7",
            "TargetUserName": person.account,
            "TargetDomainName": NETBIOS,
            "TargetLogonId": logon_id,
            "LogonType": "2",
            "LogonProcessName": "User32 ",
            "AuthenticationPackageName": "Negotiate",
            "WorkstationName": host,
            "ProcessName": "C:\\Windows\\System32\\svchost.exe",
            "IpAddress": "127.0.0.1",
            "IpPort": "0",
        }
        self.doc(at, 4624, host, data)
        return logon_id

    def session(self, person: Staff, logon_id: str, at: datetime, event_id: int) -> None:
        """4800 lock / 4801 unlock / 4802 screensaver / 4803 dismissed / 4647 logoff initiated."""
        data = {
            "TargetUserName": person.account,
            "TargetDomainName": NETBIOS,
            "TargetLogonId": logon_id,
            "SessionId": "1",
        }
        self.doc(at, event_id, person.workstation, data)

    def logoff(self, person: Staff, logon_id: str, at: datetime) -> None:
        self.session(person, logon_id, at, 4647)
        data = {
            "TargetUserName": person.account,
            "TargetDomainName": NETBIOS,
            "TargetLogonId": logon_id,
            "LogonType": "2",
        }
        self.doc(at + timedelta(seconds=1), 4634, person.workstation, data)

    def device(self, person: Staff, at: datetime, device: tuple[str, str, str, str]) -> None:
        vendor, product, class_name, description = device
        serial = hashlib.sha256(f"{self.tag}/{person.workstation}/{at.isoformat()}".encode()).hexdigest()[:12]
        host = person.workstation
        data = {
            "SubjectUserSid": "S-1-5-18",
            "SubjectUserName": f"{host}$",
            "SubjectDomainName": NETBIOS,
            "SubjectLogonId": "0x3e7",
            "DeviceId": f"USB\\VID_{vendor}&PID_{product}\\{serial.upper()}",
            "DeviceDescription": description,
            "ClassName": class_name,
            "LocationInformation": "Port_#0002.Hub_#0001",
        }
        self.doc(at, 6416, host, data)

    def install(self, person: Staff, at: datetime, name: str, version: str, publisher: str) -> None:
        """MsiInstaller 11707 (completed) and 1033 (installed): two events per install."""
        text = f"Product: {name} -- Installation completed successfully."
        host = person.workstation
        self.doc(
            at, 11707, host, {"param1": text}, provider="MsiInstaller", user=person.account, message=text
        )
        msi = {"param1": name, "param2": version, "param3": "1033", "param4": publisher, "param5": "0"}
        self.doc(at + timedelta(seconds=1), 1033, host, msi, provider="MsiInstaller", user=person.account)

    def detection(self, person: Staff, at: datetime) -> None:
        """Defender 1116 (detected) and 1117 (quarantined)."""
        threat = self.r.choice(("Trojan:Win32/Wacatac.B!ml", "HackTool:Win32/Keygen", "PUA:Win32/Presenoker"))
        path = f"file:_C:\\Users\\{person.account}\\Downloads\\free_fixtures_2026.exe"
        for offset, event_id, action in ((0, 1116, "Not Applicable"), (3, 1117, "Quarantine")):
            data = {
                "Product Name": "Microsoft Defender Antivirus",
                "Threat Name": threat,
                "Severity Name": "Severe",
                "Category Name": "Trojan",
                "Detection User": f"{NETBIOS}\\{person.account}",
                "Path": path,
                "Process Name": "C:\\Windows\\explorer.exe",
                "Source Name": "Real-Time Protection",
                "Action Name": action,
                "Origin Name": "Internet",
            }
            self.doc(at + timedelta(seconds=offset), event_id, person.workstation, data, provider=DEFENDER)

    # --- a person's day ---

    def day(self, person: Staff, *, unlocked: bool = False, malware: bool = False, extras: int = 1) -> None:
        """Logon on arrival, breaks locked (or a screensaver locked or dismissed in the grace), logoff.
        `unlocked` plants SESSION-UNLOCKED at lunch; `malware` a Defender detection, a logoff and a
        logon again before IT cleared the PC. `extras` clean breaks (0-3)."""
        r, clock = self.r, self.clock
        logon_id = self.logon(person, clock.between(r, (7, 30), (8, 40)))
        breaks = [((10, 25), (10, 45)), ((12, 5), (12, 35)), ((14, 30), (14, 50))]
        for n, (start, end) in enumerate(breaks):
            at = clock.between(r, start, end)
            if unlocked and n == 1:
                self.session(person, logon_id, at, 4802)
                self.session(person, logon_id, at + timedelta(minutes=r.randint(12, 28)), 4803)
                self.out.plant(
                    self.school.id, "SESSION-UNLOCKED", person.account, "endpoint", "screensaver, no lock"
                )
            elif n < (min(extras, 2) if malware else extras):
                self._clean_break(person, logon_id, at)
        if malware:  # after lunch, and the new session's logon before the afternoon break
            at = clock.between(r, (13, 10), (13, 30))
            self.detection(person, at)
            for clause_what in ("Defender detected malware", "Defender quarantined it"):
                self.out.plant(self.school.id, "MALWARE-DETECTED", person.account, "endpoint", clause_what)
            self.logoff(person, logon_id, at + timedelta(minutes=r.randint(5, 12)))
            logon_id = self.logon(person, at + timedelta(minutes=r.randint(25, 45)))
            if self.policy.relogon_breach:
                self.out.plant(
                    self.school.id,
                    "MALWARE-DETECTED",
                    person.account,
                    "endpoint",
                    "logged on again before IT cleared the PC",
                )
        self.logoff(person, logon_id, clock.between(r, (15, 45), (17, 25)))

    def _clean_break(self, person: Staff, logon_id: str, at: datetime) -> None:
        r = self.r
        kind = r.random()
        if kind < 0.5:
            self.session(person, logon_id, at, 4800)
            self.session(person, logon_id, at + timedelta(minutes=r.randint(5, 18)), 4801)
        elif kind < 0.8:  # screensaver, then the GPO lock inside the two-minute grace
            self.session(person, logon_id, at, 4802)
            locked = at + timedelta(seconds=r.randint(20, 80))
            self.session(person, logon_id, locked, 4800)
            self.session(person, logon_id, locked + timedelta(minutes=r.randint(5, 18)), 4801)
        else:  # screensaver dismissed inside the grace
            self.session(person, logon_id, at, 4802)
            self.session(person, logon_id, at + timedelta(seconds=r.randint(10, 80)), 4803)

    def clean_device(self, person: Staff) -> None:
        choices = CLEAN_DEVICES + ((STICK,) if self.policy.approved_stick else ())
        self.device(person, self.clock.between(self.r, (8, 45), (15, 30)), self.r.choice(choices))

    def clean_install(self, person: Staff) -> None:
        name = self.r.choice(
            [n for n in SOFTWARE_INFO if any(n.startswith(a) for a in self.policy.approved_software)]
        )
        self.install(person, self.clock.between(self.r, (8, 45), (16, 0)), name, *SOFTWARE_INFO[name])

    # --- planted ---

    def unapproved_device(self, person: Staff) -> None:
        device = self.r.choice(PHONES)
        self.device(person, self.clock.between(self.r, (9, 0), (15, 30)), device)
        self.out.plant(
            self.school.id, "DEVICE-UNAPPROVED", "", "endpoint", f"{device[3]} on {person.workstation}"
        )

    def unauthorised_install(self, person: Staff) -> None:
        """Not on this school's list: what the other policy approves is offered too (Zoom Workplace
        at St Peter's and Riverside, Google Drive for desktop at Elms Farm and Oak Hill)."""
        other = [n for n in SOFTWARE_INFO if not any(n.startswith(a) for a in self.policy.approved_software)]
        choices = [(n, *SOFTWARE_INFO[n]) for n in other] + list(UNAPPROVED_SOFTWARE)
        name, version, publisher = self.r.choice(choices)
        self.install(person, self.clock.between(self.r, (9, 0), (16, 0)), name, version, publisher)
        for event in ("11707", "1033"):
            self.out.plant(
                self.school.id, "SW-UNAUTHORISED", person.account, "endpoint", f"{name} installed ({event})"
            )

    def explicit_credentials(self, person: Staff, colleague: Staff) -> None:
        """4648: `person` maps a share with a colleague's password (not an IT admin): PWD-SHARED."""
        server = f"{self.policy.prefix}-FS01.{DNS_DOMAIN}"
        data = {
            "SubjectUserName": person.account,
            "SubjectDomainName": NETBIOS,
            "SubjectLogonId": self._logon_id(),
            "TargetUserName": colleague.account,
            "TargetDomainName": NETBIOS,
            "TargetServerName": server,
            "TargetInfo": server,
            "ProcessName": "C:\\Windows\\System32\\net.exe",
            "IpAddress": "-",
            "IpPort": "-",
        }
        self.doc(self.clock.between(self.r, (9, 0), (15, 30)), 4648, person.workstation, data)
        self.out.plant(
            self.school.id, "PWD-SHARED", person.account, "endpoint", "used a colleague's credentials (4648)"
        )

    def share_denials(self, person: Staff) -> None:
        """Six refusals on the HR and Finance shares in four minutes: NET-RESTRICTED-AREA (once)."""
        server = f"{self.policy.prefix}-FS01"
        logon_id = self._logon_id()
        start = self.clock.between(self.r, (9, 0), (15, 30))
        targets = (
            "Personnel",
            "Personnel\\contracts",
            "Payroll\\2026-11.xlsx",
            "Absence",
            "Payroll",
            "Appraisals",
        )
        for n, (offset, target) in enumerate(zip((0, 31, 80, 112, 190, 236), targets, strict=True)):
            share = "HR$" if n % 3 != 2 else "Finance$"
            data = {
                "SubjectUserName": person.account,
                "SubjectDomainName": NETBIOS,
                "SubjectLogonId": logon_id,
                "ObjectType": "File",
                "IpAddress": person.client_ip,
                "IpPort": "49731",
                "ShareName": f"\\\\*\\{share}",
                "ShareLocalPath": f"\\??\\D:\\Shares\\{share.rstrip('$')}",
                "RelativeTargetName": target,
                "AccessMask": "0x120089",
            }
            self.doc(start + timedelta(seconds=offset), 5145, server, data, failure=True)
        self.out.plant(
            self.school.id,
            "NET-RESTRICTED-AREA",
            person.account,
            "endpoint",
            "6 denied share accesses in 4 min",
        )
