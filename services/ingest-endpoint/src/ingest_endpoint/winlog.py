"""A generic Windows event (whatever shipper sent it) → the `EndpointEvent` Invigilator keeps.

`ecs.py` and `nxlog.py` only find the fields; every decision about meaning and minimisation is
here and in `software.py`/`devices.py`. Event ids are only meaningful with their provider (400 is
Kernel-PnP's "device configured" but also PowerShell's "engine started"), so each monitored id
names the provider it must come from. Anything else is refused with a reason, never dropped.

The person (`Event.account`) is whoever's conduct the event records: TargetUserName for logons,
logoffs and lock/unlock; SubjectUserName for 4648 (the explicit credentials are the target), for
share access and for 4697; the logged-on user for installs, AppLocker and Defender detections.
Machine accounts and built-in principals are never people.
"""

from collections.abc import Callable

from ingest_endpoint import software
from ingest_endpoint.devices import class_of, parse_device_id
from ingest_endpoint.minimise import host_of
from ingest_endpoint.record import WinEvent, WinlogError
from invigilator.events.v1 import events_pb2
from svckit.ingest import person
from svckit.winevent import envelope, uint

SECURITY = "security-auditing"


Handler = Callable[[WinEvent, events_pb2.EndpointEvent], str]


def _logon(ev: WinEvent, out: events_pb2.EndpointEvent) -> str:
    target = person(ev.get("TargetUserName"), ev.get("TargetDomainName"))
    out.target_account = target
    out.subject_account = person(ev.get("SubjectUserName"), ev.get("SubjectDomainName"))
    out.logon_id = ev.get("TargetLogonId")
    out.logon_type = uint(ev.get("LogonType"), "LogonType", 0xFF)
    if ev.event_id == 4625:
        out.failure = True
        sub = ev.get("SubStatus")
        status = sub if sub and sub.lower() not in {"0x0", "0"} else ev.get("Status")
        out.status = "0x" + status[2:].upper() if status.lower().startswith("0x") else status
    return target


def _explicit_credentials(ev: WinEvent, out: events_pb2.EndpointEvent) -> str:
    subject = person(ev.get("SubjectUserName"), ev.get("SubjectDomainName"))
    out.subject_account = subject
    out.target_account = person(ev.get("TargetUserName"), ev.get("TargetDomainName"))
    out.logon_id = ev.get("SubjectLogonId")
    out.target_host = host_of(ev.get("TargetServerName"))
    return subject


def _session(ev: WinEvent, out: events_pb2.EndpointEvent) -> str:
    target = person(ev.get("TargetUserName"), ev.get("TargetDomainName"))
    out.target_account = target
    out.logon_id = ev.get("TargetLogonId")
    return target


def _share(ev: WinEvent, out: events_pb2.EndpointEvent) -> str:
    subject = person(ev.get("SubjectUserName"), ev.get("SubjectDomainName"))
    out.subject_account = subject
    out.logon_id = ev.get("SubjectLogonId")
    share = ev.get("ShareName")
    out.share.share_name = share[4:] if share.startswith("\\\\*\\") else share
    out.share.relative_target = ev.get("RelativeTargetName")
    return subject


def _new_device(ev: WinEvent, out: events_pb2.EndpointEvent) -> str:
    instance = ev.get("DeviceId")
    _device(out, instance, ev.get("ClassName"), ev.get("ClassId"))
    out.device.description = ev.get("DeviceDescription")
    subject = person(ev.get("SubjectUserName"), ev.get("SubjectDomainName"))
    out.subject_account = subject
    return subject


def _pnp(ev: WinEvent, out: events_pb2.EndpointEvent) -> str:
    _device(out, ev.get("DeviceInstanceId"), ev.get("Class"), ev.get("ClassGuid"))
    return ""


def _umdf(ev: WinEvent, out: events_pb2.EndpointEvent) -> str:
    _device(out, ev.get("InstanceId") or ev.get("instance"), "", "")
    return ""


def _device(out: events_pb2.EndpointEvent, instance: str, class_name: str, class_guid: str) -> None:
    if not instance:
        raise WinlogError("device event has no device instance id")
    parsed = parse_device_id(instance)
    out.device.device_class = class_of(class_name, class_guid, instance)
    out.device.vendor_id = parsed.vendor_id
    out.device.product_id = parsed.product_id
    out.device.serial = parsed.serial


def _handlers() -> dict[int, tuple[str, Handler]]:
    logons: dict[int, tuple[str, Handler]] = {n: (SECURITY, _logon) for n in (4624, 4625, 4634, 4647)}
    sessions: dict[int, tuple[str, Handler]] = {n: (SECURITY, _session) for n in (4800, 4801, 4802, 4803)}
    return {
        **logons,
        **sessions,
        4648: (SECURITY, _explicit_credentials),
        5140: (SECURITY, _share),
        5145: (SECURITY, _share),
        6416: (SECURITY, _new_device),
        400: ("kernel-pnp", _pnp),
        410: ("kernel-pnp", _pnp),
        2003: ("driverframeworks-usermode", _umdf),
        11707: ("msiinstaller", software.msi_completed),
        1033: ("msiinstaller", software.msi_installed),
        4697: (SECURITY, software.service_installed),
        7045: ("service control manager", software.service_installed),
        8003: ("applocker", software.applocker),
        8004: ("applocker", software.applocker),
        1116: ("windows defender", software.defender),
        1117: ("windows defender", software.defender),
    }


_HANDLERS = _handlers()


def normalise(ev: WinEvent) -> tuple[str, events_pb2.EndpointEvent]:
    """(the person's logon name or "", the minimised EndpointEvent); WinlogError when not monitored."""
    entry = _HANDLERS.get(ev.event_id)
    if entry is None:
        raise WinlogError(f"event id {ev.event_id} not monitored")
    expected, handler = entry
    provider = ev.provider
    haystack = f"{provider} {ev.channel}".lower()
    # The Security channel is written by Security-Auditing alone.
    if expected not in haystack and not (expected == SECURITY and ev.channel.lower() == "security"):
        raise WinlogError(f"event id {ev.event_id} from provider {provider or '(none)'!r} not monitored")
    out = events_pb2.EndpointEvent(
        windows_event_id=ev.event_id, provider=provider, host=host_of(ev.computer), failure=ev.failure
    )
    account = handler(ev, out)
    return account, out


def to_event(ev: WinEvent, school_id: str, source: str, raw: str) -> events_pb2.Event:
    account, endpoint = normalise(ev)
    event = envelope(ev, school_id, source, raw, account)
    event.endpoint.CopyFrom(endpoint)
    return event
