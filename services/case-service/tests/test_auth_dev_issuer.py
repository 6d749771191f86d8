"""The local OIDC issuer: its key file, discovery document, JWKS, the token command, and that what it
mints validates against what it serves."""

import json
import stat
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from case_service.auth.dev_issuer import DevIssuer, dev_issuer_app, jwk_thumbprint, main
from case_service.auth.settings import DEV_AUDIENCE, DEV_ISSUER, ClaimMapping
from case_service.auth.tokens import StaticKeys, TokenValidator


def validator_for(issuer: DevIssuer) -> TokenValidator:
    return TokenValidator(
        issuer=issuer.issuer,
        audience=issuer.audience,
        algorithms=["RS256"],
        keys=StaticKeys(issuer.jwks()),
        claims=ClaimMapping(),
    )


def test_thumbprint_is_rfc_7638() -> None:
    """The example key of RFC 7638 §3.1 and its published thumbprint."""
    jwk = {
        "kty": "RSA",
        "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECP"
        "ebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY"
        "368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0f"
        "M4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
        "e": "AQAB",
        "alg": "RS256",
        "kid": "2011-04-29",
    }
    assert jwk_thumbprint(jwk) == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"


def test_key_file_is_created_private_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "dev-oidc" / "signing-key.pem"
    first = DevIssuer.from_key_file(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = DevIssuer.from_key_file(path)
    assert again.kid == first.kid
    assert validator_for(again).subject(first.mint("u-1", ["hr"])).id == "u-1"
    assert DevIssuer.from_key_file(tmp_path / "other.pem").kid != first.kid
    assert list((tmp_path / "dev-oidc").iterdir()) == [path]  # no temporary file left behind


def test_a_key_file_that_is_not_rsa_is_refused(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    path = tmp_path / "ec.pem"
    path.write_bytes(
        ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    with pytest.raises(ValueError, match="RSA"):
        DevIssuer.from_key_file(path)


def test_serves_discovery_and_jwks() -> None:
    issuer = DevIssuer.generate("http://127.0.0.1:18390/")
    client = TestClient(dev_issuer_app(issuer))
    discovery = client.get("/.well-known/openid-configuration").json()
    assert discovery["issuer"] == "http://127.0.0.1:18390"
    assert discovery["jwks_uri"] == "http://127.0.0.1:18390/jwks.json"
    (key,) = client.get("/jwks.json").json()["keys"]
    assert (key["kty"], key["use"], key["alg"], key["kid"]) == ("RSA", "sig", "RS256", issuer.kid)
    assert not {"d", "p", "q"} & key.keys()  # the public half only
    token = issuer.mint("u-1", ["dsl"], ["st-peters"])
    served = TokenValidator(
        issuer=discovery["issuer"],
        audience=DEV_AUDIENCE,
        algorithms=["RS256"],
        keys=StaticKeys(client.get("/jwks.json").json()),
        claims=ClaimMapping(),
    )
    assert served.subject(token).schools == {"st-peters"}


def test_mint_overrides_and_removes_claims() -> None:
    issuer = DevIssuer.generate()
    token = issuer.mint(
        "u-1", claims={"aud": "other", "nbf": None, "groups": ["g"]}, headers={"typ": "at+jwt"}
    )
    import jwt

    assert jwt.get_unverified_header(token)["typ"] == "at+jwt"
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["aud"] == "other"
    assert "nbf" not in claims
    assert claims["groups"] == ["g"]


def test_token_command_mints_what_the_service_accepts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = tmp_path / "key.pem"
    assert (
        main(
            [
                "--key-file",
                str(key),
                "token",
                "--role",
                "hr",
                "--school",
                "elms-farm",
                "--school",
                "st-peters",
            ]
        )
        == 0
    )
    token = capsys.readouterr().out.strip()
    issuer = DevIssuer.from_key_file(key)
    subject = validator_for(issuer).subject(token)
    assert subject.id == "dev-hr"
    assert subject.roles == {"hr"}
    assert subject.schools == {"elms-farm", "st-peters"}
    assert issuer.issuer == DEV_ISSUER


def test_token_command_takes_extra_claims(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key = tmp_path / "key.pem"
    argv = [
        "--key-file",
        str(key),
        "token",
        "--subject",
        "u-5",
        "--claim",
        'groups=["g1"]',
        "--claim",
        "tid=t-1",
    ]
    assert main(argv) == 0
    claims = validator_for(DevIssuer.from_key_file(key)).claims(capsys.readouterr().out.strip())
    assert (claims["sub"], claims["groups"], claims["tid"], claims["roles"]) == ("u-5", ["g1"], "t-1", [])
    with pytest.raises(SystemExit):
        main(["--key-file", str(key), "token", "--claim", "no-equals-sign"])


def test_jwks_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key = tmp_path / "key.pem"
    assert main(["--key-file", str(key), "jwks"]) == 0
    assert json.loads(capsys.readouterr().out) == DevIssuer.from_key_file(key).jwks()
