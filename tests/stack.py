"""Where the running local stack can be reached (see scripts/stack/env.sh for the ports)."""

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Stack:
    ingest_proxy_url: str
    case_service_url: str
    opa_url: str
    maildir: Path
    logs: Path
