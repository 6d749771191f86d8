"""OIDC bearer tokens (JWT) validated against the identity provider's JWKS.

Checked, in this order: the header names an allowed algorithm (never "none" or HS*) and a key id;
the key id is in the JWKS (fetched by PyJWT's `PyJWKClient`, cached, re-fetched once for an unknown
kid); the signature, with the algorithm bound to that key; `iss`, `aud`, `exp` (and `nbf`, `iat`)
within the leeway. The verified claims then become a `Subject` through the claim mapping.

Synchronous on purpose (PyJWKClient uses urllib): the FastAPI dependency runs it in a thread.
"""

from datetime import UTC, datetime
from typing import Any, Protocol

import jwt
from jwt import PyJWK, PyJWKClient

from case_service.auth.claims import ClaimsError, subject_from_claims
from case_service.auth.settings import AuthSettings, ClaimMapping
from case_service.auth.subject import Subject

REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud"]


class TokenError(Exception):
    """The token cannot be trusted (HTTP 401). `error` is the RFC 6750 error code."""

    def __init__(self, description: str, error: str = "invalid_token") -> None:
        super().__init__(description)
        self.description = description
        self.error = error


class KeysUnavailableError(Exception):
    """The JWKS could not be fetched: the identity provider's fault, not the caller's (HTTP 503)."""


class SigningKeys(Protocol):
    """Where verification keys come from: `PyJWKClient` in service, a fixed set in tests."""

    def get_signing_key(self, kid: str) -> PyJWK: ...


class StaticKeys:
    """A fixed JWK set (a JWKS document as a dict), e.g. the dev issuer's keys in a test."""

    def __init__(self, jwks: dict[str, Any]) -> None:
        self._keys = {key.key_id: key for key in jwt.PyJWKSet.from_dict(jwks).keys if key.key_id}

    def get_signing_key(self, kid: str) -> PyJWK:
        try:
            return self._keys[kid]
        except KeyError:
            raise jwt.PyJWKClientError(f'Unable to find a signing key that matches: "{kid}"') from None


class TokenValidator:
    def __init__(
        self,
        *,
        issuer: str,
        audience: str,
        algorithms: list[str],
        keys: SigningKeys,
        claims: ClaimMapping,
        leeway_s: int = 30,
    ) -> None:
        self._issuer = issuer
        self._audience = audience
        self._algorithms = list(algorithms)
        self._keys = keys
        self._mapping = claims
        self._leeway_s = leeway_s

    @classmethod
    def from_settings(cls, settings: AuthSettings) -> "TokenValidator":
        keys = PyJWKClient(
            settings.jwks_url,
            cache_jwk_set=True,
            lifespan=settings.jwks_cache_s,
            timeout=settings.jwks_timeout_s,
        )
        return cls(
            issuer=settings.issuer,
            audience=settings.audience,
            algorithms=list(settings.algorithms),
            keys=keys,
            claims=settings.claims,
            leeway_s=settings.leeway_s,
        )

    def claims(self, token: str) -> dict[str, Any]:
        """The verified claims, or TokenError / KeysUnavailableError."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.DecodeError:
            raise TokenError("the token is not a well-formed JWT") from None
        algorithm = header.get("alg")
        if algorithm not in self._algorithms:
            allowed = ", ".join(self._algorithms)
            raise TokenError(f"algorithm {algorithm!r} is not accepted (allowed: {allowed})")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise TokenError("the token names no signing key (kid)")
        key = self._signing_key(kid)
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=self._algorithms,
                audience=self._audience,
                issuer=self._issuer,
                leeway=self._leeway_s,
                options={"require": REQUIRED_CLAIMS},
            )
        except jwt.ExpiredSignatureError:
            raise TokenError("the token has expired") from None
        except jwt.InvalidAudienceError:
            raise TokenError("the token is not meant for this service (aud)") from None
        except jwt.InvalidIssuerError:
            raise TokenError("the token comes from an issuer this service does not trust (iss)") from None
        except jwt.ImmatureSignatureError:
            raise TokenError("the token is not valid yet (nbf/iat)") from None
        except jwt.MissingRequiredClaimError as error:
            raise TokenError(f"the token lacks the {error.claim!r} claim") from None
        except jwt.InvalidSignatureError:
            raise TokenError("the token's signature does not verify") from None
        except jwt.InvalidAlgorithmError:
            raise TokenError("the token's algorithm does not match its signing key") from None
        except jwt.InvalidTokenError as error:
            raise TokenError(f"the token is invalid ({type(error).__name__})") from None
        return claims

    def subject(self, token: str) -> Subject:
        return self.subject_until(token)[0]

    def subject_until(self, token: str) -> tuple[Subject, datetime]:
        """The subject and when its token stops being accepted (`exp` plus the leeway `claims`
        allows): a long-lived connection (the breach feed's WebSocket) must stop serving it then."""
        claims = self.claims(token)
        try:
            subject = subject_from_claims(claims, self._mapping)
        except ClaimsError as error:
            raise TokenError(str(error)) from None
        return subject, datetime.fromtimestamp(int(claims["exp"]) + self._leeway_s, UTC)

    def _signing_key(self, kid: str) -> PyJWK:
        try:
            return self._keys.get_signing_key(kid)
        except jwt.PyJWKClientConnectionError as error:
            raise KeysUnavailableError(
                f"the identity provider's keys could not be fetched: {error}"
            ) from None
        except (jwt.PyJWKClientError, jwt.PyJWKSetError):
            raise TokenError(f"the signing key {kid!r} is not one of the identity provider's keys") from None
