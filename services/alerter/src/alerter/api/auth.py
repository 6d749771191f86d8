"""Bearer tokens exactly as the case-service validates them: its `TokenValidator` (PyJWT against
the identity provider's JWKS, the same issuer and audience) is imported, not copied."""

import asyncio

from alerter.settings import AlerterSettings
from case_service.auth.dependencies import unauthorized, unavailable
from case_service.auth.settings import AuthSettings
from case_service.auth.subject import Subject
from case_service.auth.tokens import KeysUnavailableError, TokenError, TokenValidator

__all__ = ["Subject", "TokenValidator", "authenticate", "validator_from_settings"]


def validator_from_settings(settings: AlerterSettings) -> TokenValidator:
    auth = AuthSettings(
        environment=settings.environment,
        issuer=settings.auth_issuer,
        audience=settings.auth_audience,
        jwks_url=settings.auth_jwks_url,
    )
    return TokenValidator.from_settings(auth)


async def authenticate(validator: TokenValidator, header: str | None) -> Subject:
    """The caller, or the 401 / 503 to answer (RFC 6750 challenges, as the case-service)."""
    if not header:
        raise unauthorized(None, "a bearer token is required")
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise unauthorized("invalid_request", "the Authorization header must be 'Bearer <token>'")
    try:  # PyJWKClient fetches the JWKS with urllib on a cache miss: keep it off the event loop
        return await asyncio.to_thread(validator.subject, token)
    except TokenError as error:
        raise unauthorized(error.error, error.description) from None
    except KeysUnavailableError:
        raise unavailable("the identity provider's signing keys are unavailable") from None
