"""The case service's GraphQL API, called with the signed-in user's bearer token: the only way this
app reads or changes anything."""

from dataclasses import dataclass, field
from typing import Any

import httpx


class UnauthenticatedError(Exception):
    """The case service refused the token (expired or invalid): sign in again."""


class ServiceUnavailableError(Exception):
    """The case service (or its authorization) cannot answer now."""


@dataclass(frozen=True)
class ApiError(Exception):
    """A GraphQL error: `code` is extensions.code (GUARD_REFUSED, FORBIDDEN, NOT_FOUND, ...)."""

    code: str
    message: str
    extensions: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


def first_error(errors: list[dict[str, Any]]) -> ApiError:
    error = errors[0]
    extensions = error.get("extensions") or {}
    return ApiError(str(extensions.get("code") or "ERROR"), str(error.get("message", "")), extensions)


class CaseService:
    """One pooled client for the whole app; each call carries the caller's token."""

    def __init__(self, url: str, timeout_s: float, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.url = url
        self._client = httpx.AsyncClient(timeout=timeout_s, transport=transport)

    async def aclose(self) -> None:
        await self._client.aclose()

    async def execute(
        self, token: str, query: str, variables: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """The `data` of the answer; raises ApiError for the first GraphQL error."""
        try:
            response = await self._client.post(
                self.url,
                json={"query": query, "variables": variables or {}},
                headers={"Authorization": f"Bearer {token}"},
            )
        except httpx.HTTPError as exc:
            raise ServiceUnavailableError(
                f"the case service cannot be reached ({type(exc).__name__})"
            ) from exc
        if response.status_code == 401:
            raise UnauthenticatedError(response.headers.get("WWW-Authenticate", ""))
        if response.status_code in {502, 503, 504}:
            raise ServiceUnavailableError(f"the case service answered {response.status_code}")
        try:
            payload: dict[str, Any] = response.json()
        except ValueError as exc:
            raise ServiceUnavailableError(f"the case service answered {response.status_code}") from exc
        errors = payload.get("errors")
        if errors:
            error = first_error(errors)
            if error.code == "UNAUTHENTICATED":
                raise UnauthenticatedError(error.message)
            if error.code == "AUTHZ_UNAVAILABLE":
                raise ServiceUnavailableError(error.message)
            raise error
        data: dict[str, Any] = payload.get("data") or {}
        return data
