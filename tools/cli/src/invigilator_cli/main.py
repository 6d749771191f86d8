"""`invigilator`: the command line for a school's IT technician.

invigilator check --school elms-farm --format squid access.log
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from ingest_proxy.vendor_csv import PRESETS
from invigilator_cli.check import CheckRequest, check
from invigilator_cli.inputs import FORMATS
from invigilator_cli.local_opa import DEFAULT_POLICIES, OpaNotFoundError, find_opa, running_opa
from invigilator_cli.settings import CliSettings


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="invigilator", description="Invigilator command line.")
    commands = top.add_subparsers(dest="command", required=True)
    check_cmd = commands.add_parser(
        "check",
        help="judge a school's log files offline and print one JSON object per finding",
        description="Judge log files with the same parsers, correlation and Rego as the running "
        "system (no Kafka). Findings go to stdout as JSON lines; counts and unreadable records to "
        "stderr. Exit 0 whatever is found; 2 for a usage problem.",
    )
    check_cmd.add_argument("--school", required=True, help="school id, e.g. elms-farm")
    check_cmd.add_argument("--format", required=True, choices=FORMATS, help="format of every FILE")
    check_cmd.add_argument(
        "--mail-domain",
        action="append",
        default=[],
        metavar="DOMAIN",
        help="one of the school's own mail domains, in addition to its policy data (repeatable)",
    )
    check_cmd.add_argument(
        "--csv-vendor", default="smoothwall", choices=sorted(PRESETS), help="column mapping of --format csv"
    )
    check_cmd.add_argument(
        "--ou", default="", help="the school's OU in an LDIF export (default: from the id)"
    )
    check_cmd.add_argument(
        "--directory",
        type=Path,
        metavar="LDIF",
        help="the school's staff LDIF export: each finding says if the account is unknown to it",
    )
    check_cmd.add_argument(
        "--policies", type=Path, default=DEFAULT_POLICIES, help="policy folder (Rego + data)"
    )
    check_cmd.add_argument("--opa", help="OPA binary (default: $OPA_BIN, `opa` on PATH, the project's)")
    check_cmd.add_argument("files", nargs="+", type=Path, metavar="FILE", help="log files, plain or .gz")
    # Errors found after parsing print the subcommand's usage, not the top-level one.
    check_cmd.set_defaults(command_parser=check_cmd)
    return top


def main(argv: Sequence[str] | None = None) -> None:
    top = parser()
    args = top.parse_args(argv)
    check_cmd: argparse.ArgumentParser = args.command_parser
    missing = [str(path) for path in [*args.files, *filter(None, [args.directory])] if not path.is_file()]
    if missing:
        check_cmd.error(f"not a file: {', '.join(missing)}")
    schools = args.policies / "data" / "schools"
    if not (schools / args.school / "data.json").is_file():
        known = sorted(path.name for path in schools.iterdir() if path.is_dir()) if schools.is_dir() else []
        check_cmd.error(
            f"unknown school {args.school!r}: no {schools}/{args.school}/data.json"
            f" (known: {', '.join(known)})"
        )
    try:
        opa_bin = find_opa(CliSettings(), args.opa)
    except OpaNotFoundError as error:
        check_cmd.error(str(error))
    with running_opa(opa_bin, args.policies, args.school, args.mail_domain) as url:
        request = CheckRequest(
            school_id=args.school,
            format_name=args.format,
            files=args.files,
            mail_domains=args.mail_domain,
            opa_url=url,
            csv_vendor=args.csv_vendor,
            school_ou=args.ou,
            directory=args.directory,
        )
        sys.exit(check(request))
