"""Bearer-token validation with the dev issuer's keys: what is accepted, and each way a token is
refused (expired, wrong audience or issuer, alg none / HS256, unknown or missing kid, tampering)."""

import base64
import hashlib
import hmac
import json
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import jwt
import pytest
import uvicorn
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from jwt import PyJWKClient
from jwt.algorithms import ECAlgorithm

from case_service.auth.dev_issuer import DevIssuer, dev_issuer_app
from case_service.auth.settings import ClaimMapping
from case_service.auth.subject import Subject
from case_service.auth.tokens import KeysUnavailableError, StaticKeys, TokenError, TokenValidator


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unsigned(header: dict[str, Any], claims: dict[str, Any]) -> str:
    return f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"


def claims_of(issuer: DevIssuer, **overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {"iss": issuer.issuer, "aud": issuer.audience, "sub": "u-1", "iat": now, "exp": now + 600}
    claims["roles"], claims["schools"] = ["hr"], ["elms-farm"]
    return {**claims, **overrides}


@pytest.fixture(scope="module")
def issuer() -> DevIssuer:
    return DevIssuer.generate()


def validator_for(
    issuer: DevIssuer, *, jwks: dict[str, Any] | None = None, leeway_s: int = 30
) -> TokenValidator:
    return TokenValidator(
        issuer=issuer.issuer,
        audience=issuer.audience,
        algorithms=["RS256", "ES256"],
        keys=StaticKeys(jwks or issuer.jwks()),
        claims=ClaimMapping(),
        leeway_s=leeway_s,
    )


@pytest.fixture(scope="module")
def validator(issuer: DevIssuer) -> TokenValidator:
    return validator_for(issuer)


def refused(validator: TokenValidator, token: str) -> str:
    with pytest.raises(TokenError) as raised:
        validator.subject(token)
    assert raised.value.error == "invalid_token"
    return raised.value.description


def test_a_valid_token_gives_the_subject(issuer: DevIssuer, validator: TokenValidator) -> None:
    token = issuer.mint("u-7", ["hr", "slg"], ["elms-farm", "st-peters"])
    assert validator.subject(token) == Subject(
        id="u-7", roles=frozenset({"hr", "slg"}), schools=frozenset({"elms-farm", "st-peters"})
    )


def test_the_subject_comes_with_its_tokens_expiry(issuer: DevIssuer, validator: TokenValidator) -> None:
    now = int(time.time())
    subject, expires = validator.subject_until(issuer.mint("u-7", ["hr"], ["elms-farm"], ttl_s=300, now=now))
    assert subject.id == "u-7"
    assert expires == datetime.fromtimestamp(
        now + 300 + 30, UTC
    )  # exp plus the 30 s leeway it is accepted in


def test_expired_token_is_refused_beyond_the_leeway(issuer: DevIssuer, validator: TokenValidator) -> None:
    now = int(time.time())
    assert "expired" in refused(validator, issuer.mint("u-1", ttl_s=60, now=now - 120))
    assert validator.subject(issuer.mint("u-1", ttl_s=60, now=now - 80)).id == "u-1"  # 20 s late: leeway


def test_token_not_yet_valid_is_refused(issuer: DevIssuer, validator: TokenValidator) -> None:
    assert "not valid yet" in refused(validator, issuer.mint("u-1", now=int(time.time()) + 600))


def test_wrong_audience_is_refused(issuer: DevIssuer, validator: TokenValidator) -> None:
    assert "(aud)" in refused(validator, issuer.mint("u-1", claims={"aud": "another-app"}))
    assert "aud" in refused(validator, issuer.mint("u-1", claims={"aud": None}))


def test_wrong_issuer_is_refused(issuer: DevIssuer, validator: TokenValidator) -> None:
    assert "(iss)" in refused(validator, issuer.mint("u-1", claims={"iss": "https://evil.example"}))


def test_required_claims(issuer: DevIssuer, validator: TokenValidator) -> None:
    assert "'exp'" in refused(validator, issuer.mint("u-1", claims={"exp": None}))
    assert "'iat'" in refused(validator, issuer.mint("u-1", claims={"iat": None}))
    assert "'sub'" in refused(validator, issuer.mint("u-1", claims={"sub": None}))


def test_alg_none_is_refused(issuer: DevIssuer, validator: TokenValidator) -> None:
    token = unsigned({"alg": "none", "typ": "JWT", "kid": issuer.kid}, claims_of(issuer)) + "."
    assert "'none' is not accepted" in refused(validator, token)


def test_hs256_is_refused_even_keyed_with_the_public_key(
    issuer: DevIssuer, validator: TokenValidator
) -> None:
    """The classic confusion: HMAC "signed" with the RSA public key an attacker can download."""
    jwk = jwt.PyJWK(issuer.jwks()["keys"][0])
    public_pem = jwk.key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    signing_input = unsigned({"alg": "HS256", "typ": "JWT", "kid": issuer.kid}, claims_of(issuer))
    signature = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    assert "'HS256' is not accepted" in refused(validator, f"{signing_input}.{b64(signature)}")
    shared_secret = jwt.encode(claims_of(issuer), "s" * 32, algorithm="HS256", headers={"kid": issuer.kid})
    assert "'HS256' is not accepted" in refused(validator, shared_secret)


def test_algorithm_outside_the_allow_list_is_refused(issuer: DevIssuer, validator: TokenValidator) -> None:
    """RS512 with the right key verifies, but the settings allow RS256 and ES256 only."""
    token = jwt.encode(claims_of(issuer), issuer._key, algorithm="RS512", headers={"kid": issuer.kid})
    assert "'RS512' is not accepted" in refused(validator, token)


def test_es256_is_accepted_and_bound_to_its_key(issuer: DevIssuer) -> None:
    ec_key = ec.generate_private_key(ec.SECP256R1())
    ec_jwk = {**json.loads(ECAlgorithm.to_jwk(ec_key.public_key())), "kid": "ec-1", "use": "sig"}
    validator = validator_for(issuer, jwks={"keys": [*issuer.jwks()["keys"], ec_jwk]})
    token = jwt.encode(claims_of(issuer), ec_key, algorithm="ES256", headers={"kid": "ec-1"})
    assert validator.subject(token).roles == {"hr"}
    # An ES256 token naming the RSA key: the algorithm belongs to the key, not to the header.
    mismatched = jwt.encode(claims_of(issuer), ec_key, algorithm="ES256", headers={"kid": issuer.kid})
    assert "does not match its signing key" in refused(validator, mismatched)


def test_unknown_kid_is_refused(issuer: DevIssuer, validator: TokenValidator) -> None:
    stranger = DevIssuer.generate(issuer.issuer, issuer.audience)  # same iss and aud, another key
    assert "is not one of the identity provider's keys" in refused(validator, stranger.mint("u-1"))


def test_token_without_kid_is_refused(issuer: DevIssuer, validator: TokenValidator) -> None:
    token = jwt.encode(claims_of(issuer), issuer._key, algorithm="RS256")
    assert "no signing key (kid)" in refused(validator, token)


def test_a_tampered_token_is_refused(issuer: DevIssuer, validator: TokenValidator) -> None:
    header, _payload, signature = issuer.mint("u-1", ["slg"], ["elms-farm"]).split(".")
    forged = b64(json.dumps(claims_of(issuer, roles=["headteacher", "dpo"])).encode())
    assert "signature does not verify" in refused(validator, f"{header}.{forged}.{signature}")


def test_garbage_is_refused(validator: TokenValidator) -> None:
    assert "not a well-formed JWT" in refused(validator, "not-a-token")


# The real path: PyJWKClient fetching the JWKS over HTTP from the dev issuer's router.


@pytest.fixture(scope="module")
def served_issuer() -> Iterator[DevIssuer]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    issuer = DevIssuer.generate(issuer=f"http://127.0.0.1:{sock.getsockname()[1]}")
    server = uvicorn.Server(uvicorn.Config(dev_issuer_app(issuer), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "dev issuer did not start"
        time.sleep(0.02)
    yield issuer
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


def test_keys_fetched_from_the_jwks_endpoint(served_issuer: DevIssuer) -> None:
    validator = TokenValidator(
        issuer=served_issuer.issuer,
        audience=served_issuer.audience,
        algorithms=["RS256"],
        keys=PyJWKClient(served_issuer.jwks_uri, cache_jwk_set=True, lifespan=60, timeout=5),
        claims=ClaimMapping(),
    )
    assert validator.subject(served_issuer.mint("u-9", ["dsl"], ["st-peters"])).roles == {"dsl"}
    stranger = DevIssuer.generate(served_issuer.issuer, served_issuer.audience)
    assert "is not one of" in refused(validator, stranger.mint("u-9"))


def test_unreachable_jwks_is_not_the_callers_fault(issuer: DevIssuer) -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    validator = TokenValidator(
        issuer=issuer.issuer,
        audience=issuer.audience,
        algorithms=["RS256"],
        keys=PyJWKClient(f"http://127.0.0.1:{port}/jwks.json", timeout=2),
        claims=ClaimMapping(),
    )
    with pytest.raises(KeysUnavailableError):
        validator.subject(issuer.mint("u-1"))
