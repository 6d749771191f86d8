"""St Peter's: its staff, domain and mail domain. The school moved staff to Google Workspace this
term; the office mailboxes are still on Exchange, some already in Exchange Online."""

from __future__ import annotations

SCHOOL = "st-peters"
NETBIOS, DNS = "STPETERS", "stpeters.local"
MAIL = "stpeters.example.sch.uk"
STAFF = {
    "pwhite": ("Pat White", "10.30.1.11", "SP-STAFF-01"),
    "rkhan": ("Rehana Khan", "10.30.1.21", "SP-CLASS-06"),
    "lmorgan": ("Liam Morgan", "10.30.1.12", "SP-STAFF-02"),
    "ehughes": ("Eleri Hughes", "10.30.1.24", "SP-CLASS-04"),
    "owilliams": ("Owen Williams", "10.30.1.17", "SP-STAFF-07"),
    "cdavies": ("Ceri Davies", "10.30.1.13", "SP-STAFF-03"),
    "gprice": ("Gareth Price", "10.30.1.25", "SP-CLASS-05"),
    "sroberts": ("Sian Roberts", "10.30.1.22", "SP-CLASS-02"),
    "jedwards": ("Jack Edwards", "10.30.1.14", "SP-STAFF-04"),
    "mphillips": ("Megan Phillips", "10.30.1.23", "SP-CLASS-03"),
    "tlewis": ("Tom Lewis", "10.30.1.26", "SP-CLASS-01"),
    "aevans": ("Alys Evans", "10.30.1.15", "SP-STAFF-05"),
    "hjenkins": ("Huw Jenkins", "10.30.1.16", "SP-STAFF-06"),
    "dmorris": ("Dylan Morris", "10.30.1.27", "SP-ICT-01"),
    "nparry": ("Nia Parry", "10.30.1.18", "SP-STAFF-08"),
    "ktaylor": ("Kate Taylor", "10.30.1.19", "SP-OFFICE-01"),
    "rthomas": ("Rhys Thomas", "10.30.1.28", "SP-CLASS-07"),
    "sjames": ("Sara James", "10.30.1.29", "SP-OFFICE-02"),
    "lbowen": ("Lowri Bowen", "10.30.1.30", "SP-STAFF-09"),
    "mrees": ("Mared Rees", "10.30.1.10", "SP-HEAD-01"),
}


def address(user: str) -> str:
    first, last = STAFF[user][0].lower().split(" ", 1)
    return f"{first[0]}.{last}@{MAIL}"
