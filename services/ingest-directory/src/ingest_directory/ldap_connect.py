"""Opening the LDAP connection the sync reads through: TLS, timeouts and a bind that fails loudly.

ldaps:// wraps the socket in TLS from the start; ldap:// upgrades with StartTLS before the bind
unless the settings (dev only) say otherwise. Certificates are always verified, against the
configured CA file or the system's trust store; the password never appears in an error.
"""

import contextlib
import ssl
from collections.abc import Callable

from ldap3 import (  # type: ignore[import-untyped]  # see ldap_sync.py: no stubs are locked
    NONE,
    Connection,
    Server,
    Tls,
)
from ldap3.core.exceptions import LDAPException  # type: ignore[import-untyped]

from ingest_directory.settings import IngestDirectorySettings

# Opens, secures and binds a connection; raises LdapConnectError (tests pass ldap3's mock instead).
Connect = Callable[[], Connection]


class LdapConnectError(Exception):
    """The directory cannot be reached, secured or bound to; the message says which and why."""


def _server(settings: IngestDirectorySettings, url: str) -> Server:
    ca_file = str(settings.ldap_ca_file) if settings.ldap_ca_file else None
    tls = Tls(validate=ssl.CERT_REQUIRED, ca_certs_file=ca_file)
    return Server(
        url,
        use_ssl=url.lower().startswith("ldaps://"),
        tls=tls,
        connect_timeout=settings.ldap_timeout_s,
        get_info=NONE,  # the schema is not needed: raw attribute values are read
    )


def connect(settings: IngestDirectorySettings) -> Connection:
    url, bind_dn, password = settings.ldap_url, settings.ldap_bind_dn, settings.ldap_password
    if not (url and bind_dn and password):
        raise LdapConnectError("LDAP sync is not configured (ldap_url, ldap_bind_dn, ldap_password)")
    connection = Connection(
        _server(settings, url),
        user=bind_dn,
        password=password.get_secret_value(),
        read_only=True,
        receive_timeout=settings.ldap_timeout_s,
        # A failed search must raise, not look like an empty directory.
        raise_exceptions=True,
    )
    step = f"connecting to {url}"
    try:
        connection.open()
        if url.lower().startswith("ldap://") and settings.ldap_start_tls:
            step = f"StartTLS with {url}"
            connection.start_tls()
        step = f"binding to {url} as {bind_dn}"
        bound = connection.bind()
    except LDAPException as error:
        problem = f"{step} failed: {type(error).__name__}: {error}"
    else:
        if bound:
            return connection
        problem = f"{step} refused: {connection.result.get('description')}"
    with contextlib.suppress(LDAPException):
        connection.unbind()
    raise LdapConnectError(problem)
