"""Authentication (OIDC bearer tokens validated against a JWKS) and authorization (OPA,
policies-rego/authz). Framework-free pieces: `subject`, `claims`, `settings`, `tokens`; adapters:
`authorizer` (OPA over httpx), `dependencies` (FastAPI), `dev_issuer` (local issuer, dev and tests).
"""

from case_service.auth.authorizer import (
    Action,
    AuthorizationUnavailableError,
    Authorizer,
    Decision,
    ForbiddenError,
    NotVisibleError,
    Resource,
    Scope,
    effective_owner,
)
from case_service.auth.dependencies import Authenticator, requires
from case_service.auth.settings import AuthSettings, ClaimMapping, GroupGrant
from case_service.auth.subject import ROLES, Role, Subject
from case_service.auth.tokens import KeysUnavailableError, TokenError, TokenValidator

__all__ = [
    "ROLES",
    "Action",
    "AuthSettings",
    "Authenticator",
    "AuthorizationUnavailableError",
    "Authorizer",
    "ClaimMapping",
    "Decision",
    "ForbiddenError",
    "GroupGrant",
    "KeysUnavailableError",
    "NotVisibleError",
    "Resource",
    "Role",
    "Scope",
    "Subject",
    "TokenError",
    "TokenValidator",
    "effective_owner",
    "requires",
]
