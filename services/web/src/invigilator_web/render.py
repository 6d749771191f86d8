"""Templates and the filters they use: dates in the schools' time zone, words for codes."""

from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from invigilator_web.auth import User

HERE = Path(__file__).parent
SEVERITY_ORDER = {"low": 0, "medium": 1, "high": 2, "critical": 3}


def parse_time(value: object) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class Pages:
    def __init__(self, tz: ZoneInfo) -> None:
        self.tz = tz
        self.templates = Jinja2Templates(directory=HERE / "templates")
        env = self.templates.env
        env.filters["when"] = self.when
        env.filters["day"] = self.day
        env.filters["words"] = words
        env.filters["age_days"] = self.age_days
        env.globals["now"] = lambda: datetime.now(UTC)

    def when(self, value: object) -> str:
        parsed = parse_time(value)
        if parsed is None:
            return str(value or "")
        local = parsed.astimezone(self.tz)
        return f"{local:%a} {local.day} {local:%b %Y, %H:%M}"

    def day(self, value: object) -> str:
        parsed = parse_time(value)
        if parsed is None:
            return str(value or "")
        return f"{parsed.astimezone(self.tz):%d %b %Y}"

    def age_days(self, value: object) -> int:
        parsed = parse_time(value)
        return (datetime.now(UTC) - parsed).days if parsed else 0

    def render(
        self, request: Request, name: str, user: User | None, status_code: int = 200, **context: Any
    ) -> Response:
        return self.templates.TemplateResponse(
            request, name, {"user": user, **context}, status_code=status_code
        )


def words(value: object) -> str:
    """`final_written_warning` → `final written warning` (codes shown as words)."""
    return str(value or "").replace("_", " ").replace(".", " ").lower()
