"""A local OIDC issuer for dev and tests: one RSA key, its discovery document and JWKS, and tokens
minted for any subject, roles and schools. Never trusted in production (the settings demand an https
issuer there).

    python -m case_service.auth.dev_issuer serve                       # http://127.0.0.1:18390
    python -m case_service.auth.dev_issuer token --role hr --school elms-farm
    python -m case_service.auth.dev_issuer jwks

Run from the repository root: the key lives in .local/dev-oidc/signing-key.pem (git-ignored), shared
by `serve` and `token`, so a minted token verifies against the served JWKS. In dev the case service
trusts http://127.0.0.1:18390 (CASE_SERVICE_AUTH_ISSUER / _JWKS_URL). `dev_issuer_router` serves the
same two documents from inside another FastAPI app.
"""

import argparse
import base64
import contextlib
import hashlib
import json
import os
import sys
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import APIRouter, FastAPI
from jwt.algorithms import RSAAlgorithm

from case_service.auth.settings import DEV_AUDIENCE, DEV_ISSUER

DEFAULT_KEY_FILE = Path(".local/dev-oidc/signing-key.pem")
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 18390
ALGORITHM = "RS256"
KEY_BITS = 2048


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def jwk_thumbprint(jwk: Mapping[str, Any]) -> str:
    """RFC 7638 thumbprint of an RSA public JWK: a key id that changes exactly when the key does."""
    members = {name: jwk[name] for name in ("e", "kty", "n")}
    canonical = json.dumps(members, separators=(",", ":"), sort_keys=True)
    return _b64url(hashlib.sha256(canonical.encode()).digest())


def _load_or_create_key(path: Path) -> rsa.RSAPrivateKey:
    """The key in `path`, created (mode 0600) when absent. Concurrent first runs agree on one key:
    the file appears whole, by a hard link that fails if another process linked first."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(pem)
            with contextlib.suppress(FileExistsError):  # another process won the race: use its key
                os.link(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError(f"{path} does not hold an RSA private key")
    return key


class DevIssuer:
    def __init__(
        self, key: rsa.RSAPrivateKey, issuer: str = DEV_ISSUER, audience: str = DEV_AUDIENCE
    ) -> None:
        self.issuer = issuer.rstrip("/")
        self.audience = audience
        self._key = key
        public: dict[str, Any] = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
        self.kid = jwk_thumbprint(public)
        self._jwk = {**public, "kid": self.kid, "use": "sig", "alg": ALGORITHM}

    @classmethod
    def generate(cls, issuer: str = DEV_ISSUER, audience: str = DEV_AUDIENCE) -> "DevIssuer":
        return cls(rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS), issuer, audience)

    @classmethod
    def from_key_file(
        cls, path: Path = DEFAULT_KEY_FILE, issuer: str = DEV_ISSUER, audience: str = DEV_AUDIENCE
    ) -> "DevIssuer":
        return cls(_load_or_create_key(path), issuer, audience)

    @property
    def jwks_uri(self) -> str:
        return f"{self.issuer}/jwks.json"

    def jwks(self) -> dict[str, Any]:
        return {"keys": [dict(self._jwk)]}

    def openid_configuration(self) -> dict[str, Any]:
        """Discovery, limited to what this issuer does: it signs tokens and publishes its key. There
        is no login: tokens come from `mint` (the `token` command)."""
        return {
            "issuer": self.issuer,
            "jwks_uri": self.jwks_uri,
            "id_token_signing_alg_values_supported": [ALGORITHM],
            "token_endpoint_auth_signing_alg_values_supported": [ALGORITHM],
            "subject_types_supported": ["public"],
            "response_types_supported": ["token"],
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "nbf", "jti", "roles", "schools"],
        }

    def mint(
        self,
        subject: str,
        roles: Iterable[str] = (),
        schools: Iterable[str] = (),
        *,
        ttl_s: int = 3600,
        now: int | None = None,
        claims: Mapping[str, Any] | None = None,
        headers: Mapping[str, Any] | None = None,
    ) -> str:
        """A signed token. `claims` add to or override the standard ones (a None value removes the
        claim) and `headers` the JOSE header: tests use them to mint wrong tokens on purpose."""
        issued = int(time.time()) if now is None else now
        payload: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": subject,
            "iat": issued,
            "nbf": issued,
            "exp": issued + ttl_s,
            "jti": uuid.uuid4().hex,
            "roles": sorted(roles),
            "schools": sorted(schools),
        }
        for name, value in (claims or {}).items():
            if value is None:
                payload.pop(name, None)
            else:
                payload[name] = value
        header = {"kid": self.kid, **(headers or {})}
        return jwt.encode(payload, self._key, algorithm=ALGORITHM, headers=header)


def dev_issuer_router(issuer: DevIssuer) -> APIRouter:
    """GET /.well-known/openid-configuration and GET /jwks.json. Mount it where `issuer.issuer`
    points (dev only)."""
    router = APIRouter(tags=["dev OIDC issuer"])

    @router.get("/.well-known/openid-configuration")
    async def openid_configuration() -> dict[str, Any]:
        return issuer.openid_configuration()

    @router.get("/jwks.json")
    async def jwks() -> dict[str, Any]:
        return issuer.jwks()

    return router


def dev_issuer_app(issuer: DevIssuer) -> FastAPI:
    from case_service.auth.dev_login import dev_login_router  # imports this module

    app = FastAPI(title="invigilator dev OIDC issuer")
    app.include_router(dev_login_router(issuer))  # first: its discovery document names the login
    app.include_router(dev_issuer_router(issuer))
    return app


def _claim(text: str) -> tuple[str, Any]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=JSON, got {text!r}")
    try:
        return name, json.loads(value)
    except json.JSONDecodeError:
        return name, value  # a bare string


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m case_service.auth.dev_issuer", description="Local OIDC issuer for dev and tests."
    )
    parser.add_argument("--key-file", type=Path, default=DEFAULT_KEY_FILE, help="created when absent")
    parser.add_argument("--audience", default=DEV_AUDIENCE)
    commands = parser.add_subparsers(dest="command", required=True)

    token = commands.add_parser("token", help="print a signed token")
    token.add_argument("--issuer", default=DEV_ISSUER)
    token.add_argument("--role", action="append", default=[], help="repeat for several roles")
    token.add_argument("--school", action="append", default=[], help="repeat for several schools")
    token.add_argument("--subject", help="the sub claim (default: dev-<roles>)")
    token.add_argument("--ttl", type=int, default=3600, help="seconds (default 3600)")
    token.add_argument(
        "--claim",
        action="append",
        type=_claim,
        default=[],
        metavar="NAME=JSON",
        help="add or override a claim",
    )

    serve = commands.add_parser("serve", help="serve the discovery document and JWKS")
    serve.add_argument("--host", default=DEFAULT_HOST)
    serve.add_argument("--port", type=int, default=DEFAULT_PORT)
    serve.add_argument("--issuer", help="default: http://HOST:PORT")

    jwks = commands.add_parser("jwks", help="print the JWKS")
    jwks.add_argument("--issuer", default=DEV_ISSUER)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "serve":
        import uvicorn  # only this command needs a server

        issuer_url = args.issuer or f"http://{args.host}:{args.port}"
        issuer = DevIssuer.from_key_file(args.key_file, issuer_url, args.audience)
        print(f"dev OIDC issuer {issuer.issuer}, kid {issuer.kid}, aud {issuer.audience}", file=sys.stderr)
        uvicorn.run(dev_issuer_app(issuer), host=args.host, port=args.port, log_level="warning")
        return 0
    issuer = DevIssuer.from_key_file(args.key_file, args.issuer, args.audience)
    if args.command == "jwks":
        print(json.dumps(issuer.jwks(), indent=2))
        return 0
    subject = args.subject or "dev-" + ("-".join(sorted(args.role)) or "nobody")
    print(issuer.mint(subject, args.role, args.school, ttl_s=args.ttl, claims=dict(args.claim)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
