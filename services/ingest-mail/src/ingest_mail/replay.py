"""`ingest-mail-replay`: mail exports and `.eml` files (plain or .gz) to ingest-mail.

ingest-mail-replay --school st-peters --format eml *.eml
ingest-mail-replay --school elms-farm --format exchange-tracking MSGTRK2024030408-1.LOG
"""

import sys
from collections.abc import Sequence
from typing import TextIO

from svckit.replay import ReplayTool
from svckit.replay import run as run_tool
from svckit.replay_files import Cut

# Tracking logs repeat their `#Fields:` header in every chunk; each RECEIVE row holds a whole
# message. Gmail and M365 rows are grouped by message id across the whole input (BigQuery exports
# are not ordered), so cutting them by lines would split one message into several events: they go
# whole, like an `.eml` file (one message) and JSON arrays.
CUTS = {"exchange-tracking": Cut.HASH_HEADER}

TOOL = ReplayTool(
    prog="ingest-mail-replay",
    service="ingest-mail",
    default_url="http://127.0.0.1:18110",
    api_key_env="INGEST_MAIL_REPLAY_API_KEY",
    format_help="eml, exchange-tracking, m365-trace or gmail",
    cut=lambda format_name: CUTS.get(format_name, Cut.WHOLE),
)


def run(argv: Sequence[str] | None = None, err: TextIO = sys.stderr, tty: bool | None = None) -> int:
    return run_tool(TOOL, argv, err, tty)


def main() -> None:
    sys.exit(run())
