"""Liveness and readiness endpoints for FastAPI services."""

from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Response, status

ReadinessCheck = Callable[[], Awaitable[bool]]


def health_router(checks: dict[str, ReadinessCheck] | None = None) -> APIRouter:
    """`/healthz` answers while the process runs; `/readyz` runs each named check."""
    router = APIRouter()

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz")
    async def readyz(response: Response) -> dict[str, object]:
        results: dict[str, bool] = {}
        for name, check in (checks or {}).items():
            try:
                results[name] = await check()
            except Exception:  # a failing dependency makes us unready, it must not crash the probe
                results[name] = False
        ready = all(results.values())
        if not ready:
            response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        return {"status": "ok" if ready else "unavailable", "checks": results}

    return router
