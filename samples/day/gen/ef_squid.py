"""Elms Farm's Squid access.log (native format): a day of browsing, with the web breaches."""

from __future__ import annotations

from datetime import datetime, timedelta

from gen.common import Plant, Rendered, SampleFile, at, rng
from gen.elms_farm import NETBIOS, SCHOOL, STAFF

WORK_SITES = [
    "www.twinkl.co.uk",
    "www.gov.uk",
    "whiteroseeducation.com",
    "www.bbc.co.uk",
    "www.oxfordowl.co.uk",
    "www.purplemash.com",
    "login.microsoftonline.com",
    "outlook.office.com",
    "elmsfarm.sharepoint.com",
    "www.google.com",
    "www.educationcity.com",
    "www.topmarks.co.uk",
    "www.ncetm.org.uk",
    "www.tes.com",
    "login.arbor.sc",
    "www.literacytrust.org.uk",
]
CDN = [
    "fonts.gstatic.com",
    "fonts.googleapis.com",
    "ajax.googleapis.com",
    "cdn.jsdelivr.net",
    "www.gstatic.com",
]


class Squid:
    def __init__(self) -> None:
        self.file = SampleFile(SCHOOL, "squid-access.log")
        self.random = rng("ef-squid")

    def _ip(self) -> str:
        r = self.random
        first = r.choice([104, 151, 142, 172, 13, 52])
        return f"{first}.{r.randint(16, 250)}.{r.randint(0, 255)}.{r.randint(1, 254)}"

    def line(
        self,
        moment: datetime,
        user: str,
        result: str,
        size: int,
        method: str,
        url: str,
        *plants: Plant,
        client: str = "",
        ctype: str = "-",
        kerberos: bool = False,
    ) -> None:
        r = self.random
        stamp = moment.timestamp() + r.randint(0, 999) / 1000
        elapsed = r.randint(20, 1800) if "TUNNEL" not in result else r.randint(800, 24000)
        ip = client or STAFF[user][1]
        who = "-" if not user else f"{user}@{NETBIOS}.LOCAL" if kerberos else user
        hierarchy = "HIER_NONE/-" if "DENIED" in result or "NONE" in result else f"HIER_DIRECT/{self._ip()}"
        text = f"{stamp:.3f} {elapsed:>6} {ip} {result} {size} {method} {url} {who} {hierarchy} {ctype}"
        self.file.add(moment, text, *plants)

    def connect(self, moment: datetime, user: str, host: str, *plants: Plant, kerberos: bool = False) -> None:
        size = self.random.randint(3000, 250000)
        self.line(moment, user, "TCP_TUNNEL/200", size, "CONNECT", f"{host}:443", *plants, kerberos=kerberos)

    def visit(self, moment: datetime, user: str, host: str, kerberos: bool = False) -> None:
        """A page: the site, then a CDN or two a moment later (uncategorised)."""
        self.connect(moment, user, host, kerberos=kerberos)
        for _ in range(self.random.randint(0, 2)):
            moment += timedelta(seconds=self.random.randint(1, 4))
            self.connect(moment, user, self.random.choice(CDN), kerberos=kerberos)

    def browse(
        self, user: str, start: str, end: str, sites: list[str], gap: tuple[int, int] = (2, 9)
    ) -> None:
        moment, stop = at(start), at(end)
        while moment < stop:
            self.visit(moment, user, self.random.choice(sites), kerberos=user == "hsmith")
            moment += timedelta(minutes=self.random.randint(*gap), seconds=self.random.randint(0, 59))

    def minutes(self, user: str, start: str, count: int, sites: list[str], *first: Plant) -> None:
        """One non-work request in each of `count` consecutive minutes from `start`."""
        for n in range(count):
            moment = at(start) + timedelta(minutes=n, seconds=self.random.randint(0, 50))
            self.connect(moment, user, self.random.choice(sites), *(first if n == 0 else ()))


def squid() -> list[Rendered]:
    s = Squid()
    for user in STAFF:
        if user == "itsupport":
            continue
        arrive = f"{7 + (hash_of(user) % 2)}:{20 + hash_of(user) % 35}"
        s.browse(user, arrive, "8:50", WORK_SITES)
        s.browse(user, "9:00", "12:00", WORK_SITES, gap=(12, 40))
        s.browse(user, "13:00", "15:15", WORK_SITES, gap=(15, 45))
        s.browse(user, "15:30", "16:45", WORK_SITES, gap=(3, 12))
    # Squid's NTLM handshake: the first request of a connection is refused with 407, no user yet.
    for n, user in enumerate(["jsmith", "mpatel", "ewood", "oharris", "fali"]):
        moment = at(f"7:5{n}:0{n}")
        s.line(
            moment,
            "",
            "TCP_DENIED/407",
            3987,
            "CONNECT",
            "www.google.com:443",
            client=STAFF[user][1],
            ctype="text/html",
        )
    s.line(
        at("6:15:12"),
        "",
        "TCP_MISS/200",
        6813,
        "GET",
        "http://ctldl.windowsupdate.com/msdownload/update/v3/static/trustedr/en/disallowedcertstl.cab",
        client="10.20.1.41",
        ctype="application/vnd.ms-cab-compressed",
    )
    # Lunchtime news and after-school shopping that stay under the 60-minute threshold.
    s.minutes("jsmith", "12:10", 21, ["www.theguardian.com"])
    s.minutes("jsmith", "17:10", 25, ["www.ebay.co.uk"])  # after working hours: never counted
    # ewood: exactly 60 non-work minutes in working hours is not MORE than 60.
    s.minutes("ewood", "12:00", 45, ["www.ebay.co.uk", "www.asos.com"])
    s.minutes("ewood", "15:30", 15, ["www.asos.com"])
    s.minutes("ewood", "17:05", 16, ["www.asos.com"])

    # kbrown: 83 minutes of shopping and gossip in lessons (the finding cites her first request).
    nonwork = ["www.ebay.co.uk", "www.vinted.co.uk", "www.argos.co.uk", "www.dailymail.co.uk"]
    s.minutes(
        "kbrown",
        "9:10",
        26,
        nonwork,
        Plant("NET-EXCESSIVE-NONWORK", "kbrown", "83 minutes of non-work browsing in working hours"),
    )
    s.minutes("kbrown", "11:00", 31, nonwork)
    s.minutes("kbrown", "13:15", 26, nonwork)

    social = Plant("NET-SOCIAL", "hsmith", "Facebook in class (Kerberos user name)")
    s.connect(at("10:47:12"), "hsmith", "www.facebook.com", social, kerberos=True)
    s.connect(at("10:47:13"), "hsmith", "static.xx.fbcdn.net", social, kerberos=True)
    s.connect(at("10:52:40"), "hsmith", "www.facebook.com", social, kerberos=True)
    piracy = Plant("NET-COPYRIGHT", "tgreen", "torrent index 1337x")
    s.connect(at("12:41:05"), "tgreen", "1337x.to", piracy)
    s.connect(at("12:43:30"), "tgreen", "1337x.to", piracy)
    gambling = Plant("NET-GAMBLING", "dclarke", "bet365 at lunch")
    s.connect(at("13:05:20"), "dclarke", "www.bet365.com", gambling)
    s.connect(at("13:05:22"), "dclarke", "content001.bet365.com", gambling)
    s.connect(
        at("10:05:44"), "nking", "outlook.live.com", Plant("NET-WEBMAIL", "nking", "personal Outlook.com")
    )
    streaming = Plant("NET-STREAMING", "agarcia", "Netflix in a free period")
    s.connect(at("14:20:03"), "agarcia", "www.netflix.com", streaming)
    s.connect(at("14:20:05"), "agarcia", "ipv4-c012-lhr001-ix.1.oca.nflxvideo.net", streaming)
    # SSL-bumped forum: reading is non-work browsing, posting is NET-FORUM-POSTING.
    forum = "https://forums.moneysavingexpert.com"
    s.line(
        at("12:20:10"), "fali", "TCP_MISS/200", 48211, "GET", f"{forum}/discussion/6512345", ctype="text/html"
    )
    s.line(
        at("12:24:52"),
        "fali",
        "TCP_MISS/200",
        1733,
        "POST",
        f"{forum}/post/discussion",
        Plant("NET-FORUM-POSTING", "fali", "posts on a forum"),
        ctype="application/json",
    )
    s.line(
        at("9:32:18"),
        "cwatson",
        "TCP_DENIED/403",
        3921,
        "GET",
        "http://www.internetbadguys.com/account/verify",
        Plant("NET-MALICIOUS", "cwatson", "phishing link, blocked (the path is kept)"),
        ctype="text/html",
    )
    s.line(
        at("15:48:09"),
        "pnewman",
        "TCP_MISS/200",
        7864320,
        "POST",
        "https://wetransfer.com/api/v4/transfers/5f2c9e/files",
        Plant("DATA-THIRD-PARTY", "pnewman", "7.5 MB upload to WeTransfer"),
        ctype="application/json",
    )
    # Awkward records: a client that hung up before sending headers, and a line cut by log rotation.
    s.line(
        at("11:15:00"),
        "",
        "NONE_NONE/000",
        0,
        "-",
        "error:transaction-end-before-headers",
        client="10.20.1.13",
    )
    s.file.add(
        at("14:02:00"), f"{at('14:02').timestamp():.3f}    120 10.20.1.44 TCP_TUNNEL/200 4521 CONNECT www.tw"
    )
    return [s.file.render()]


def hash_of(user: str) -> int:
    return sum(ord(char) * (n + 1) for n, char in enumerate(user))
