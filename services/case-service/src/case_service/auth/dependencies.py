"""FastAPI adapter: the bearer-token dependency producing a `Subject`, and the HTTP answers.

401 no token / not a bearer token / a token that does not validate
    WWW-Authenticate: Bearer realm="invigilator"[, error="invalid_token"|"invalid_request",
    error_description="..."]   (RFC 6750 §3: no error code when no credentials were sent)
403 a valid token whose subject may not do this (WWW-Authenticate: ... error="insufficient_scope")
404 a resource the subject may not even know of (Authorizer's NotVisibleError)
503 the identity provider's keys or OPA unavailable (Retry-After)
"""

import asyncio
import re
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from case_service.auth.authorizer import (
    Action,
    AuthorizationUnavailableError,
    Authorizer,
    ForbiddenError,
    NotVisibleError,
    Resource,
)
from case_service.auth.subject import Subject
from case_service.auth.tokens import KeysUnavailableError, TokenError, TokenValidator

REALM = "invigilator"
RETRY_AFTER_S = "5"
# Declares the scheme in the OpenAPI document; the header itself is read below so that a missing
# token and a malformed one get different answers.
bearer_scheme = HTTPBearer(auto_error=False, description="OIDC access token (JWT) from the trust's IdP")


def _quoted(text: str) -> str:
    """An auth-param value: printable ASCII without quotes or backslashes (RFC 6750 §3)."""
    return re.sub(r'[^\x20-\x7e]|["\\]', "'", text)


def challenge(error: str | None = None, description: str | None = None) -> str:
    params = [f'realm="{REALM}"']
    if error:
        params.append(f'error="{error}"')
    if description:
        params.append(f'error_description="{_quoted(description)}"')
    return "Bearer " + ", ".join(params)


def unauthorized(error: str | None, description: str) -> HTTPException:
    """No error code (nor description) in the challenge when no credentials came (RFC 6750 §3.1)."""
    header = challenge(error, description) if error else challenge()
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, detail=description, headers={"WWW-Authenticate": header}
    )


def unavailable(description: str) -> HTTPException:
    return HTTPException(
        status.HTTP_503_SERVICE_UNAVAILABLE, detail=description, headers={"Retry-After": RETRY_AFTER_S}
    )


def http_error(error: NotVisibleError | ForbiddenError | AuthorizationUnavailableError) -> HTTPException:
    """The HTTP answer to a refused or undecided authorization."""
    if isinstance(error, NotVisibleError):
        return HTTPException(status.HTTP_404_NOT_FOUND, detail="not found")
    if isinstance(error, ForbiddenError):
        return HTTPException(
            status.HTTP_403_FORBIDDEN,
            detail={"message": "forbidden", "reasons": list(error.decision.reasons)},
            headers={"WWW-Authenticate": challenge("insufficient_scope")},
        )
    return unavailable("authorization is unavailable")


class Authenticator:
    """`Depends(authenticator)` gives the route the caller's `Subject` or answers 401/503."""

    def __init__(self, validator: TokenValidator) -> None:
        self._validator = validator

    async def __call__(
        self,
        request: Request,
        _scheme: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    ) -> Subject:
        return await self.authenticate(request.headers.get("authorization"))

    async def authenticate(self, header: str | None) -> Subject:
        """The subject of an `Authorization` header's value, or HTTPException 401 / 503."""
        return (await self.authenticate_until(header))[0]

    async def authenticate_until(self, header: str | None) -> tuple[Subject, datetime]:
        """The subject and its token's expiry, or HTTPException 401 / 503 (a WebSocket's token comes
        in its first message, and the connection must end when the token does)."""
        if not header:
            raise unauthorized(None, "a bearer token is required")
        scheme, _, token = header.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise unauthorized("invalid_request", "the Authorization header must be 'Bearer <token>'")
        try:
            # PyJWKClient fetches the JWKS with urllib on a cache miss: keep it off the event loop.
            return await asyncio.to_thread(self._validator.subject_until, token)
        except TokenError as error:
            raise unauthorized(error.error, error.description) from None
        except KeysUnavailableError:
            raise unavailable("the identity provider's signing keys are unavailable") from None


def requires(
    authenticator: Authenticator, authorizer: Authorizer, action: Action, resource: Resource | None = None
) -> Callable[..., Awaitable[Subject]]:
    """A dependency for routes whose action needs no loaded resource (audit.read, sar.export of the
    trust, breach.feed): the subject when OPA allows it, 403 (503) otherwise. The route exists for
    everyone, so a refusal is "forbidden" even when the policy calls the resource invisible."""

    async def dependency(subject: Annotated[Subject, Depends(authenticator)]) -> Subject:
        try:
            await authorizer.require(subject, action, resource)
        except NotVisibleError as error:
            raise http_error(ForbiddenError(error.decision)) from None
        except (ForbiddenError, AuthorizationUnavailableError) as error:
            raise http_error(error) from None
        return subject

    return dependency
