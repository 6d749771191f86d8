"""`ingest-proxy-replay`: proxy log files (plain or .gz) to ingest-proxy, in chunks of lines.

ingest-proxy-replay --school elms-farm --format squid access.log access.log.1.gz
"""

import sys
from collections.abc import Sequence
from typing import TextIO

from svckit.replay import ReplayTool
from svckit.replay import run as run_tool
from svckit.replay_files import Cut

TOOL = ReplayTool(
    prog="ingest-proxy-replay",
    service="ingest-proxy",
    default_url="http://127.0.0.1:18100",
    api_key_env="INGEST_PROXY_REPLAY_API_KEY",
    format_help="squid, e2guardian or <vendor>-csv",
    # Vendor CSV exports (any mapping, not only the presets) repeat their header in every chunk.
    cut=lambda format_name: Cut.CSV_HEADER if format_name.endswith("-csv") else Cut.LINES,
)


def run(argv: Sequence[str] | None = None, err: TextIO = sys.stderr, tty: bool | None = None) -> int:
    return run_tool(TOOL, argv, err, tty)


def main() -> None:
    sys.exit(run())
