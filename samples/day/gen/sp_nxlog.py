"""St Peter's NXLog (im_msvistalog, to_json) events from the staff and classroom PCs."""

from __future__ import annotations

from datetime import datetime, timedelta

from gen.common import Plant, Rendered, SampleFile, at, rng
from gen.st_peters import DNS, NETBIOS, SCHOOL, STAFF
from gen.windows import (
    RecordIds,
    defender,
    explicit,
    failed_logon,
    logon,
    new_device,
    nxlog_line,
    session,
)
from invigilator_demo.winlogbeat import AUDIT_FAILURE


class Windows:
    def __init__(self) -> None:
        self.file = SampleFile(SCHOOL, "nxlog-endpoints.jsonl")
        self.random = rng("sp-nxlog")
        self.ids = RecordIds(238000)

    def logon_id(self) -> str:
        return f"0x{self.random.randint(0x100000, 0xFFFFFF):x}"

    def add(
        self, moment: datetime, event_id: int, host: str, data: dict[str, str], *plants: Plant, **kw: object
    ) -> None:
        line = nxlog_line(moment, event_id, host, DNS, data, self.ids(host), **kw)  # type: ignore[arg-type]
        self.file.add(moment, line, *plants)

    def session(self, user: str, host: str, start: datetime, end: datetime, *plants: Plant) -> str:
        logon_id = self.logon_id()
        self.add(start, 4624, host, logon(user, NETBIOS, host, logon_id, 2), *plants)
        self.add(end, 4647, host, session(user, NETBIOS, logon_id))
        return logon_id


def nxlog() -> list[Rendered]:
    w = Windows()
    special = {"pwhite", "lmorgan", "owilliams", "ehughes"}
    ids: dict[str, str] = {}
    for n, (user, (_, _, host)) in enumerate(STAFF.items()):
        if user in special:
            continue
        start = at("7:35") + timedelta(minutes=2 * n, seconds=7 * n)
        ids[user] = w.session(user, host, start, at("16:30") + timedelta(minutes=n))
        locked = at("10:40") + timedelta(seconds=w.random.randint(0, 300))
        w.add(locked, 4802, host, session(user, NETBIOS, ids[user]))
        w.add(
            locked + timedelta(seconds=w.random.randint(5, 60)), 4800, host, session(user, NETBIOS, ids[user])
        )
        w.add(locked + timedelta(minutes=15), 4801, host, session(user, NETBIOS, ids[user]))

    # pwhite: the staffroom, the library, the staffroom again: one host at a time.
    w.session("pwhite", "SP-STAFF-01", at("7:41:12"), at("12:00:40"))
    w.session("pwhite", "SP-LIB-01", at("12:10:05"), at("12:50:31"))
    w.session("pwhite", "SP-STAFF-01", at("12:55:18"), at("16:48:02"))
    # lmorgan: his account used in the ICT suite while he is still logged on in the staffroom.
    w.session(
        "lmorgan",
        "SP-STAFF-02",
        at("8:35:20"),
        at("15:45:10"),
        Plant(
            "PWD-SHARED", "lmorgan", "logged on at SP-STAFF-02 and SP-ICT-15 at once (cites the first logon)"
        ),
    )
    w.session("lmorgan", "SP-ICT-15", at("10:20:41"), at("11:15:03"))
    # ehughes: the screensaver starts and nobody locks until she logs off.
    host = STAFF["ehughes"][2]
    logon_id = w.session("ehughes", host, at("7:52:30"), at("15:40:00"))
    w.add(
        at("14:12:30"),
        4802,
        host,
        session("ehughes", NETBIOS, logon_id),
        Plant("SESSION-UNLOCKED", "ehughes", "screensaver, no lock until logoff"),
    )
    # owilliams: malware, logoff, and back on the same PC before IT says it is safe (SP: a breach).
    host = STAFF["owilliams"][2]
    w.session("owilliams", host, at("8:01:17"), at("10:20:00"))
    malware = Plant("MALWARE-DETECTED", "owilliams", "Defender: keygen in Downloads")
    path = "file:_C:\\Users\\owilliams\\Downloads\\MathsTools_keygen.exe"
    provider = "Microsoft-Windows-Windows Defender"
    relogon = Plant(
        "MALWARE-DETECTED",
        "owilliams",
        "logged on again at 13:30 before IT cleared the PC (cites the detection)",
    )
    w.add(
        at("10:05:31"),
        1116,
        host,
        defender("HackTool:Win32/Keygen", f"{NETBIOS}\\owilliams", path, "Not Applicable", "Severe", "Tool"),
        malware,
        relogon,
        provider=provider,
    )
    w.add(
        at("10:05:34"),
        1117,
        host,
        defender("HackTool:Win32/Keygen", f"{NETBIOS}\\owilliams", path, "Quarantine", "Severe", "Tool"),
        malware,
        provider=provider,
    )
    w.session("owilliams", host, at("13:30:09"), at("16:05:00"))
    # cdavies tries runas with colleagues' accounts: five failures in five minutes.
    host = STAFF["cdavies"][2]
    for n, (target, seconds) in enumerate(
        [("mrees", 0), ("sjames", 65), ("mrees", 157), ("ktaylor", 236), ("mrees", 325)]
    ):
        plants = (
            (
                Plant(
                    "NET-RESTRICTED-AREA",
                    "cdavies",
                    "5 failed logons as other people in 6 min (cites the first)",
                ),
            )
            if n == 0
            else ()
        )
        w.add(
            at("11:20:05") + timedelta(seconds=seconds),
            4625,
            host,
            failed_logon("cdavies", target, NETBIOS, host),
            *plants,
            keyword=AUDIT_FAILURE,
        )
    # A mistyped password at a logon screen: the machine is the subject, nobody's conduct.
    host = STAFF["tlewis"][2]
    w.add(at("7:40:02"), 4625, host, failed_logon(f"{host}$", "tlewis", NETBIOS, host), keyword=AUDIT_FAILURE)
    # gprice runs Tor Browser from Downloads: AppLocker blocks it.
    applocker = {
        "PolicyName": "EXE",
        "TargetUser": "S-1-5-21-3001-1181-2220-1342",
        "FilePath": "%OSDRIVE%\\USERS\\GPRICE\\DOWNLOADS\\TOR BROWSER\\BROWSER\\FIREFOX.EXE",
        "FullFilePath": "C:\\Users\\gprice\\Downloads\\Tor Browser\\Browser\\firefox.exe",
        "Fqbn": (
            "O=THE TOR PROJECT, INC., L=WINCHESTER, S=MASSACHUSETTS, C=US\\TOR BROWSER\\FIREFOX.EXE\\14.0.3"
        ),
    }
    w.add(
        at("13:48:20"),
        8004,
        STAFF["gprice"][2],
        applocker,
        Plant("SW-UNAUTHORISED", "gprice", "Tor Browser, blocked by AppLocker"),
        provider="Microsoft-Windows-AppLocker",
        keyword="Error",
        account=(NETBIOS, "gprice"),
    )
    office = {
        "param1": "Microsoft Office Professional Plus 2021",
        "param2": "16.0.14332.20812",
        "param3": "1033",
        "param4": "Microsoft Corporation",
        "param5": "0",
    }
    w.add(
        at("16:10:44"),
        1033,
        STAFF["sjames"][2],
        office,
        provider="MsiInstaller",
        keyword="Classic",
        account=(NETBIOS, "sjames"),
    )
    # The IT provider's admin uses another account's credentials: authorised.
    w.add(
        at("9:30:12"),
        4648,
        "SP-STAFF-09",
        explicit("hi-impact-admin", "sp-localadmin", NETBIOS, "0x71c2e0", "SP-FS01.stpeters.local"),
    )
    # Devices: a keyboard (approved class); an iPhone on jedwards' PC (Kernel-PnP names no user).
    host = STAFF["jedwards"][2]
    w.add(
        at("8:44:09"),
        6416,
        "SP-CLASS-03",
        new_device(
            "SP-CLASS-03",
            NETBIOS,
            "HID\\VID_046D&PID_C31C&MI_00\\7&1B2C3D&0&0000",
            "Keyboard",
            "HID Keyboard Device",
        ),
    )
    pnp = {
        "DeviceInstanceId": "USB\\VID_05AC&PID_12A8\\00008110001A2C3E0E88801E",
        "DriverName": "usbaapl64.inf",
        "Class": "USB",
        "Status": "0",
    }
    w.add(
        at("12:15:51"),
        400,
        host,
        pnp,
        Plant("DEVICE-UNAPPROVED", "", "an iPhone on SP-STAFF-04 (Kernel-PnP names no user)"),
        provider="Microsoft-Windows-Kernel-PnP",
        keyword="Info",
    )
    # Awkward records: an unmonitored event and a line the shipper cut short.
    w.add(
        at("9:01:00"),
        4688,
        STAFF["dmorris"][2],
        {
            "SubjectUserName": "dmorris",
            "NewProcessName": "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
        },
    )
    w.file.add(
        at("14:59:59"),
        '{"EventTime":"2026-11-24 14:59:59","Hostname":"SP-CLASS-01.stpeters.local",'
        '"Keywords":"-921436483760',
    )
    return [w.file.render()]
