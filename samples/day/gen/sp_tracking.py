"""St Peter's Exchange message tracking log (MSGTRK*.LOG)."""

from __future__ import annotations

from datetime import datetime, timedelta

from gen.common import Plant, Rendered, SampleFile, at, rng
from gen.st_peters import DNS, MAIL, SCHOOL, STAFF, address

TRACKING_FIELDS = (
    "date-time,client-ip,client-hostname,server-ip,server-hostname,source-context,connector-id,source,"
    "event-id,internal-message-id,message-id,network-message-id,recipient-address,recipient-status,"
    "total-bytes,recipient-count,related-recipient-address,reference,message-subject,sender-address,"
    "return-path,message-info,directionality,tenant-id,original-client-ip,original-server-ip,custom-data,"
    "transport-traffic-type,log-id,schema-version"
)


def csv_field(value: str) -> str:
    return f'"{value}"' if any(char in value for char in ',"') else value


class Tracking:
    def __init__(self) -> None:
        self.random = rng("sp-tracking")
        header = [
            "#Software: Microsoft Exchange Server",
            "#Version: 15.02.1544.004",
            "#Log-type: Message Tracking Log",
            "#Date: 2026-11-24T06:00:02.118Z",
            f"#Fields: {TRACKING_FIELDS}",
        ]
        self.file = SampleFile(SCHOOL, "MSGTRK20261124-1.LOG", header=header)
        self.internal = 4100

    def row(
        self,
        moment: datetime,
        source: str,
        event: str,
        ids: tuple[str, str, str],
        recipients: list[str],
        subject: str,
        sender: str,
        size: int,
        *,
        related: str = "",
        status: str = "",
        direction: str = "Originating",
    ) -> str:
        internal, message, network = ids
        stamp = moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
        inbound = direction == "Incoming"
        values = [
            stamp,
            "10.30.0.25" if not inbound else "198.51.100.7",
            "SP-EX01" if not inbound else "mail-out.example.net",
            "10.30.0.25",
            "SP-EX01",
            "08DE0C1F6A7E2B90;250 2.0.0 OK" if event == "RECEIVE" else "",
            "SP-EX01\\Default SP-EX01" if event == "RECEIVE" else "",
            source,
            event,
            internal,
            message,
            network,
            ";".join(recipients),
            status,
            str(size),
            str(len(recipients)),
            related,
            "",
            subject,
            sender,
            sender,
            "",
            direction,
            "",
            "10.30.1.80" if not inbound else "198.51.100.7",
            "",
            "",
            "Email" if event in ("DELIVER", "SEND") else "",
            f"08DE0C1F{self.random.getrandbits(32):08X}",
            "15.02.1544.004",
        ]
        return ",".join(csv_field(value) for value in values)

    def message(
        self,
        moment: datetime,
        sender: str,
        recipients: list[str],
        subject: str,
        *plants: Plant,
        expand: list[str] | None = None,
    ) -> None:
        self.internal += 1
        ids = (
            str(self.internal),
            f"<{self.random.getrandbits(64):016x}@SP-EX01.{DNS}>",
            f"{self.random.getrandbits(64):016x}",
        )
        size = self.random.randint(6000, 90000)
        inbound = not sender.endswith(MAIL)
        direction = "Incoming" if inbound else "Originating"
        if not inbound:
            self.file.add(moment, self.row(moment, "STOREDRIVER", "SUBMIT", ids, [], subject, sender, size))
        received = moment + timedelta(milliseconds=190)
        self.file.add(
            received,
            self.row(
                received, "SMTP", "RECEIVE", ids, recipients, subject, sender, size, direction=direction
            ),
            *plants,
        )
        later = received + timedelta(milliseconds=240)
        delivered = recipients
        if expand:
            self.file.add(
                later,
                self.row(
                    later,
                    "ROUTING",
                    "EXPAND",
                    ids,
                    expand,
                    subject,
                    sender,
                    size,
                    related=recipients[0],
                    direction=direction,
                ),
            )
            delivered = expand
        local = [r for r in delivered if r.endswith(MAIL)]
        remote = [r for r in delivered if not r.endswith(MAIL)]
        if local:
            moment = later + timedelta(milliseconds=310)
            self.file.add(
                moment,
                self.row(
                    moment,
                    "STOREDRIVER",
                    "DELIVER",
                    ids,
                    local,
                    subject,
                    sender,
                    size,
                    status="250 2.1.5 RecipientSuccessfullyDelivered",
                    direction=direction,
                ),
            )
        if remote:
            moment = later + timedelta(milliseconds=720)
            self.file.add(
                moment,
                self.row(
                    moment,
                    "SMTP",
                    "SEND",
                    ids,
                    remote,
                    subject,
                    sender,
                    size,
                    status="250 2.6.0",
                    direction=direction,
                ),
            )


def tracking() -> list[Rendered]:
    t = Tracking()
    staff_list = f"staff@{MAIL}"
    everyone = [address(user) for user in STAFF]
    t.message(at("7:32:05"), f"office@{MAIL}", [staff_list], "Staff briefing moved to 08:15", expand=everyone)
    t.message(at("6:10:44"), "news@tes.com", [address("pwhite")], "TES Weekly: behaviour special")
    t.message(at("8:05:12"), "h.parent@btinternet.com", [f"office@{MAIL}"], "Absence - Year 3")
    t.message(at("9:22:30"), address("pwhite"), ["accounts@hi-impact.co.uk"], "Laptop order 4471")
    t.message(
        at("10:12:48"),
        address("dmorris"),
        [address(user) for user in list(STAFF)[:14] if user != "dmorris"],
        "FW: FW: Fwd: pass it on - the lucky Christmas robin",
        Plant("MAIL-CHAIN", address("dmorris"), "a third forward to 13 colleagues"),
        Plant("MAIL-CHAIN", address("dmorris"), "chain-letter phrase 'pass it on'"),
    )
    t.message(at("11:40:09"), address("sjames"), ["enquiries@coach-hire.example"], "Y6 trip coach quote")
    t.message(
        at("12:50:27"),
        address("hjenkins"),
        [staff_list],
        "Charity appeal: sponsor me for the Snowdon night walk",
        Plant("MAIL-CONGESTION", address("hjenkins"), "to the all-staff list from a non-broadcaster"),
        Plant("MAIL-ADVERTISING", address("hjenkins"), "a broadcast charity appeal"),
        expand=everyone,
    )
    t.message(
        at("14:03:51"),
        address("rthomas"),
        [address("lbowen")],
        "RE: cover for period 3 - he is an idiot",
        Plant("MAIL-OFFENSIVE-SUBJECT", address("rthomas"), "'idiot' in the subject"),
    )
    # Awkward record: a row cut inside a quoted field.
    t.file.add(
        at("15:10:03"),
        '2026-11-24T15:10:03.221Z,10.30.0.25,SP-EX01,10.30.0.25,SP-EX01,"08DE0C1F6A7E2B90;250 2.0.0 OK',
    )
    return [t.file.render()]
