"""Elms Farm's Winlogbeat (ECS) events from the staff PCs and the file server."""

from __future__ import annotations

from datetime import datetime, timedelta

from gen.common import Plant, Rendered, SampleFile, at, rng
from gen.elms_farm import DNS, NETBIOS, SCHOOL, STAFF
from gen.windows import (
    RecordIds,
    defender,
    ecs_line,
    explicit,
    failed_logon,
    logoff,
    logon,
    new_device,
    session,
    share,
)
from invigilator_demo.winlogbeat import AUDIT_FAILURE


class Windows:
    def __init__(self, name: str, seed: str, start: int) -> None:
        self.file = SampleFile(SCHOOL, name)
        self.random = rng(seed)
        self.ids = RecordIds(start)
        self.logon_ids: dict[tuple[str, str], str] = {}

    def new_logon_id(self, user: str, host: str) -> str:
        logon_id = f"0x{self.random.randint(0x100000, 0xFFFFFF):x}"
        self.logon_ids[(user, host)] = logon_id
        return logon_id

    def add(
        self, moment: datetime, event_id: int, host: str, data: dict[str, str], *plants: Plant, **kw: object
    ) -> None:
        line = ecs_line(moment, event_id, host, DNS, data, self.ids(host), **kw)  # type: ignore[arg-type]
        self.file.add(moment, line, *plants)

    def day(self, user: str, host: str, start: str, end: str, *, lock_break: bool = True) -> str:
        """Logon, a locked morning break, the file share, logoff: a clean working day."""
        logon_id = self.new_logon_id(user, host)
        self.add(at(start), 4624, host, logon(user, NETBIOS, host, logon_id, 2))
        network = f"0x{self.random.randint(0x100000, 0xFFFFFF):x}"
        moment = at(start) + timedelta(seconds=40)
        self.add(moment, 4624, "EF-FS01", logon(user, NETBIOS, "EF-FS01", network, 3))
        self.add(
            moment + timedelta(seconds=1),
            5140,
            "EF-FS01",
            share(user, NETBIOS, network, "Staff", "", STAFF[user][1]),
        )
        if lock_break:
            locked = at("10:30") + timedelta(seconds=self.random.randint(0, 240))
            self.add(locked, 4800, host, session(user, NETBIOS, logon_id))
            self.add(locked + timedelta(minutes=18), 4801, host, session(user, NETBIOS, logon_id))
        self.add(at(end), 4647, host, session(user, NETBIOS, logon_id))
        self.add(at(end) + timedelta(seconds=1), 4634, host, logoff(user, NETBIOS, logon_id, 2))
        return logon_id


def endpoints() -> list[Rendered]:
    w = Windows("winlogbeat-endpoints.ecs.jsonl", "ef-endpoints", 44400)
    starts = {user: f"{7 + n % 2}:{(17 + 7 * n) % 60:02d}" for n, user in enumerate(STAFF)}
    special = {"mpatel", "dclarke", "kbrown"}
    ids = {
        user: w.day(user, host, starts[user], "16:35")
        for user, (_, _, host) in STAFF.items()
        if user not in special
    }

    # jsmith: the screensaver, then the GPO lock inside the two-minute grace; the school's own
    # encrypted stick (its DiskDrive node too); a one-off denied share; her own credentials.
    host = STAFF["jsmith"][2]
    w.add(at("12:55:00"), 4802, host, session("jsmith", NETBIOS, ids["jsmith"]))
    w.add(at("12:56:10"), 4800, host, session("jsmith", NETBIOS, ids["jsmith"]))
    w.add(at("13:10:02"), 4801, host, session("jsmith", NETBIOS, ids["jsmith"]))
    w.add(
        at("8:40:31"),
        6416,
        host,
        new_device(
            host,
            NETBIOS,
            "USB\\VID_0781&PID_5581\\4C530001231120115142",
            "USB",
            "SanDisk Ultra (school encrypted)",
        ),
    )
    w.add(
        at("8:40:32"),
        6416,
        host,
        new_device(
            host,
            NETBIOS,
            "USBSTOR\\Disk&Ven_SanDisk&Prod_Ultra&Rev_1.00\\4C530001231120115142&0",
            "DiskDrive",
            "SanDisk Ultra USB Device",
        ),
        Plant(
            "DEVICE-UNAPPROVED",
            "",
            "the approved stick's disk node (Ven_/Prod_, no VID/PID)",
            false_positive=(
                "the DiskDrive node of an approved USB stick carries Ven_/Prod_ names, not the VID/PID "
                "that the approved_devices entry names"
            ),
        ),
    )
    w.add(
        at("15:41:09"),
        5145,
        "EF-FS01",
        share("jsmith", NETBIOS, "0x2c41a7", "Finance$", "Budgets\\2026-27.xlsx", STAFF["jsmith"][1]),
        keyword=AUDIT_FAILURE,
    )
    w.add(
        at("9:02:14"),
        4648,
        host,
        explicit("jsmith", "jsmith", NETBIOS, ids["jsmith"], "EF-FS01.elmsfarm.local"),
    )
    # ewood: screensaver dismissed within the grace period.
    host = STAFF["ewood"][2]
    w.add(at("13:50:00"), 4802, host, session("ewood", NETBIOS, ids["ewood"]))
    w.add(at("13:50:45"), 4803, host, session("ewood", NETBIOS, ids["ewood"]))
    # oharris: a keyboard (an approved class); fali installs Chrome; cwatson updates Office.
    host = STAFF["oharris"][2]
    w.add(
        at("8:05:12"),
        6416,
        host,
        new_device(
            host, NETBIOS, "HID\\VID_046D&PID_C31C&MI_00\\7&2A4E11&0&0000", "Keyboard", "HID Keyboard Device"
        ),
    )
    user_fali = {"name": "fali", "domain": NETBIOS, "type": "User"}
    chrome = "Product: Google Chrome -- Installation completed successfully."
    w.add(
        at("15:55:30"),
        11707,
        STAFF["fali"][2],
        {"param1": chrome},
        provider="MsiInstaller",
        user=user_fali,
        message=chrome,
    )
    office = {
        "param1": "Microsoft Office Professional Plus 2021",
        "param2": "16.0.14332.20812",
        "param3": "1033",
        "param4": "Microsoft Corporation",
        "param5": "0",
    }
    w.add(
        at("16:02:11"),
        1033,
        STAFF["cwatson"][2],
        office,
        provider="MsiInstaller",
        user={"name": "cwatson", "domain": NETBIOS, "type": "User"},
    )
    # itsupport uses the admin account: an authorised IT admin.
    w.add(
        at("11:48:02"),
        4648,
        STAFF["itsupport"][2],
        explicit("itsupport", "adm-itsupport", NETBIOS, ids["itsupport"], "EF-FS01.elmsfarm.local"),
    )

    # kbrown mistypes her password at the logon screen (the machine is the subject: nobody's conduct).
    host = STAFF["kbrown"][2]
    w.add(at("7:58:40"), 4625, host, failed_logon(f"{host}$", "kbrown", NETBIOS, host), keyword=AUDIT_FAILURE)
    w.day("kbrown", host, "7:59:02", "16:20")

    # mpatel: logged on in the staffroom, then in the Year 4 classroom while still logged on there.
    staffroom = w.new_logon_id("mpatel", "EF-STAFF-PC03")
    w.add(
        at("8:12:44"),
        4624,
        "EF-STAFF-PC03",
        logon("mpatel", NETBIOS, "EF-STAFF-PC03", staffroom, 2),
        Plant(
            "PWD-SHARED",
            "mpatel",
            "logged on at EF-STAFF-PC03 and EF-CLASS-Y4 at once (cites the first logon)",
        ),
    )
    classroom = w.new_logon_id("mpatel", "EF-CLASS-Y4")
    w.add(at("10:17:05"), 4624, "EF-CLASS-Y4", logon("mpatel", NETBIOS, "EF-CLASS-Y4", classroom, 2))
    w.add(at("12:01:30"), 4647, "EF-CLASS-Y4", session("mpatel", NETBIOS, classroom))
    w.add(at("16:20:11"), 4647, "EF-STAFF-PC03", session("mpatel", NETBIOS, staffroom))

    # tgreen: maps the SEN share with Lucy White's password, then installs a torrent client.
    host = STAFF["tgreen"][2]
    w.add(
        at("11:20:31"),
        4648,
        host,
        explicit("tgreen", "lwhite", NETBIOS, ids["tgreen"], "EF-FS01.elmsfarm.local"),
        Plant("PWD-SHARED", "tgreen", "explicit credentials of lwhite (4648)"),
    )
    user_tgreen = {"name": "tgreen", "domain": NETBIOS, "type": "User"}
    installed = "Product: qBittorrent -- Installation completed successfully."
    sw = Plant("SW-UNAUTHORISED", "tgreen", "qBittorrent installed (not on the approved list)")
    w.add(
        at("12:55:10"),
        11707,
        host,
        {"param1": installed},
        sw,
        provider="MsiInstaller",
        user=user_tgreen,
        message=installed,
    )
    msi = {
        "param1": "qBittorrent",
        "param2": "5.0.1",
        "param3": "1033",
        "param4": "The qBittorrent project",
        "param5": "0",
    }
    w.add(at("12:55:11"), 1033, host, msi, sw, provider="MsiInstaller", user=user_tgreen)

    # rjones: screensaver at lunch, never locked; dismissed 21 minutes later.
    host = STAFF["rjones"][2]
    w.add(
        at("12:31:10"),
        4802,
        host,
        session("rjones", NETBIOS, ids["rjones"]),
        Plant("SESSION-UNLOCKED", "rjones", "screensaver 21 min without a lock"),
    )
    w.add(at("12:52:40"), 4803, host, session("rjones", NETBIOS, ids["rjones"]))

    # dclarke: Defender finds a trojan; he logs off and back on before IT has cleaned the PC
    # (an observation; a breach only where the school says so, i.e. not at Elms Farm).
    host = STAFF["dclarke"][2]
    first = w.new_logon_id("dclarke", host)
    w.add(at("8:21:03"), 4624, host, logon("dclarke", NETBIOS, host, first, 2))
    malware = Plant("MALWARE-DETECTED", "dclarke", "Defender: Trojan in Downloads")
    path = "file:_C:\\Users\\dclarke\\Downloads\\Fixtures_2026_free.exe"
    threat = "Trojan:Win32/Wacatac.B!ml"
    defender_provider = "Microsoft-Windows-Windows Defender"
    w.add(
        at("13:40:12"),
        1116,
        host,
        defender(threat, f"{NETBIOS}\\dclarke", path, "Not Applicable", "Severe", "Trojan"),
        malware,
        provider=defender_provider,
    )
    w.add(
        at("13:40:15"),
        1117,
        host,
        defender(threat, f"{NETBIOS}\\dclarke", path, "Quarantine", "Severe", "Trojan"),
        malware,
        provider=defender_provider,
    )
    w.add(at("13:55:20"), 4647, host, session("dclarke", NETBIOS, first))
    second = w.new_logon_id("dclarke", host)
    w.add(at("14:32:48"), 4624, host, logon("dclarke", NETBIOS, host, second, 2))
    w.add(at("16:40:02"), 4647, host, session("dclarke", NETBIOS, second))

    # sbaker: six refusals on the HR and Finance shares in four minutes.
    folders = [
        ("HR$", "Personnel\\Watson C\\contract.pdf"),
        ("HR$", "Personnel\\Smith J\\appraisal 2026.docx"),
        ("HR$", "Personnel"),
        ("Finance$", "Payroll\\2026-11.xlsx"),
        ("HR$", "Absence\\2026-27.xlsx"),
        ("Finance$", "Payroll"),
    ]
    for n, (name, target) in enumerate(folders):
        moment = at("14:02:10") + timedelta(seconds=[0, 31, 80, 112, 217, 250][n])
        plant = (
            (Plant("NET-RESTRICTED-AREA", "sbaker", "6 denied share accesses in 4 min (cites the first)"),)
            if n == 0
            else ()
        )
        w.add(
            moment,
            5145,
            "EF-FS01",
            share("sbaker", NETBIOS, "0x5d31c0", name, target, STAFF["sbaker"][1]),
            *plant,
            keyword=AUDIT_FAILURE,
        )

    # lwhite's phone on her office PC: 6416 names the machine, not a person.
    host = STAFF["lwhite"][2]
    phone = "the SENCo's office PC: a Samsung phone (no person named by 6416)"
    w.add(
        at("9:05:31"),
        6416,
        host,
        new_device(
            host, NETBIOS, "USB\\VID_04E8&PID_6860\\R58M12345AB", "USB", "SAMSUNG Mobile USB Composite Device"
        ),
        Plant("DEVICE-UNAPPROVED", "", phone),
    )
    wpd = (
        "SWD\\WPDBUSENUM\\_??_USB#VID_04E8&PID_6860&MS_COMP_MTP#R58M12345AB"
        "#{6ac27878-a6fa-4155-ba85-f98f491d4f33}"
    )
    w.add(
        at("9:05:33"),
        6416,
        host,
        new_device(host, NETBIOS, wpd, "WPD", "Galaxy S23"),
        Plant("DEVICE-UNAPPROVED", "", phone),
    )

    # Awkward records: events the rules do not monitor, and a line cut short.
    w.add(
        at("9:14:55"),
        4688,
        STAFF["nking"][2],
        {
            "SubjectUserName": "nking",
            "SubjectDomainName": NETBIOS,
            "NewProcessName": "C:\\Windows\\System32\\cmd.exe",
            "CommandLine": "cmd.exe",
        },
    )
    w.add(
        at("8:30:00"),
        4672,
        "EF-FS01",
        {
            "SubjectUserName": "adm-itsupport",
            "SubjectDomainName": NETBIOS,
            "PrivilegeList": "SeBackupPrivilege",
        },
    )
    w.file.add(
        at("11:02:00"),
        '{"@timestamp":"2026-11-24T11:02:00.114Z","event":{"code":"4800","provider":"Microsoft-Windows-Secu',
    )
    return [w.file.render()]
