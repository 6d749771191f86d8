"""`invigilator-demo run`: a school day of the demo trust, replayed through real peers into the
running stack, then what the stack made of it.

    invigilator-demo run [--scale 1.0] [--seed 1] [--speed 600] [--tag T] [--day YYYY-MM-DD] [--json FILE]
                         [--quiet 20] [--wait 600]

Needs the local stack and services (`make run` starts them, then runs this).
"""

from __future__ import annotations

import argparse
import fcntl
import os
import re
import secrets
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from datetime import time as time_of_day
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console

from case_service.domain.pseudonym import pseudonym
from case_service.settings import DEV_PSEUDONYM_KEY
from invigilator_demo.clock import DemoClock, day_start, squid_time
from invigilator_demo.day import plan_day, staff_ldif
from invigilator_demo.observe import CaseRow, MailWatcher, TopicWatcher, fetch_cases, mint
from invigilator_demo.peers import (
    LOCAL,
    ROOT,
    Endpoints,
    PeerError,
    SmtpJournal,
    directory_sync,
    ensure_kcat,
    load_directory,
    squid_demo_log,
    start_demo_squid,
)
from invigilator_demo.plan import DayPlan, MailMessage
from invigilator_demo.replay import Replayer, make_progress, proxy_authorization, source_of, totals
from invigilator_demo.report import print_links, print_trace, write_json
from invigilator_demo.shipper import Shipper, routes_for
from invigilator_demo.site import LocalSite
from invigilator_demo.summary import expected_cases, match_planted, print_summary, shortfalls, summarise
from invigilator_demo.trace import log_offsets

# The demo Squid's clock starts this many real seconds before the school day, to be running (and
# calibrated) when the first record is due.
SQUID_HEAD_START_S = 6.0
# When the directory snapshot is stamped on the demo day (`--as-of`): before the first record.
DIRECTORY_SYNC_AT = time_of_day(6, 0)


def next_school_day(today: date) -> date:
    """The next weekday after today. The policy engine keeps one event-time watermark per shard of
    a school's accounts, moved on by every source and every earlier run, and caps it at its wall
    clock: a day still to come stays ahead of it, so a screensaver is judged by its own session's
    events (a lock within the grace), never timed out because other traffic of the shard — today's
    tests, an earlier demo — is already past it."""
    day = today + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def run_accounts(plan: DayPlan) -> dict[str, set[str]]:
    """Every name this run's people go by, per school: logons, mail addresses, planted accounts, and
    the role mailboxes that send the day's mail (office@'s all-staff notice)."""
    accounts: dict[str, set[str]] = {school.id: set() for school in plan.schools}
    for person in plan.staff:
        accounts[person.school] |= {person.account, person.mail}
    for plant in plan.planted:
        if plant.account:
            accounts.setdefault(plant.school, set()).add(plant.account)
    for school, clean in plan.clean_accounts.items():
        accounts.setdefault(school, set()).update(clean)
    for record in plan.records:
        if isinstance(record, MailMessage):
            accounts.setdefault(record.school, set()).add(record.sender)
    return accounts


@contextmanager
def demo_lock(timeout_s: float = 1800) -> Iterator[None]:
    """One demo at a time on this clone (they share the demo Squid and slapd)."""
    path = LOCAL / "peers" / "demo.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"another demo held {path} for {timeout_s:.0f}s") from None
                time.sleep(1)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def calibrate(port: int, speed: float, timeout_s: float = 15) -> DemoClock:
    """One request through the demo Squid from 127.0.0.1 (no school's subnet, so never shipped): its
    access.log time at the moment it was answered is where the demo clock stands."""
    log = squid_demo_log()
    offset = log.stat().st_size if log.exists() else 0
    with httpx.Client(proxy=f"http://127.0.0.1:{port}", timeout=10) as client:
        response = client.get(
            "http://clock.invigilator.local/",
            headers={"Proxy-Authorization": proxy_authorization("demo-clock")},
        )
        wall = time.time()
    if response.status_code != 200:
        raise PeerError(f"the demo Squid answered {response.status_code} to the clock probe")
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with log.open("rb") as handle:
            handle.seek(offset)
            for line in handle.read().decode("utf-8", "replace").splitlines():
                if "clock.invigilator.local" in line and (at := squid_time(line)) is not None:
                    return DemoClock.calibrated(at, wall, speed)
        time.sleep(0.1)
    raise PeerError("the clock probe never reached the demo Squid's access.log")


def settle(
    console: Console,
    watcher: TopicWatcher,
    mails: MailWatcher,
    plan: DayPlan,
    cases_of: Any,
    key: bytes,
    quiet_s: float,
    timeout_s: float,
) -> list[CaseRow]:
    """Wait (bounded) until the stack has judged the day: every planted breach found and the case
    and alert counts unchanged for `quiet_s`, or nothing at all changing for 3 × `quiet_s`."""
    started = time.monotonic()
    deadline = started + timeout_s
    last: tuple[int, int, int] | None = None
    changed = time.monotonic()
    cases: list[CaseRow] = []
    next_cases = 0.0
    with console.status("waiting for the stack to judge the day") as status:
        while time.monotonic() < deadline:
            watcher.drain(2.0)
            if time.monotonic() >= next_cases:
                try:
                    cases = cases_of()
                except (httpx.HTTPError, RuntimeError) as error:
                    # A busy or restarting case-service: keep the last answer, ask again.
                    status.update(f"the case-service did not answer ({error}); asking again")
                mails.scan()
                next_cases = time.monotonic() + 3.0
            found = watcher.run_breaches()
            _hit, missing, _extra = match_planted(plan.planted, found)
            staff = {c.staff for c in cases}
            expected = sum(expected_cases(found, key).values())
            case_ids = {c.id for c in cases}
            alerts = sum(1 for a in mails.alerts.values() if case_ids.intersection(a.case_ids))
            signature = (len(found), len(cases), alerts)
            if signature != last:
                last, changed = signature, time.monotonic()
            quiet = time.monotonic() - changed
            status.update(
                f"waiting for the stack to judge the day: {len(found)} breaches "
                f"({len(missing)} planted not found yet), {len(cases)} cases of {len(staff)} people "
                f"(expected {expected}), {alerts} alert e-mails; unchanged for {quiet:.0f}s "
                f"[{time.monotonic() - started:.0f}s]"
            )
            if quiet >= quiet_s and not missing and len(cases) >= expected:
                break
            if quiet >= 3 * quiet_s:
                break
    return cases


def run(args: argparse.Namespace) -> int:
    console = Console()
    if not console.is_terminal and console.width < 140:
        console = Console(width=140)  # a log file or a pipe: room for the tables
    env = dict(os.environ)
    endpoints = Endpoints.from_env(env)
    tag = args.tag or secrets.token_hex(3)
    day = date.fromisoformat(args.day) if args.day else next_school_day(datetime.now(UTC).date())
    key = (env.get("CASE_SERVICE_PSEUDONYM_KEY") or DEV_PSEUDONYM_KEY).encode()
    key_file = Path(env.get("DEV_OIDC_KEY_FILE") or LOCAL / "dev-oidc" / "signing-key.pem")
    graphql = f"{endpoints.case_service}/graphql"
    timings: dict[str, float] = {}
    t0 = time.monotonic()
    with demo_lock():
        plan = plan_day(args.scale, args.seed, day, tag)
        counts = totals(plan.records)
        console.rule(
            f"[bold]Invigilator demo day[/bold] {day} · tag {tag} · scale {args.scale:g} "
            f"· speed ×{args.speed:g}"
        )
        console.print(
            f"{len(plan.schools)} schools, {len(plan.staff)} staff; {counts['proxy']} web requests, "
            f"{counts['mail']} mails, {counts['endpoint']} endpoint events; "
            f"{len(plan.planted)} planted breaches"
        )
        watcher = TopicWatcher(endpoints.kafka, run_accounts(plan))
        watcher.mark()
        offsets = log_offsets(LOCAL / "logs")
        since_wall = time.time()
        mails = MailWatcher(LOCAL / "mail", since_wall - 1)

        t = time.monotonic()
        with console.status("slapd: loading the trust's directory, then the directory sync"):
            entries = load_directory(staff_ldif(plan), endpoints.slapd_port)
            observed = datetime.combine(day, DIRECTORY_SYNC_AT, tzinfo=UTC)
            report = directory_sync(plan.schools, endpoints.slapd_port, env, observed)
        timings["directory_s"] = time.monotonic() - t
        console.print(
            f"slapd: {entries} entries loaded; ingest-directory-sync: {report.get('accounts')} accounts, "
            f"{report.get('events')} events to Kafka ({timings['directory_s']:.1f}s)"
        )

        with LocalSite() as site:
            first = plan.records[0].at if plan.records else None
            start = day_start(plan.day, first)
            with console.status("starting kcat and the demo Squid (libfaketime)"):
                # kcat first: installing it may take a minute, and the Squid's clock runs from its start.
                kcat = ensure_kcat()
                start_demo_squid(
                    start - timedelta(seconds=SQUID_HEAD_START_S * args.speed), args.speed, site.port
                )
                clock = calibrate(endpoints.squid_demo_port, args.speed)
            console.print(
                f"Squid on 127.0.0.1:{endpoints.squid_demo_port} (clock {clock.now(time.time()):%H:%M:%S}, "
                f"×{args.speed:g}), local site on 127.0.0.1:{site.port}, kcat {kcat}"
            )
            shipper = Shipper(squid_demo_log(), routes_for(plan.schools), endpoints.ingest_proxy)
            shipper.start()
            try:
                t = time.monotonic()
                span_s = ((plan.records[-1].at - start).total_seconds() / args.speed) if plan.records else 0
                with make_progress() as progress:
                    replayer = Replayer(
                        plan,
                        clock,
                        endpoints.squid_demo_port,
                        SmtpJournal(endpoints.smtp_host, endpoints.smtp_port),
                        kcat,
                        endpoints.kafka,
                        progress,
                    )
                    replay = replayer.run(timeout_s=span_s * 3 + 600)
                # Squid logged every request that was answered, and the clock probe.
                logged = replay.done["proxy"] - replay.failed["proxy"] + 1
                with console.status("shipping the rest of access.log to ingest-proxy"):
                    shipper.stop(expect_lines=logged, timeout_s=60)
            finally:
                shipper.close()
            timings["replay_s"] = time.monotonic() - t
        console.print(
            f"replayed in {timings['replay_s']:.0f}s: sent {replay.done}, failed {replay.failed}; "
            f"latest record {replay.max_lag_s:.0f} demo-seconds late; shipped "
            f"{sum(shipper.stats.posted.values())} Squid lines "
            f"({sum(shipper.stats.rejected.values())} rejected, "
            f"{shipper.stats.failures} not delivered)"
        )
        for error in replay.errors[:5]:
            console.print(f"  [red]{error}[/red]")

        t = time.monotonic()
        token = mint(key_file, "headteacher", [s.id for s in plan.schools])
        # Cases opened from a minute before the run (the case-service's clock, not the demo's).
        opened_since = datetime.fromtimestamp(since_wall - 60, UTC)
        with httpx.Client(timeout=30) as client:
            ours = {(s, pseudonym(key, s, a)) for s, names in run_accounts(plan).items() for a in names}

            def cases_of() -> list[CaseRow]:
                rows = [
                    row
                    for s in plan.schools
                    for row in fetch_cases(client, graphql, token, s.id, opened_since)
                ]
                return [row for row in rows if (row.school, row.staff) in ours]

            try:
                cases = settle(console, watcher, mails, plan, cases_of, key, args.quiet, args.wait)
            finally:
                watcher.close()
        timings["judging_s"] = time.monotonic() - t
        timings["total_s"] = time.monotonic() - t0

        found = watcher.run_breaches()
        sent = Counter((r.school, source_of(r)) for r in plan.records)
        sent.update((p.school, "directory") for p in plan.staff)
        results = summarise(
            plan,
            sent,
            watcher.totals.events,
            watcher.totals.rejected,
            found,
            cases,
            list(mails.alerts.values()),
            key,
        )
        console.print()
        print_summary(console, results)
        print_trace(console, found, cases, mails, shipper, LOCAL / "logs", offsets)
        example_school = max(results, key=lambda r: r.cases).school if results else "elms-farm"
        print_links(
            console,
            endpoints,
            graphql,
            key_file,
            example_school,
            [s.id for s in plan.schools],
            results,
            mails,
        )
        console.print(
            f"\n[bold]Timings[/bold]: directory {timings['directory_s']:.0f}s, "
            f"replay {timings['replay_s']:.0f}s, "
            f"judging {timings['judging_s']:.0f}s — the demo took {timings['total_s']:.0f}s"
        )
        if args.json:
            write_json(
                Path(args.json), plan, tag, day, args, results, timings, replay, shipper, watcher, found
            )
        problems = shortfalls(results, sum(replay.failed.values()), shipper.stats)
        for problem in problems:
            console.print(f"[red]Not as planted:[/red] {problem}")
    return 1 if problems else 0


def speed_arg(text: str) -> float:
    try:
        speed = float(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from error
    if not 1 <= speed <= 10_000:
        raise argparse.ArgumentTypeError(f"{text} is outside 1 to 10000")
    return speed


def tag_arg(text: str) -> str:
    if not re.fullmatch(r"[a-z0-9]{1,8}", text):
        raise argparse.ArgumentTypeError(f"{text!r}: 1 to 8 of a-z and 0-9")
    return text


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="invigilator-demo", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("run", help="replay a generated school day through real peers into the stack")
    demo.add_argument(
        "--scale", type=float, default=1.0, help="staff and volumes relative to the trust (1.0)"
    )
    demo.add_argument("--seed", type=int, default=1, help="generator seed (1)")
    demo.add_argument(
        "--speed", type=speed_arg, default=600.0, help="demo seconds per real second (600; 1 to 10000)"
    )
    demo.add_argument(
        "--tag", type=tag_arg, default=None, help="suffix of every account (default: random); a-z0-9, up to 8"
    )
    demo.add_argument("--day", default="", help="the school day, YYYY-MM-DD (default: the next weekday)")
    demo.add_argument("--json", default="", help="write the summary numbers to this file")
    demo.add_argument(
        "--quiet", type=float, default=20.0, help="seconds without change that end the wait (20)"
    )
    demo.add_argument("--wait", type=float, default=600.0, help="longest wait for the stack to judge (600 s)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse(argv)
    try:
        sys.exit(run(args))
    except (PeerError, TimeoutError, OSError, httpx.HTTPError, subprocess.SubprocessError) as error:
        Console(stderr=True).print(f"[bold red]invigilator-demo:[/bold red] {error}")
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)


__all__ = ["ROOT", "main"]
