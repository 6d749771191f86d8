"""Software installed or run (SW-UNAUTHORISED) and Defender detections (MALWARE-DETECTED).

Only names are kept: service image paths, AppLocker paths and Defender resources are cut to the
file name, and any command-line arguments go with the path.
"""

import re

from ingest_endpoint.minimise import defender_file_name, file_name_of
from ingest_endpoint.record import WinEvent, WinlogError
from invigilator.events.v1 import events_pb2
from svckit.ingest import person

_MSI_COMPLETED = re.compile(r"Product:\s*(?P<name>.+?)\s+--\s+(?P<outcome>.+)", re.DOTALL)
_MSI_INSTALLED = re.compile(
    r"Product Name:\s*(?P<name>.*?)\.\s+Product Version:\s*(?P<version>.*?)\.\s+"
    r"Product Language:\s*.*?\.\s+Manufacturer:\s*(?P<publisher>.*?)\.\s+"
    r"Installation success or error status:\s*(?P<status>\d+)",
    re.DOTALL,
)
_ORGANISATION = re.compile(r"(?:^|,)\s*O=(?P<org>.+?)(?:,\s*(?:L|S|C|OU|CN)=|$)")


def msi_completed(ev: WinEvent, out: events_pb2.EndpointEvent) -> str:
    """11707 "Product: X -- Installation completed successfully." (message or param1)."""
    text = ev.get("param1") or ev.message
    match = _MSI_COMPLETED.search(text)
    if not match:
        raise WinlogError("MsiInstaller 11707 without a 'Product: … -- …' message")
    out.software.name = match.group("name").strip()
    return person(ev.user)


def msi_installed(ev: WinEvent, out: events_pb2.EndpointEvent) -> str:
    """1033: named parts in param1..param5, or the sentence in the message."""
    name = ev.get("ProductName", 1)
    if name:
        version, publisher, status = ev.get("ProductVersion", 2), ev.get("Manufacturer", 4), ev.get("param5")
    else:
        match = _MSI_INSTALLED.search(ev.message)
        if not match:
            raise WinlogError("MsiInstaller 1033 without product name (no param1, message not recognised)")
        name, version = match.group("name").strip(), match.group("version").strip()
        publisher, status = match.group("publisher").strip(), match.group("status")
    out.software.name = name
    out.software.version = version
    out.software.publisher = publisher
    if status and status != "0":
        out.failure = True
        out.status = status
    return person(ev.user)


def service_installed(ev: WinEvent, out: events_pb2.EndpointEvent) -> str:
    """4697 (Security: SubjectUserName, ServiceFileName) and 7045 (SCM: ImagePath, logged-on user)."""
    name = ev.get("ServiceName", 1)
    if not name:
        raise WinlogError(f"service event {ev.event_id} has no ServiceName")
    out.software.name = name
    out.software.file_name = file_name_of(ev.get("ServiceFileName") or ev.get("ImagePath", 2))
    if ev.event_id == 4697:
        subject = person(ev.get("SubjectUserName"), ev.get("SubjectDomainName"))
        out.subject_account = subject
        return subject
    return person(ev.user)


def applocker(ev: WinEvent, out: events_pb2.EndpointEvent) -> str:
    """8003 (would have been blocked, audit mode) and 8004 (blocked)."""
    path = ev.get("FullFilePath") or ev.get("FilePath")
    if not path:
        raise WinlogError(f"AppLocker {ev.event_id} has no FilePath")
    file_name = file_name_of(path)
    out.software.file_name = file_name
    out.software.name = file_name
    # Fqbn: "O=GOOGLE LLC, L=…, C=US\GOOGLE CHROME\CHROME.EXE\89.0.4389.82" when the file is signed.
    fqbn = ev.get("Fqbn").split("\\")
    if len(fqbn) == 4:
        organisation = _ORGANISATION.search(fqbn[0])
        out.software.publisher = organisation.group("org").strip() if organisation else ""
        out.software.name = fqbn[1] or file_name
        out.software.version = fqbn[3]
    out.status = ev.get("PolicyName")
    if ev.event_id == 8004:
        out.failure = True
    return person(ev.user) or person(ev.get("TargetUser"))


def defender(ev: WinEvent, out: events_pb2.EndpointEvent) -> str:
    """1116 (detected) / 1117 (action taken): keys with spaces; the resource path is cut."""
    name = ev.get("Threat Name")
    if not name:
        raise WinlogError(f"Defender {ev.event_id} has no 'Threat Name'")
    out.threat.name = name
    out.threat.severity = ev.get("Severity Name")
    out.threat.category = ev.get("Category Name")
    out.threat.file_name = defender_file_name(ev.get("Path"))
    out.threat.action = ev.get("Action Name")
    return person(ev.get("Detection User")) or person(ev.user)
