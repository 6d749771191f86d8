"""`ingest-directory-replay`: DC event logs (JSON lines) or LDIF exports to ingest-directory.

ingest-directory-replay --school elms-farm --format ecs dc01-security.ndjson.gz
ingest-directory-replay --school trust --format ldif trust-export.ldif
"""

import sys
from collections.abc import Sequence
from typing import TextIO

from svckit.replay import ReplayTool
from svckit.replay import run as run_tool
from svckit.replay_files import Cut

TOOL = ReplayTool(
    prog="ingest-directory-replay",
    service="ingest-directory",
    default_url="http://127.0.0.1:18130",
    api_key_env="INGEST_DIRECTORY_REPLAY_API_KEY",
    format_help="ecs or nxlog (DC security events, under a school); ldif (under the trust id: every school)",
    # An LDIF entry spans lines (and folded lines continue with a space): never cut one in two.
    cut=lambda format_name: Cut.WHOLE if format_name == "ldif" else Cut.LINES,
)


def run(argv: Sequence[str] | None = None, err: TextIO = sys.stderr, tty: bool | None = None) -> int:
    return run_tool(TOOL, argv, err, tty)


def main() -> None:
    sys.exit(run())
