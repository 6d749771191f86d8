"""St Peter's e2guardian access.log (tab-separated, local time, the filter's categories)."""

from __future__ import annotations

from datetime import datetime, timedelta

from gen.common import Plant, Rendered, SampleFile, at, rng
from gen.st_peters import SCHOOL, STAFF

AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0 Safari/537.36"
)
# (host, the filter's category) of everyday work browsing
WORK = [
    ("classroom.google.com", "Education"),
    ("docs.google.com", "-"),
    ("www.google.co.uk", "Search Engines"),
    ("hwb.gov.wales", "Government"),
    ("www.bbc.co.uk", "-"),
    ("www.twinkl.co.uk", "Education"),
    ("www.arbor-education.com", "Business"),
    ("www.tes.com", "Education"),
    ("mail.google.com", "Web Mail"),
    ("www.wjec.co.uk", "Education"),
]


class E2guardian:
    def __init__(self) -> None:
        self.file = SampleFile(SCHOOL, "e2guardian-access.log")
        self.random = rng("sp-e2g")

    def line(
        self,
        moment: datetime,
        user: str,
        where: str,
        method: str,
        category: str,
        *plants: Plant,
        what: str = "",
        code: int = 200,
        size: int = 0,
    ) -> None:
        fields = [
            moment.strftime("%Y.%m.%d %H:%M:%S"),
            user or "-",
            STAFF[user][1] if user else "10.30.1.99",
            where,
            what,
            method,
            str(size or self.random.randint(900, 160000)),
            "0",
            category,
            "1",
            str(code),
            "text/html" if method != "CONNECT" else "-",
            "-",
            "Staff",
            AGENT,
        ]
        self.file.add(moment, "\t".join(fields), *plants)

    def visit(self, moment: datetime, user: str, host: str, category: str, *plants: Plant) -> None:
        """e2guardian logs the tunnel, then (MITM) the requests inside it."""
        self.line(moment, user, f"https://{host}:443", "CONNECT", category, *plants)
        for n in range(self.random.randint(1, 2)):
            path = self.random.choice(["/", "/u/0/", "/home", "/c/NjQ2MTg", "/search"])
            self.line(moment + timedelta(seconds=2 + 3 * n), user, f"https://{host}{path}", "GET", category)

    def browse(self, user: str, start: str, end: str, gap: tuple[int, int]) -> None:
        moment, stop = at(start), at(end)
        while moment < stop:
            host, category = self.random.choice([w for w in WORK if w[0] != "mail.google.com"])
            if host == "www.bbc.co.uk":
                self.line(moment, user, "https://www.bbc.co.uk/bitesize/subjects", "GET", "Education")
            elif self.random.random() < 0.3:
                self.visit(moment, user, host, category)  # a new tunnel, then the requests in it
            else:
                self.line(moment + timedelta(seconds=1), user, f"https://{host}/", "GET", category)
            moment += timedelta(minutes=self.random.randint(*gap), seconds=self.random.randint(0, 59))

    def minutes(self, user: str, start: str, count: int, sites: list[tuple[str, str]], *first: Plant) -> None:
        for n in range(count):
            host, category = self.random.choice(sites)
            moment = at(start) + timedelta(minutes=n, seconds=self.random.randint(0, 50))
            self.line(moment, user, f"https://{host}/", "GET", category, *(first if n == 0 else ()))


def e2guardian() -> list[Rendered]:
    e = E2guardian()
    for n, user in enumerate(STAFF):
        e.browse(user, f"7:{30 + n:02d}", "8:45", (3, 10))
        e.browse(user, "9:00", "15:10", (25, 70))
        e.browse(user, "15:20", "16:40", (4, 14))
        # Staff read their school mail (Google Workspace) through the MITM'd tunnel.
        e.line(
            at("8:02") + timedelta(minutes=n), user, "https://mail.google.com/mail/u/0/", "GET", "Web Mail"
        )
    # The tunnel line itself (e2guardian writes https://host:443): the school's own Gmail, not webmail.
    e.line(at("7:58:41"), "pwhite", "https://mail.google.com:443", "CONNECT", "Web Mail")
    e.minutes("pwhite", "12:20", 18, [("www.walesonline.co.uk", "News")])
    nonwork = [
        ("www.skysports.com", "Sport"),
        ("www.bbc.co.uk/sport/football", "Sport"),
        ("www.walesonline.co.uk", "News"),
        ("www.very.co.uk", "Online Shopping"),
    ]
    e.minutes(
        "rkhan",
        "10:40",
        31,
        nonwork,
        Plant("NET-EXCESSIVE-NONWORK", "rkhan", "67 minutes of sport, news and shopping in working hours"),
    )
    e.minutes("rkhan", "12:05", 36, nonwork)
    im = Plant("NET-IM", "sroberts", "WhatsApp Web (filter category Instant Messaging)")
    e.line(at("11:31:07"), "sroberts", "https://web.whatsapp.com:443", "CONNECT", "Instant Messaging", im)
    e.line(at("11:31:09"), "sroberts", "https://web.whatsapp.com/", "GET", "Instant Messaging", im)
    e.line(
        at("13:12:44"),
        "jedwards",
        "https://www.pornhub.com/",
        "GET",
        "Pornography",
        Plant("NET-ADULT", "jedwards", "pornography, blocked"),
        what="*DENIED* Banned site: pornhub.com",
        code=403,
    )
    e.line(
        at("15:02:19"),
        "mphillips",
        "https://forum.selfharm-talk.example/threads/3381",
        "GET",
        "Self Harm",
        Plant("NET-CHILD-HARM", "mphillips", "self-harm forum, blocked (DSL)"),
        what="*DENIED* Banned category: Self Harm",
        code=403,
    )
    e.line(
        at("10:09:33"),
        "tlewis",
        "https://www.patriot-uprising.example/",
        "GET",
        "Extremism",
        Plant("NET-HATE", "tlewis", "extremist site, blocked"),
        what="*DENIED* Banned category: Extremism",
        code=403,
    )
    e.line(
        at("12:48:02"),
        "dmorris",
        "https://chatroulette.com:443",
        "CONNECT",
        "Chat",
        Plant("NET-CHAT", "dmorris", "Chatroulette at lunch"),
    )
    e.line(at("12:48:02"), "aevans", "https://www.mumsnet.com/talk/am_i_being_unreasonable", "GET", "Forums")
    e.line(
        at("12:51:15"),
        "aevans",
        "https://www.mumsnet.com/talk/am_i_being_unreasonable/post",
        "POST",
        "Forums",
        Plant("NET-FORUM-POSTING", "aevans", "posts on Mumsnet"),
    )
    e.line(
        at("13:02:55"),
        "rthomas",
        "https://skybet.com:443",
        "CONNECT",
        "-",
        Plant("NET-GAMBLING", "rthomas", "Sky Bet: the filter has no category, the lists do"),
    )
    # Awkward records: a line cut short when the log rotated.
    e.file.add(at("14:30:00"), "2026.11.24 14:30:00\tlbowen\t10.30.1.30\thttps://www.twinkl.co.uk/")
    return [e.file.render()]
