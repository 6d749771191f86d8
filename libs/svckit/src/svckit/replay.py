"""The file-replay CLI of every ingest service: files streamed to its batch endpoint in chunks.

ingest-proxy-replay --school elms-farm --format squid access.log access.log.1.gz
ingest-mail-replay --school st-peters --format eml *.eml

Each service declares a `ReplayTool` (its name, URL, API-key variable and how each format's
files may be cut) and calls `run`; progress goes to stderr, a non-zero exit says what failed.
"""

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import httpx
from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from svckit.replay_files import Chunk, Cut, Progress, Totals, chunks, summary

RETRY_STATUSES = {503}


class ReplaySecret(BaseSettings):
    """The replay CLI's one secret, from the environment so it stays out of `ps`; the prefix is
    the tool's (e.g. INGEST_PROXY_REPLAY_ for INGEST_PROXY_REPLAY_API_KEY)."""

    model_config = SettingsConfigDict(extra="ignore")

    api_key: SecretStr | None = None


@dataclass(frozen=True)
class ReplayTool:
    prog: str  # e.g. ingest-proxy-replay
    service: str  # e.g. ingest-proxy
    default_url: str
    # Environment variable holding the API key, so it stays out of `ps` (e.g. INGEST_PROXY_REPLAY_API_KEY).
    api_key_env: str
    format_help: str
    # How a format's files are cut into requests.
    cut: Callable[[str], Cut] = lambda _format: Cut.LINES


class ReplayError(Exception):
    """The replay cannot go on; the message says why and what to do."""


def parse_args(tool: ReplayTool, argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog=tool.prog, description=f"Send files (plain or .gz) to {tool.service}."
    )
    parser.add_argument("--school", required=True, help="school id, e.g. elms-farm")
    parser.add_argument("--format", required=True, help=tool.format_help)
    parser.add_argument("--url", default=tool.default_url, help=f"{tool.service} base URL")
    parser.add_argument("--api-key", help=f"API key for the school (default: ${tool.api_key_env})")
    parser.add_argument("--chunk-lines", type=int, default=5000, help="lines per request (default 5000)")
    parser.add_argument("--chunk-bytes", type=int, default=8 * 1024 * 1024, help="bytes per request, about")
    parser.add_argument("--max-attempts", type=int, default=8, help="tries per chunk on 503 (default 8)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per request")
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    args = parser.parse_args(argv)
    if args.chunk_lines < 1 or args.chunk_bytes < 1 or args.max_attempts < 1:
        parser.error("--chunk-lines, --chunk-bytes and --max-attempts must be positive")
    missing = [str(path) for path in args.files if not path.is_file()]
    if missing:
        parser.error(f"not a file: {', '.join(missing)}")
    return args


def _detail(response: httpx.Response) -> str:
    try:
        detail = response.json().get("detail", response.text)
    except ValueError:
        detail = response.text
    return str(detail)[:500]


def send_chunk(
    tool: ReplayTool,
    client: httpx.Client,
    url: str,
    chunk: Chunk,
    max_attempts: int,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[dict[str, int], int]:
    """(the 202 answer, retries used); raises ReplayError on 4xx, other errors, or attempts used up."""
    delay = 0.5
    problem = ""
    for attempt in range(max_attempts):
        if attempt:
            sleep(delay)
            delay = min(delay * 2, 30.0)
        try:
            response = client.post(url, content=chunk.body, headers={"Content-Type": "text/plain"})
        except httpx.TransportError as error:
            problem = f"cannot reach {url}: {error!r}"
            continue
        if response.status_code == 202:
            answer: dict[str, int] = response.json()
            return answer, attempt
        if response.status_code in RETRY_STATUSES:
            problem = f"HTTP {response.status_code}: {_detail(response)}"
            continue
        hint = {
            401: f" (pass --api-key or set ${tool.api_key_env})",
            403: " (the key belongs to another school)",
            413: " (lower --chunk-lines / --chunk-bytes)",
        }.get(response.status_code, "")
        raise ReplayError(f"{chunk.path}: HTTP {response.status_code}{hint}: {_detail(response)}")
    raise ReplayError(f"{chunk.path}: gave up after {max_attempts} attempts; last: {problem}")


def replay(
    tool: ReplayTool, args: argparse.Namespace, client: httpx.Client, progress: Progress, totals: Totals
) -> None:
    url = f"{args.url.rstrip('/')}/v1/schools/{args.school}/{args.format}"
    cut = tool.cut(args.format)
    for path in args.files:
        done_before = totals.bytes_done
        for chunk in chunks(path, args.chunk_lines, args.chunk_bytes, cut=cut):
            answer, retries = send_chunk(tool, client, url, chunk, args.max_attempts)
            totals.chunks += 1
            totals.retries += retries
            totals.lines += chunk.lines
            totals.repaired += chunk.repaired
            totals.accepted += int(answer.get("accepted", 0))
            totals.rejected += int(answer.get("rejected", 0))
            totals.bytes_done = done_before + chunk.position
            progress.update(totals)
        totals.files += 1
        totals.bytes_done = done_before + path.stat().st_size


def run(
    tool: ReplayTool, argv: Sequence[str] | None = None, err: TextIO = sys.stderr, tty: bool | None = None
) -> int:
    args = parse_args(tool, argv)
    secret = ReplaySecret(_env_prefix=tool.api_key_env.removesuffix("API_KEY")).api_key
    api_key = args.api_key or (secret.get_secret_value() if secret else None)
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    totals = Totals(bytes_total=sum(path.stat().st_size for path in args.files))
    progress = Progress(err, err.isatty() if tty is None else tty)
    error: str | None = None
    code = 0
    try:
        with httpx.Client(headers=headers, timeout=args.timeout) as client:
            replay(tool, args, client, progress, totals)
    except ReplayError as failure:
        error, code = str(failure), 1
    except KeyboardInterrupt:
        error, code = "interrupted", 130
    progress.update(totals, force=True)
    progress.finish(summary(totals, progress.elapsed(), error))
    return code
