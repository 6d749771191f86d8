"""Web requests through the trust's Squid: clean work browsing, a little lunchtime news, and the
planted web breaches (one `Planted` per request the engine will report).

URLs are plain http://host/path: the driver's local site answers every host. Hosts are chosen from
policies-rego/data/categories so that a clean host carries no category (or only one its school's
own platform takes out), a non-work host only unflagged non-work categories (news, shopping,
sport), and a breach host exactly one flagged category.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from invigilator_demo.gen_trust import POLICIES, Clock, Out
from invigilator_demo.plan import School, Staff, WebRequest

WORK = (
    ("www.twinkl.co.uk", ("/resources/ks2-maths", "/resource/t-n-2545-place-value", "/search")),
    ("www.gov.uk", ("/government/publications/keeping-children-safe-in-education--2", "/guidance")),
    ("whiteroseeducation.com", ("/resources/primary", "/maths-hub")),
    ("www.oxfordowl.co.uk", ("/for-school/reading", "/")),
    ("www.purplemash.com", ("/sch/elmsfarm", "/app/tools")),
    ("www.google.com", ("/search", "/")),
    ("www.topmarks.co.uk", ("/maths-games/7-11-years/times-tables", "/")),
    ("www.ncetm.org.uk", ("/classroom-resources", "/")),
    ("www.tes.com", ("/teaching-resources", "/")),
    ("login.arbor.sc", ("/", "/auth")),
    ("www.literacytrust.org.uk", ("/resources", "/")),
    ("www.bbc.co.uk", ("/bitesize/primary", "/bitesize/subjects")),
    ("www.educationcity.com", ("/", "/resources")),
    ("www.cpoms.co.uk", ("/login",)),
)
CDN = ("fonts.gstatic.com", "cdn.jsdelivr.net", "ajax.googleapis.com", "www.gstatic.com")
PLATFORM = {
    "m365": (
        ("login.microsoftonline.com", ("/common/oauth2/authorize",)),
        ("outlook.office.com", ("/mail/", "/calendar/")),
        ("www.office.com", ("/",)),
        ("trust.sharepoint.com", ("/sites/staff", "/sites/curriculum")),
    ),
    "google": (
        ("accounts.google.com", ("/signin",)),
        ("mail.google.com", ("/mail/u/0/",)),
        ("drive.google.com", ("/drive/my-drive",)),
        ("docs.google.com", ("/document/d/1x", "/spreadsheets/d/1y")),
        ("classroom.google.com", ("/u/0/h",)),
    ),
}
# Non-work but not flagged (news, shopping, sport): counts towards NET-EXCESSIVE-NONWORK only.
NONWORK = (
    "www.theguardian.com",
    "www.dailymail.co.uk",
    "www.ebay.co.uk",
    "www.argos.co.uk",
    "www.vinted.co.uk",
    "www.asos.com",
    "www.skysports.com",
    "www.amazon.co.uk",
)
# A clause's hosts: each carries that clause's category and no other flagged one.
BREACH_HOSTS = {
    "NET-SOCIAL": ("www.facebook.com", "www.instagram.com", "www.tiktok.com", "x.com"),
    "NET-GAMBLING": ("www.bet365.com", "www.skybet.com", "www.paddypower.com", "www.williamhill.com"),
    "NET-STREAMING": ("www.netflix.com", "www.twitch.tv", "www.disneyplus.com", "vimeo.com"),
    "NET-ADULT": ("www.pornhub.com", "xhamster.com", "www.xvideos.com"),
    "NET-MALICIOUS": ("phishing-test.invalid", "malware-test.invalid", "www.internetbadguys.com"),
    "NET-COPYRIGHT": ("1337x.to", "thepiratebay.org", "yts.mx"),
    "NET-CHAT": ("chatroulette.com", "www.chatspin.com"),
    "NET-IM": ("web.whatsapp.com", "web.telegram.org"),
    "NET-WEBMAIL": ("outlook.live.com", "mail.yahoo.com"),
    "NET-HATE": ("hate-test.invalid", "extremism-test.invalid"),
    "NET-CHILD-HARM": ("self-harm-test.invalid",),
}
FORUMS = ("forums.moneysavingexpert.com", "www.mumsnet.com")
FILE_HOSTS = ("wetransfer.com", "www.dropbox.com", "mega.nz")
WHAT = {
    "NET-SOCIAL": "social networking",
    "NET-GAMBLING": "online gambling",
    "NET-STREAMING": "video streaming",
    "NET-ADULT": "pornography",
    "NET-MALICIOUS": "a phishing or malware site",
    "NET-COPYRIGHT": "a piracy site",
    "NET-CHAT": "a chat room",
    "NET-IM": "instant messaging on the web",
    "NET-WEBMAIL": "personal webmail",
    "NET-HATE": "extremist material",
    "NET-CHILD-HARM": "self-harm material (safeguarding: the DSL)",
}
WEB_CLAUSES = tuple(BREACH_HOSTS)


def _request(
    person: Staff, at: datetime, host: str, path: str, method: str = "GET", size: int = 0
) -> WebRequest:
    return WebRequest(
        at, person.school, person.account, person.client_ip, method, f"http://{host}{path}", size
    )


def clean_browsing(
    out: Out, r: random.Random, clock: Clock, school: School, person: Staff, count: int
) -> None:
    """`count` requests of work browsing between arrival and home time (a page, then CDN assets)."""
    sites = WORK + PLATFORM[_platform(school)]
    made = 0
    while made < count:
        block = r.choice(((7, 35, 8, 45), (8, 45, 12, 0), (12, 0, 13, 0), (13, 0, 15, 20), (15, 20, 17, 25)))
        moment = clock.between(r, (block[0], block[1]), (block[2], block[3]))
        host, paths = r.choice(sites)
        out.add(_request(person, moment, host, r.choice(paths)))
        made += 1
        for _ in range(min(r.randint(0, 2), count - made)):
            moment += timedelta(milliseconds=r.randint(80, 2500))
            out.add(_request(person, moment, r.choice(CDN), "/css2"))
            made += 1


def lunch_nonwork(out: Out, r: random.Random, clock: Clock, person: Staff, minutes: int) -> None:
    """One news or shopping request in each of `minutes` distinct minutes around lunch (kept far
    below the 60-minute threshold by the caller)."""
    for minute in r.sample(range(12 * 60 + 5, 12 * 60 + 55), minutes):
        at = clock.at(minute // 60, minute % 60, r.uniform(0, 55))
        out.add(_request(person, at, r.choice(NONWORK), "/"))


def excessive(out: Out, r: random.Random, clock: Clock, person: Staff, school: School) -> int:
    """90+ distinct working-hours minutes of non-work browsing, in four stretches through the day."""
    stretches = ((9, 5, 24), (10, 40, 28), (13, 10, 22), (14, 20, 24))
    total = 0
    for hour, minute, length in stretches:
        length += r.randint(0, 4)
        start = clock.at(hour, minute)
        for n in range(length):
            at = start + timedelta(minutes=n, seconds=r.uniform(0, 50))
            out.add(_request(person, at, r.choice(NONWORK), r.choice(("/", "/itm/2051", "/news"))))
        total += length
    out.plant(
        school.id, "NET-EXCESSIVE-NONWORK", person.account, "proxy", f"{total} minutes of non-work browsing"
    )
    return total


def visit(out: Out, r: random.Random, clock: Clock, person: Staff, clause: str, requests: int = 0) -> None:
    """A planted visit: 1-3 requests to one host of `clause`'s category, one finding each."""
    host = r.choice(BREACH_HOSTS[clause])
    moment = clock.between(r, (8, 10), (16, 40))
    count = requests or r.randint(1, 3)
    for path in r.sample(("/", "/watch", "/home", "/login", "/search"), count):
        out.add(_request(person, moment, host, path))
        out.plant(person.school, clause, person.account, "proxy", f"{WHAT[clause]} ({host})")
        moment += timedelta(seconds=r.uniform(1, 40))


def forum_post(out: Out, r: random.Random, clock: Clock, person: Staff) -> None:
    """Reads a forum thread (non-work, no finding), then posts to it (NET-FORUM-POSTING)."""
    host = r.choice(FORUMS)
    moment = clock.between(r, (12, 10), (12, 40))
    out.add(_request(person, moment, host, "/discussion/6512345"))
    out.add(_request(person, moment + timedelta(minutes=3), host, "/post/discussion", "POST", 1733))
    out.plant(person.school, "NET-FORUM-POSTING", person.account, "proxy", f"posts on a forum ({host})")


def upload(out: Out, r: random.Random, clock: Clock, person: Staff) -> None:
    """A POST of 6-40 MB to a file-hosting site: DATA-THIRD-PARTY."""
    host = r.choice(FILE_HOSTS)
    size = r.randint(6, 40) * 1024 * 1024 + r.randint(0, 999_999)
    at = clock.between(r, (15, 30), (16, 50))
    out.add(_request(person, at, host, "/api/v4/transfers/5f2c9e/files", "POST", size))
    out.plant(
        person.school,
        "DATA-THIRD-PARTY",
        person.account,
        "proxy",
        f"{size / 1048576:.1f} MB upload to {host}",
    )


def _platform(school: School) -> str:
    return POLICIES[school.id].platform
