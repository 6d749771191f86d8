"""`invigilator check` run in the test's own process, as its console script runs it: the exit code,
stdout and stderr kept, the findings parsed (one JSON object per line)."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from typing import Any

import pytest

from invigilator_cli.main import main


@dataclass(frozen=True)
class Run:
    school: str
    format_name: str
    code: int | str | None
    stdout: str
    stderr: str

    @property
    def findings(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.stdout.splitlines()]


def check(*args: str) -> Run:
    """`invigilator check ARGS`; ARGS name `--school` and `--format`."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err), pytest.raises(SystemExit) as exit_info:
        main(["check", *args])
    school, format_name = args[args.index("--school") + 1], args[args.index("--format") + 1]
    return Run(school, format_name, exit_info.value.code, out.getvalue(), err.getvalue())
