"""`ingest-endpoint-replay`: Winlogbeat or NXLog JSON-lines files (plain or .gz) to ingest-endpoint.

ingest-endpoint-replay --school elms-farm --format ecs winlogbeat-20260901.ndjson winlogbeat-*.gz
"""

import sys
from collections.abc import Sequence
from typing import TextIO

from svckit.replay import ReplayTool
from svckit.replay import run as run_tool
from svckit.replay_files import Cut

TOOL = ReplayTool(
    prog="ingest-endpoint-replay",
    service="ingest-endpoint",
    default_url="http://127.0.0.1:18120",
    api_key_env="INGEST_ENDPOINT_REPLAY_API_KEY",
    format_help="ecs (Winlogbeat file output) or nxlog (NXLog om_file with to_json)",
    # Every line is one event, so any cut between lines is a valid batch.
    cut=lambda _format: Cut.LINES,
)


def run(argv: Sequence[str] | None = None, err: TextIO = sys.stderr, tty: bool | None = None) -> int:
    return run_tool(TOOL, argv, err, tty)


def main() -> None:
    sys.exit(run())
