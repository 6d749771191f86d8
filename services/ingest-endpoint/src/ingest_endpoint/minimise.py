"""What leaves the door: stable ids, logon names of people, file names without their paths.

Kept: the logon name of the person concerned, the host's short name, file names. Dropped: full
paths (they hold other people's names and folder structure), command-line arguments, IP addresses.
"""

import ipaddress
import re


def host_of(computer: str) -> str:
    """Lower-case short host name (`EF-PC07.elmsfarm.local` → `ef-pc07`); IP literals stay whole."""
    host = computer.strip().lower()
    if not (host[:1].isdigit() or ":" in host):
        return host.split(".", 1)[0]
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return host.split(".", 1)[0]
    return host


def _strip_arguments(command: str) -> str:
    """The program of a command line: quoted path, or everything up to the first `.ext ` boundary."""
    text = command.strip()
    if text.startswith('"'):
        end = text.find('"', 1)
        return text[1:end] if end > 0 else text[1:]
    match = re.match(r"^(.*?\.(?:exe|sys|dll|com|bat|cmd|ps1|scr|msi))(?:\s|$)", text, re.IGNORECASE)
    if match:
        return match.group(1)
    return text.split(" ", 1)[0]


def file_name_of(path_or_command: str) -> str:
    """File name only: directories and any command-line arguments are cut at the door."""
    program = _strip_arguments(path_or_command)
    return re.split(r"[\\/]", program)[-1].strip()


def defender_file_name(resources: str) -> str:
    """Defender's `Path`: `file:_C:\\Users\\x\\evil.exe; process:_pid:42,...` → `evil.exe`.

    The first `file:_` resource wins over containers, processes and web origins; archive members
    (`a.zip->(Zip)evil.exe`) keep the innermost name only.
    """
    listed = [part.strip() for part in resources.split(";") if part.strip()]
    files = [part for part in listed if part.lower().startswith("file:_")]
    first = (files or listed or [""])[0]
    kind, sep, value = first.partition(":_")
    if not sep:
        value = kind
    inner = value.rsplit("->", 1)[-1]
    inner = re.sub(r"^\([^)]*\)", "", inner)
    return file_name_of(f'"{inner}"') if " " in inner else file_name_of(inner)
