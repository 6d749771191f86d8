"""Elms Farm Primary: its staff, domain and mail domain."""

from __future__ import annotations

SCHOOL = "elms-farm"
NETBIOS, DNS = "ELMSFARM", "elmsfarm.local"
MAIL = "elmsfarm.example.sch.uk"
# logon name: (display name, workstation IP, workstation)
STAFF = {
    "jsmith": ("Jane Smith", "10.20.1.16", "EF-CLASS-Y6"),
    "mpatel": ("Mina Patel", "10.20.1.23", "EF-STAFF-PC03"),
    "kbrown": ("Kelly Brown", "10.20.1.12", "EF-CLASS-Y2"),
    "tgreen": ("Tom Green", "10.20.1.15", "EF-CLASS-Y5"),
    "rjones": ("Rob Jones", "10.20.1.13", "EF-CLASS-Y3"),
    "dclarke": ("Dan Clarke", "10.20.1.29", "EF-STAFF-PC09"),
    "sbaker": ("Sam Baker", "10.20.1.22", "EF-STAFF-PC02"),
    "hsmith": ("Helen Smith", "10.20.1.10", "EF-CLASS-R"),
    "lwhite": ("Lucy White", "10.20.1.25", "EF-STAFF-PC05"),
    "pnewman": ("Paul Newman", "10.20.1.41", "EF-OFFICE-01"),
    "cwatson": ("Claire Watson", "10.20.1.42", "EF-OFFICE-02"),
    "nking": ("Nathan King", "10.20.1.27", "EF-STAFF-PC07"),
    "agarcia": ("Ana Garcia", "10.20.1.28", "EF-STAFF-PC08"),
    "fali": ("Farah Ali", "10.20.1.11", "EF-CLASS-Y1"),
    "ewood": ("Emma Wood", "10.20.1.24", "EF-STAFF-PC04"),
    "oharris": ("Olivia Harris", "10.20.1.9", "EF-CLASS-N"),
    "itsupport": ("IT support", "10.20.1.32", "EF-STAFF-PC12"),
}


def address(user: str) -> str:
    first, last = STAFF[user][0].lower().split(" ", 1)
    return f"{first[0]}.{last.replace(' ', '')}@{MAIL}"
