"""Adapters that hand one rendered alert to its channel: aiosmtplib for e-mail, httpx for webhooks.

A send returns only once the server accepted (SMTP 250 after DATA; HTTP 2xx). Failures raise
`SendError`; `permanent` says retrying cannot help (SMTP 5xx, HTTP 4xx other than 408/429, a
webhook no longer configured), otherwise the outbox retries with back-off.
"""

import ssl
import time
from collections.abc import Sequence

import aiosmtplib
import httpx

from alerter.channels.email_template import compose_bundle_email
from alerter.channels.webhook_templates import bundle_request
from alerter.config import TrustConfig
from alerter.domain.content import AlertContent
from alerter.domain.routing import EMAIL
from alerter.settings import AlerterSettings


class SendError(Exception):
    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


class Channels:
    def __init__(self, settings: AlerterSettings, config: TrustConfig, http: httpx.AsyncClient) -> None:
        self._settings = settings
        self._config = config
        self._http = http
        self._tls: ssl.SSLContext | None = None
        if settings.smtp_ca_file is not None:
            self._tls = ssl.create_default_context(cafile=str(settings.smtp_ca_file))

    async def send(self, channel: str, destination: str, contents: Sequence[AlertContent]) -> None:
        """One message holding `contents` (one alert, or a bundle of them)."""
        if channel == EMAIL:
            await self._email(destination, contents)
        else:
            await self._webhook(channel, destination, contents)

    async def _email(self, to: str, contents: Sequence[AlertContent]) -> None:
        settings = self._settings
        message = compose_bundle_email(contents, to, settings.sender)
        try:
            _refused, _response = await aiosmtplib.send(
                message,
                hostname=settings.smtp_host,
                port=settings.smtp_port,
                use_tls=settings.smtp_tls,
                start_tls=settings.smtp_starttls,
                validate_certs=settings.smtp_validate_certs,
                tls_context=self._tls,
                username=settings.smtp_username,
                password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
                timeout=settings.smtp_timeout_s,
            )
        except aiosmtplib.SMTPRecipientsRefused as error:
            codes = [refusal.code for refusal in error.recipients]
            raise SendError(
                f"recipient refused ({codes})", permanent=all(code >= 500 for code in codes)
            ) from None
        except aiosmtplib.SMTPResponseException as error:
            # 5xx to the message itself is final; authentication (535) and other 5xx to the
            # session are configuration problems: retried, and the destination shows as failing.
            permanent = error.code >= 500 and isinstance(
                error, aiosmtplib.SMTPDataError | aiosmtplib.SMTPSenderRefused
            )
            raise SendError(f"SMTP {error.code} {error.message}", permanent=permanent) from None
        except (aiosmtplib.SMTPException, OSError) as error:
            raise SendError(f"SMTP unreachable: {type(error).__name__}: {error}", permanent=False) from None

    async def _webhook(self, kind: str, name: str, contents: Sequence[AlertContent]) -> None:
        hook = self._config.webhook(name)
        if hook is None or hook.kind != kind:
            raise SendError(f"webhook {name!r} ({kind}) is no longer configured", permanent=True)
        secret = self._settings.webhook_secret(name) if kind == "signed" else None
        if kind == "signed" and not secret:
            raise SendError(
                f"no secret for signed webhook {name!r} (ALERTER_WEBHOOK_SECRETS)", permanent=False
            )
        body, headers = bundle_request(kind, contents, secret, str(int(time.time())))
        try:
            response = await self._http.post(
                hook.url, content=body, headers=headers, timeout=self._settings.webhook_timeout_s
            )
        except httpx.HTTPError as error:
            raise SendError(
                f"webhook unreachable: {type(error).__name__}: {error}", permanent=False
            ) from None
        if response.is_success:
            return
        code = response.status_code
        permanent = 400 <= code < 500 and code not in (408, 425, 429)
        raise SendError(f"webhook answered HTTP {code}", permanent=permanent)
