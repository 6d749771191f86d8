"""JSON for workflow states, events and tasks, driven by the dataclasses' own type hints.

The service keeps a case's workflow state in one JSONB column and its events in an append-only
table, so every record here round-trips: `load(cls, dump(x)) == x`. Supported field types are the
few the workflows use: str, int, bool, aware datetime (ISO 8601), date, str enums, `X | None`,
`tuple[X, ...]`, `frozenset[date]`, `Mapping[str, …]` and nested dataclasses. Anything else is a
programming error and raises `TypeError`; malformed stored data raises `ValueError`.
"""

import types
from collections.abc import Mapping
from dataclasses import MISSING, fields, is_dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any, Self, TypeAlias, Union, get_args, get_origin, get_type_hints

Json: TypeAlias = str | int | float | bool | list["Json"] | dict[str, "Json"] | None


def dump(value: object) -> Json:
    """`value` as plain JSON types (dict, list, str, int, bool, None)."""
    if isinstance(value, Enum):
        return dump(value.value)
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} cannot be stored: give it a time zone")
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: dump(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {str(key): dump(item) for key, item in value.items()}
    if isinstance(value, tuple | list):
        return [dump(item) for item in value]
    if isinstance(value, frozenset | set):
        return sorted((dump(item) for item in value), key=str)
    raise TypeError(f"cannot store a {type(value).__name__} in a workflow record")


def _load_union(options: tuple[Any, ...], data: object) -> Any:
    if data is None:
        if type(None) in options:
            return None
        raise ValueError("a value is required, found null")
    for option in options:
        if option is type(None):
            continue
        if isinstance(data, list) and get_origin(option) is tuple:
            return load(option, data)
        if not isinstance(data, list) and get_origin(option) is None and type(data) is option:
            return data
    for option in options:  # enums, dates and dataclasses stored as str or dict
        if option is not type(None) and get_origin(option) is None and option not in (str, int, bool):
            return load(option, data)
    raise ValueError(f"{data!r} matches none of {options}")


def _load_dataclass(cls: type[Any], data: object) -> Any:
    if not isinstance(data, Mapping):
        raise ValueError(f"{cls.__name__} needs an object, found {type(data).__name__}")
    hints = get_type_hints(cls)
    known = {f.name for f in fields(cls)}
    unknown = set(data) - known
    if unknown:
        raise ValueError(f"{cls.__name__} has no field(s) {', '.join(sorted(unknown))}")
    values: dict[str, Any] = {}
    for f in fields(cls):
        if f.name in data:
            values[f.name] = load(hints[f.name], data[f.name])
        elif f.default is MISSING and f.default_factory is MISSING:
            raise ValueError(f"{cls.__name__} needs field {f.name}")
    return cls(**values)


def load(tp: Any, data: object) -> Any:
    """Rebuild a value of type `tp` from what `dump` wrote."""
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        return _load_union(get_args(tp), data)
    if origin is tuple:
        if not isinstance(data, list):
            raise ValueError(f"expected a list, found {type(data).__name__}")
        (item_type, _ellipsis) = get_args(tp)
        return tuple(load(item_type, item) for item in data)
    if origin is frozenset:
        if not isinstance(data, list):
            raise ValueError(f"expected a list, found {type(data).__name__}")
        return frozenset(load(get_args(tp)[0], item) for item in data)
    if origin is Mapping or origin is dict:
        if not isinstance(data, Mapping):
            raise ValueError(f"expected an object, found {type(data).__name__}")
        value_type = get_args(tp)[1]
        return {str(key): load(value_type, item) for key, item in data.items()}
    if isinstance(tp, type) and is_dataclass(tp):
        return _load_dataclass(tp, data)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tp(data)
    if tp is datetime:
        if not isinstance(data, str):
            raise ValueError(f"expected an ISO 8601 time, found {data!r}")
        moment = datetime.fromisoformat(data)
        if moment.tzinfo is None:
            raise ValueError(f"stored time {data!r} has no time zone")
        return moment
    if tp is date:
        if not isinstance(data, str):
            raise ValueError(f"expected an ISO 8601 date, found {data!r}")
        return date.fromisoformat(data)
    if tp in (str, int, bool):
        if type(data) is not tp:
            raise ValueError(f"expected {tp.__name__}, found {data!r}")
        return data
    raise TypeError(f"cannot load type {tp!r}")


class Serialisable:
    """`to_dict` / `from_dict` for a frozen dataclass, driven by its type hints."""

    def to_dict(self) -> dict[str, Json]:
        result = dump(self)
        if not isinstance(result, dict):  # pragma: no cover - every Serialisable is a dataclass
            raise TypeError(f"{type(self).__name__} is not a dataclass")
        return result

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Self:
        loaded: Self = _load_dataclass(cls, data)
        return loaded
