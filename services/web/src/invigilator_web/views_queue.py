"""The case queue: filters (school, stage, clause, severity, age, status, overdue), sorting, keyset
pages, overdue cases highlighted."""

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from invigilator_web.auth import CurrentUser
from invigilator_web.graphql_client import ApiError, CaseService
from invigilator_web.queries import QUEUE
from invigilator_web.render import SEVERITY_ORDER, Pages

SEVERITIES = ("low", "medium", "high", "critical")
STAGES = (
    "new", "informal", "informal_failed", "investigation", "case_to_answer", "invited", "heard",
    "decided", "appeal_lodged", "raised", "acknowledged", "met", "dsl_informed", "lado_consulted",
    "it_ticket", "closed",
)  # fmt: skip
SORTS = {
    "opened": lambda c: c["openedAt"],
    "updated": lambda c: c["updatedAt"],
    "school": lambda c: (c["school"]["name"], c["openedAt"]),
    "clause": lambda c: (c["clause"], c["openedAt"]),
    "severity": lambda c: (SEVERITY_ORDER.get(c["severity"], -1), c["openedAt"]),
    "stage": lambda c: (c["stage"], c["openedAt"]),
    "breaches": lambda c: (c["breachCount"], c["openedAt"]),
}


@dataclass(frozen=True)
class QueueFilter:
    school: str = ""
    stage: str = ""
    clause: str = ""
    severity: tuple[str, ...] = ()
    min_age: str = ""
    status: str = "open"
    overdue: str = ""
    sort: str = "opened"
    dir: str = "desc"

    @classmethod
    def from_request(cls, request: Request) -> "QueueFilter":
        q = request.query_params
        return cls(
            school=q.get("school", "").strip(),
            stage=q.get("stage", "").strip(),
            clause=q.get("clause", "").strip().upper(),
            severity=tuple(s for s in q.getlist("severity") if s in SEVERITIES),
            min_age=q.get("min_age", "").strip() if q.get("min_age", "").strip().isdigit() else "",
            status=q.get("status", "open")
            if q.get("status", "open") in {"open", "closed", "any"}
            else "open",
            overdue=q.get("overdue", "") if q.get("overdue", "") in {"", "yes", "no"} else "",
            sort=q.get("sort", "opened") if q.get("sort", "opened") in SORTS else "opened",
            dir="asc" if q.get("dir") == "asc" else "desc",
        )

    def where(self) -> dict[str, Any]:
        where: dict[str, Any] = {}
        if self.school:
            where["schoolId"] = self.school
        if self.stage:
            where["stage"] = self.stage
        if self.clause:
            where["clause"] = self.clause
        if self.severity:
            where["severity"] = [s.upper() for s in self.severity]
        if self.min_age:
            where["minAgeDays"] = int(self.min_age)
        if self.status != "any":
            where["status"] = self.status.upper()
        if self.overdue:
            where["overdue"] = self.overdue == "yes"
        return where

    def query(self, **changes: str) -> str:
        """The query string of this filter with some parameters changed (links keep the filter)."""
        from urllib.parse import urlencode

        params: list[tuple[str, str]] = []
        values = {
            "school": self.school, "stage": self.stage, "clause": self.clause, "min_age": self.min_age,
            "status": self.status, "overdue": self.overdue, "sort": self.sort, "dir": self.dir,
        }  # fmt: skip
        values.update(changes)
        params.extend((k, v) for k, v in values.items() if v)
        params.extend(("severity", s) for s in self.severity)
        return urlencode(params)


def queue_router(pages: Pages, api: CaseService, page_size: int) -> APIRouter:
    router = APIRouter()

    @router.get("/")
    async def home() -> Response:
        return RedirectResponse("/cases", 303)

    @router.get("/cases")
    async def queue(request: Request, user: CurrentUser) -> Response:
        flt = QueueFilter.from_request(request)
        after = request.query_params.get("after") or None
        page = (
            int(request.query_params.get("page", "1"))
            if request.query_params.get("page", "1").isdigit()
            else 1
        )
        error = None
        cases: list[dict[str, Any]] = []
        page_info: dict[str, Any] = {"hasNextPage": False, "endCursor": None}
        try:
            data = await api.execute(
                user.token, QUEUE, {"where": flt.where() or None, "first": page_size, "after": after}
            )
            cases = data["cases"]["nodes"]
            page_info = data["cases"]["pageInfo"]
        except ApiError as exc:
            error = exc.message
        cases.sort(key=SORTS[flt.sort], reverse=flt.dir == "desc")
        partial = request.headers.get("HX-Target") == "queue-results"
        return pages.render(
            request,
            "_queue_results.html" if partial else "queue.html",
            user,
            cases=cases,
            page_info=page_info,
            page=page,
            flt=flt,
            error=error,
            severities=SEVERITIES,
            stages=STAGES,
            sorts=list(SORTS),
        )

    return router
