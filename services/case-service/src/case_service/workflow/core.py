"""What every workflow shares: commands, changes, events, tasks, steps and the guard refusal."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import ClassVar, Generic, ParamSpec, TypeAlias, TypeVar

from case_service.workflow.serial import Serialisable

JsonValue: TypeAlias = str | int | bool | tuple[str, ...] | None
Details: TypeAlias = Mapping[str, JsonValue]

P = ParamSpec("P")
S = TypeVar("S")
E = TypeVar("E", bound=StrEnum)


class Track(StrEnum):
    TRIAGE = "triage"
    DISCIPLINARY = "disciplinary"
    GRIEVANCE = "grievance"
    SAFEGUARDING = "safeguarding"
    ACCESS = "access"


class GuardRefused(Exception):  # noqa: N818 - the name the API and its callers use
    """A command the workflow will not take, with a reason a case worker can act on.

    `guard` names the rule that refused (stable, for the API's error code and for tests);
    `reason` is the plain-English sentence to show; `command` the command's name.
    """

    def __init__(self, guard: str, reason: str, command: str = "") -> None:
        super().__init__(reason)
        self.guard = guard
        self.reason = reason
        self.command = command

    def __str__(self) -> str:
        return self.reason


def ensure(guard: Callable[P, str | None], /, *args: P.args, **kwargs: P.kwargs) -> None:
    """Run one guard; when it returns a reason, refuse with the guard's name and that reason."""
    reason = guard(*args, **kwargs)
    if reason is not None:
        raise GuardRefused(guard.__name__, reason)


def person_named(person: str | None, role: str) -> str | None:
    if person is None or not person.strip():
        return f"Name the {role}: every step records the person who took it."
    return None


def text_given(text: str | None, what: str) -> str | None:
    if text is None or not text.strip():
        return f"Give {what}."
    return None


def time_zone_given(at: datetime, what: str) -> str | None:
    if at.tzinfo is None or at.utcoffset() is None:
        return f"Give {what} with its time zone."
    return None


@dataclass(frozen=True, kw_only=True)
class Command:
    """A person's request to move a case on. `actor` is the id of that person (from their token)."""

    name: ClassVar[str] = "command"
    title: ClassVar[str] = "Command"
    actor: str


@dataclass(frozen=True)
class Change:
    """What a transition did, before the case stamps it with who, when and a sequence number."""

    kind: str
    details: Details = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class Event(Serialisable):
    """One immutable line of a case's timeline: what happened, who did it, when, with details."""

    seq: int
    case_id: str
    track: Track
    kind: str
    actor: str
    at: datetime
    details: Details = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "details", MappingProxyType(dict(self.details)))


@dataclass(frozen=True, kw_only=True)
class Task(Serialisable):
    """Something a person must do by `due` (a queue shows it as overdue after that)."""

    key: str
    track: Track
    title: str
    due: datetime
    opened_at: datetime

    def is_overdue(self, now: datetime) -> bool:
        return now > self.due


@dataclass(frozen=True)
class Step(Generic[S]):
    """A track's answer to one command: its new state, what changed, tasks opened and closed."""

    state: S
    changes: tuple[Change, ...] = ()
    open_tasks: tuple[Task, ...] = ()
    close_tasks: tuple[str, ...] = ()


def allowed_at_stage(
    stage: E,
    command: Command,
    table: Mapping[E, tuple[type[Command], ...]],
    what: str,
    offered: Sequence[type[Command]],
) -> str | None:
    """The transition table's own guard: is this kind of command possible at the current stage?

    `offered` is what the track's `allowed` offers now, named in the reason as the next steps.
    """
    if type(command) in table.get(stage, ()):
        return None
    stage_name = stage.value.replace("_", " ")
    if not offered:
        return f"‘{command.title}’ is not possible: the {what} is at the stage ‘{stage_name}’, the last one."
    return (
        f"‘{command.title}’ is not possible while the {what} is at the stage ‘{stage_name}’. "
        f"Possible next steps: {next_steps(offered)}."
    )


def next_steps(kinds: Sequence[type[Command]]) -> str:
    """`appoint the investigating officer; add evidence` — command titles as a sentence's tail."""
    return "; ".join(kind.title[:1].lower() + kind.title[1:] for kind in kinds) or "none"
