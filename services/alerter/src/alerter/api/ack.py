"""The e-mail's acknowledgement link: `/ack/{alert_id}?sig=…`, signed with `ALERTER_LINK_KEY`,
single use (a second use answers "already acknowledged", 410), every attempt audited.

Mail gateways fetch the links of incoming mail to scan them (Microsoft Defender Safe Links and
others). A GET that acknowledged would let such a scan acknowledge a safeguarding alert and stop
its escalation ladder. So by default (`ALERTER_ACK_CONFIRM`) the GET shows a page with one button,
and the POST it sends acknowledges; with the setting off, the GET itself acknowledges.
"""

from html import escape

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from alerter.db import acks
from alerter.db.engine import SessionMaker
from alerter.domain.links import valid_signature
from alerter.domain.timing import Clock

PAGES = {
    acks.ACKNOWLEDGED: (200, "Alert acknowledged. Thank you — its escalation has stopped."),
    acks.ALREADY: (410, "This alert was already acknowledged; the link works once."),
    acks.NOT_FOUND: (404, "No such alert."),
    acks.BAD_SIGNATURE: (403, "This link is not valid."),
}
HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"}


def _page(status: int, body: str) -> HTMLResponse:
    return HTMLResponse(
        f"<!doctype html><title>Invigilator</title>{body}", status_code=status, headers=HEADERS
    )


def ack_router(sessions: SessionMaker, link_key: bytes, clock: Clock, confirm: bool = True) -> APIRouter:
    router = APIRouter()

    async def acknowledge(alert_id: str, sig: str) -> HTMLResponse:
        now = clock()
        async with sessions() as session, session.begin():
            if not valid_signature(link_key, alert_id, sig):
                acks.audit(session, alert_id, "link", "link", acks.BAD_SIGNATURE, now)
                outcome = acks.BAD_SIGNATURE
            else:
                alert = await acks.load_for_update(session, alert_id)
                outcome = await acks.acknowledge(session, alert, alert_id, "link", "link", now)
        status, text = PAGES[outcome]
        return _page(status, f"<p>{text}</p>")

    @router.get("/ack/{alert_id}", response_class=HTMLResponse)
    async def open_link(alert_id: str, sig: str = "") -> HTMLResponse:
        if not confirm:
            return await acknowledge(alert_id, sig)
        if not valid_signature(link_key, alert_id, sig):
            return _page(403, f"<p>{PAGES[acks.BAD_SIGNATURE][1]}</p>")
        action = f"/ack/{escape(alert_id)}?sig={escape(sig)}"
        return _page(
            200,
            f'<form method="post" action="{action}"><p>Acknowledge this Invigilator alert? '
            "Its escalation stops.</p><button type=submit>Acknowledge</button></form>",
        )

    @router.post("/ack/{alert_id}", response_class=HTMLResponse)
    async def confirm_link(alert_id: str, sig: str = "") -> HTMLResponse:
        return await acknowledge(alert_id, sig)

    return router
