"""MON limits at the door: paths, command lines and IP addresses never leave in an event."""

from pathlib import Path

import pytest

from ingest_endpoint.ingest import parse

SAMPLES = Path(__file__).parent / "samples"

NEVER_KEPT = [
    "Adobe 2026 keygen",  # Defender's full path names the folder
    "C:\\Users\\jsmith",
    "Downloads",
    "net user hacker",  # a service's command line
    "P4ssw0rd",
    "-accepteula",
    "--service",
    "Program Files",
    "10.20.1.57",  # IpAddress
    "127.0.0.1",
    "warez.example",  # Defender's web origin
    "svchost.exe",  # 4624 ProcessName
    "D:\\Shares",  # ShareLocalPath
    "explorer.exe",  # Defender's Process Name
]


@pytest.mark.parametrize("format_name", ["ecs", "nxlog"])
def test_no_path_command_line_or_address_in_output_bytes(format_name: str) -> None:
    batch = parse(format_name, (SAMPLES / f"endpoint.{format_name}.jsonl").read_bytes(), "elms-farm")
    output = b"".join(event.SerializeToString() for event in batch.events)
    for secret in NEVER_KEPT:
        assert secret.encode() not in output, secret


def test_samples_really_contain_what_is_dropped() -> None:
    """Guards the test above against samples that never held the secrets."""
    raw = (SAMPLES / "endpoint.ecs.jsonl").read_bytes().decode()
    for secret in NEVER_KEPT:
        assert secret.replace("\\", "\\\\") in raw, secret
