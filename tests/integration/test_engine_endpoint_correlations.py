"""The running policy-engine's endpoint correlations (issue 5, item 2), each from Winlogbeat
documents posted to the running ingest-endpoint, as a school's shipper sends them:

- PWD-SHARED: one account logged on interactively at two PCs at once;
- SESSION-UNLOCKED: the screensaver started and the PC was locked only after the grace period;
- NET-RESTRICTED-AREA: five denied share accesses within ten minutes (the school's defaults).

The documents come from the sample day's own generator (samples/day/gen/windows.py). Every account
is new to each run, so a shared stack's state does not disturb the counts.
"""

import sys
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.integration.engine_helpers import breaches_from_now, collect_breaches
from tests.integration.test_engine_correlation import START
from tests.stack import ROOT

sys.path.insert(0, str(ROOT / "samples" / "day"))  # the generator's package is `gen`
from gen.windows import ecs_line, logon, session, share

from invigilator_demo.winlogbeat import AUDIT_FAILURE, AUDIT_SUCCESS

pytestmark = pytest.mark.integration

INGEST_ENDPOINT = "http://127.0.0.1:18120/v1/schools/elms-farm/ecs"
DOMAIN, NETBIOS = "elmsfarm.local", "ELMSFARM"


class Documents:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(
        self, moment: datetime, event_id: int, host: str, data: dict[str, str], failure: bool = False
    ) -> None:
        keyword = AUDIT_FAILURE if failure else AUDIT_SUCCESS
        self.lines.append(
            ecs_line(moment, event_id, host, DOMAIN, data, len(self.lines) + 1, keyword=keyword)
        )

    def post(self) -> None:
        answer = httpx.post(INGEST_ENDPOINT, content="\n".join(self.lines) + "\n", timeout=30)
        assert answer.status_code == 202, answer.text
        assert answer.json()["accepted"] == len(self.lines), answer.text


def test_shared_password_unlocked_screen_and_restricted_area_each_become_one_breach() -> None:
    run = uuid.uuid4().hex[:6]
    shared, unlocked, prober = f"cs{run}", f"cu{run}", f"cr{run}"
    start = START.astimezone(UTC)
    docs = Documents()
    # Two interactive logons of one account on two PCs, the first never logged off.
    docs.add(start, 4624, f"PC-A{run}", logon(shared, NETBIOS, f"PC-A{run}", "0x1a1", 2))
    docs.add(
        start + timedelta(minutes=3), 4624, f"PC-B{run}", logon(shared, NETBIOS, f"PC-B{run}", "0x1b1", 2)
    )
    # Screensaver at +10 min, the PC locked only at +20 min (the grace is 120 s).
    host = f"PC-C{run}"
    docs.add(start, 4624, host, logon(unlocked, NETBIOS, host, "0x2c1", 2))
    docs.add(start + timedelta(minutes=10), 4802, host, session(unlocked, NETBIOS, "0x2c1"))
    docs.add(start + timedelta(minutes=20), 4800, host, session(unlocked, NETBIOS, "0x2c1"))
    # Six denied share accesses a minute apart: one window of ten minutes reaches five.
    for minute in range(6):
        denied = share(prober, NETBIOS, "0x3d1", "Finance$", f"Budgets\\{minute}.xlsx", "10.1.2.3")
        docs.add(start + timedelta(minutes=minute), 5145, "EF-FS01", denied, failure=True)

    consumer = breaches_from_now()
    try:
        docs.post()
        wanted = [(shared, "PWD-SHARED"), (unlocked, "SESSION-UNLOCKED"), (prober, "NET-RESTRICTED-AREA")]
        found = {clause: got for (_, clause), got in collect_breaches(consumer, wanted, 3, 60).items()}
    finally:
        consumer.close()
    assert {clause: len(breaches) for clause, breaches in found.items()} == {
        "PWD-SHARED": 1,
        "SESSION-UNLOCKED": 1,
        "NET-RESTRICTED-AREA": 1,
    }
    assert all(breach.school_id == "elms-farm" and breach.decision_id for [breach] in found.values())
    [denials] = found["NET-RESTRICTED-AREA"]
    assert len(denials.evidence_event_ids) >= 5  # the denials it counted
