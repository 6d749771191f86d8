"""One GraphQL mutation per workflow command, generated from the command dataclasses.

For a command such as `AppointInvestigator(actor, investigator)` the schema gets

    input AppointInvestigatorInput { investigator: String! }
    appointInvestigator(caseId: ID!, input: AppointInvestigatorInput!, expectedVersion: Int):
        TransitionResult!

The input holds the command's fields except `actor` (the caller's token subject); a command
without fields (routeToDisciplinary) takes no input. The field types follow the dataclass: str,
bool, int, date, datetime, the workflow's str enums (as GraphQL enums), `tuple[X, ...]` as lists
and `X | None` as optional. Generating them keeps the API and the workflow from drifting apart: a
new command is a new mutation, and the SDL freshness test shows the change.
"""

import types
from collections.abc import Callable
from dataclasses import MISSING, fields
from datetime import date, datetime
from enum import Enum
from typing import Any, Union, get_args, get_origin, get_type_hints

import strawberry
from strawberry.types.base import StrawberryObjectDefinition

from case_service.graphql.transitions import TransitionResult, add_note, run_command
from case_service.graphql.types import Case, Info
from case_service.workflow import ALL_COMMANDS, Command

_ENUMS: dict[type[Enum], Any] = {}


def _graphql_type(tp: Any) -> Any:
    """The strawberry annotation for a command field's type."""
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        (inner,) = [arg for arg in get_args(tp) if arg is not type(None)]
        return _graphql_type(inner) | None
    if origin is tuple:
        return list[_graphql_type(get_args(tp)[0])]  # type: ignore[misc]
    if isinstance(tp, type) and issubclass(tp, Enum):
        if tp not in _ENUMS:
            _ENUMS[tp] = strawberry.enum(tp)
        return _ENUMS[tp]
    if tp in (str, bool, int, date, datetime):
        return tp
    raise TypeError(f"no GraphQL type for the command field type {tp!r}")


def _value(tp: Any, value: Any) -> Any:
    """A GraphQL input value as the command field wants it (lists become tuples)."""
    if value is None:
        return None
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        (inner,) = [arg for arg in get_args(tp) if arg is not type(None)]
        return _value(inner, value)
    if origin is tuple:
        return tuple(_value(get_args(tp)[0], item) for item in value)
    return value


def input_type(kind: type[Command]) -> type | None:
    """The strawberry input class of a command, or None when it has no field besides the actor."""
    hints = get_type_hints(kind)
    annotations: dict[str, Any] = {}
    namespace: dict[str, Any] = {}
    for f in fields(kind):
        if f.name == "actor":
            continue
        annotations[f.name] = _graphql_type(hints[f.name])
        if f.default is not MISSING:
            namespace[f.name] = list(f.default) if isinstance(f.default, tuple) else f.default
    if not annotations:
        return None
    namespace["__annotations__"] = annotations
    cls = type(f"{kind.__name__}Input", (), namespace)
    return strawberry.input(cls, description=f"{kind.title}.")


def _builder(kind: type[Command], given: Any) -> Callable[[str], Command]:
    hints = get_type_hints(kind)

    def build(actor: str) -> Command:
        values = {}
        if given is not None:
            for f in fields(kind):
                if f.name != "actor":
                    values[f.name] = _value(hints[f.name], getattr(given, f.name))
        return kind(actor=actor, **values)

    return build


def _resolver(kind: type[Command]) -> Callable[..., Any]:
    input_cls = input_type(kind)
    if input_cls is None:

        async def without_input(
            info: Info, case_id: strawberry.ID, expected_version: int | None = None
        ) -> TransitionResult:
            return await run_command(info.context, str(case_id), _builder(kind, None), expected_version)

        return without_input

    async def with_input(
        info: Info,
        case_id: strawberry.ID,
        input: Any,
        expected_version: int | None = None,
    ) -> TransitionResult:
        return await run_command(info.context, str(case_id), _builder(kind, input), expected_version)

    with_input.__annotations__["input"] = input_cls
    return with_input


async def resolve_add_note(info: Info, case_id: strawberry.ID, body: str) -> Case:
    return await add_note(info.context, str(case_id), body)


def workflow_mutation_type() -> type:
    """The `WorkflowMutation` type: one mutation per command kind, plus addNote."""
    namespace: dict[str, Any] = {
        kind.name: strawberry.mutation(
            resolver=_resolver(kind),
            description=f"{kind.title} (workflow command `{kind.name}`). Errors: NOT_FOUND, FORBIDDEN, "
            "GUARD_REFUSED (message = the reason), CONFLICT.",
        )
        for kind in ALL_COMMANDS
    }
    namespace["add_note"] = strawberry.mutation(
        resolver=resolve_add_note, description="A case worker's note on the case (audited)."
    )
    cls = strawberry.type(type("WorkflowMutation", (), namespace))
    assert isinstance(getattr(cls, "__strawberry_definition__", None), StrawberryObjectDefinition)
    return cls


WorkflowMutation = workflow_mutation_type()
