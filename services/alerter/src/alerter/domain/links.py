"""Signed acknowledgement links: `GET /ack/{alert_id}?sig=<hex HMAC-SHA256(key, alert_id)>`.

The link works once: the alert is then acknowledged and a second use is answered "already
acknowledged" (and audited). The key is `ALERTER_LINK_KEY`; changing it invalidates every link.
"""

import hashlib
import hmac

PURPOSE = b"invigilator-alert-ack\x1f"


def link_signature(key: bytes, alert_id: str) -> str:
    return hmac.new(key, PURPOSE + alert_id.encode(), hashlib.sha256).hexdigest()


def valid_signature(key: bytes, alert_id: str, signature: str) -> bool:
    return hmac.compare_digest(link_signature(key, alert_id), signature)


def ack_link(public_url: str, key: bytes, alert_id: str) -> str:
    return f"{public_url.rstrip('/')}/ack/{alert_id}?sig={link_signature(key, alert_id)}"
