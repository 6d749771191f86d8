"""`GET /ack/{alert_id}?sig=…`: the e-mail's acknowledgement link. Signed with `ALERTER_LINK_KEY`,
single use (a second click answers "already acknowledged", 410), every attempt audited."""

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


def ack_router(sessions: SessionMaker, link_key: bytes, clock: Clock) -> APIRouter:
    router = APIRouter()

    @router.get("/ack/{alert_id}", response_class=HTMLResponse)
    async def acknowledge_by_link(alert_id: str, sig: str = "") -> HTMLResponse:
        now = clock()
        async with sessions() as session, session.begin():
            if not valid_signature(link_key, alert_id, sig):
                acks.audit(session, alert_id, "link", "link", acks.BAD_SIGNATURE, now)
                outcome = acks.BAD_SIGNATURE
            else:
                alert = await acks.load_for_update(session, alert_id)
                outcome = await acks.acknowledge(session, alert, alert_id, "link", "link", now)
        status, text = PAGES[outcome]
        return HTMLResponse(
            f"<!doctype html><title>Invigilator</title><p>{text}</p>",
            status_code=status,
            headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
        )

    return router
