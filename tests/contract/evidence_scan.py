"""Which event fields a Rego rule file reads: a best-effort static scan for the traceability matrix.

It follows variables bound to events (and their aliases), looks into the functions of imported
libraries (lib/mail, lib/web, ...), and checks each path against events.proto in the protobuf JSON
mapping (lowerCamelCase), so a misspelt field shows up in docs/traceability.md.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

# Event payloads (the oneof of Event); a Rego variable of the same name is read as that payload.
PAYLOADS = ("proxy", "mail", "endpoint", "directory", "observation")


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def proto_schema(text: str) -> dict[str, dict[str, tuple[str, bool]]]:
    """Message name -> {JSON field name: (type, repeated)} of a proto3 file without nested messages."""
    schema: dict[str, dict[str, tuple[str, bool]]] = {}
    message: str | None = None
    depth = 0
    for line in text.splitlines():
        code = line.split("//", 1)[0].strip()
        if depth == 0 and (opened := re.match(r"message\s+(\w+)\s*\{", code)):
            message, depth = opened.group(1), 1
            schema[message] = {}
            continue
        if depth == 0 and re.match(r"enum\s+\w+\s*\{", code):
            message, depth = None, 1
            continue
        depth += code.count("{") - code.count("}")
        if depth == 0:
            message = None
        elif message and (fld := re.match(r"(repeated\s+)?([\w.]+)\s+(\w+)\s*=\s*\d+\s*;", code)):
            schema[message][camel(fld.group(3))] = (fld.group(2).split(".")[-1], bool(fld.group(1)))
    return schema


def in_schema(path: str, schema: dict[str, dict[str, tuple[str, bool]]]) -> bool:
    """Whether an event field path (e.g. "mail.attachments[].extension") exists on Event."""
    message = "Event"
    for segment in path.split("."):
        name = segment.removesuffix("[]")
        fields = schema.get(message)
        if fields is None or name not in fields:
            return False
        message, repeated = fields[name]
        if segment.endswith("[]") and not repeated:
            return False
    return True


_PATH = r"((?:\.[A-Za-z_]\w*)+)"
_KEYS = r"(\[[^\]]*\]|\"[^\"]*\")"

Path_ = tuple[str, ...]
# Function name -> argument position -> the field paths the function reads from that argument.
Summaries = dict[str, dict[int, set[Path_]]]


def _keys(literal: str) -> list[str]:
    return re.findall(r"\"([^\"]*)\"", literal)


def _code(rego: str) -> str:
    """Rego without comments (a `#` inside a string is rare enough in these files)."""
    return "\n".join(line.split("#", 1)[0] for line in rego.splitlines())


def _aliases(code: str, roots: dict[str, list[str]]) -> dict[str, list[str]]:
    """Variables bound to a part of a root: `m := event.mail`, `some a in m.attachments`, object.get."""
    variables = dict(roots)
    changed = True
    while changed:
        changed = False
        for var, prefix in list(variables.items()):
            v = re.escape(var)
            found = [
                (m.group(1), [*prefix, *m.group(2)[1:].split(".")])
                for m in re.finditer(rf"(?<![\w.])(\w+)\s*:=\s*{v}{_PATH}\b(?!\s*\()", code)
            ]
            found += [
                (m.group(1), [*prefix, *m.group(2)[1:].split(".")[:-1], m.group(2).split(".")[-1] + "[]"])
                for m in re.finditer(rf"\bsome\s+(?:\w+\s*,\s*)?(\w+)\s+in\s+{v}{_PATH}\b(?!\s*\()", code)
            ]
            found += [
                (m.group(1), [*prefix, *(m.group(2) or "").split(".")[1:], *_keys(m.group(3))])
                for m in re.finditer(
                    rf"(?<![\w.])(\w+)\s*:=\s*object\.get\(\s*{v}((?:\.\w+)*)\s*,\s*{_KEYS}", code
                )
            ]
            for alias, path in found:
                if alias not in variables and alias != "_":
                    variables[alias] = path
                    changed = True
    return variables


def _calls(code: str) -> list[tuple[str, list[str]]]:
    """Every call `name(args)` or `lib.name(args)`, with its top-level arguments as text."""
    calls = []
    for m in re.finditer(r"(?<![\w.])((?:\w+\.)?\w+)\(", code):
        depth, start, args = 1, m.end(), []
        for i in range(m.end(), len(code)):
            char = code[i]
            if char in "([{":
                depth += 1
            elif char in ")]}":
                depth -= 1
                if depth == 0:
                    args.append(code[start:i].strip())
                    break
            elif char == "," and depth == 1:
                args.append(code[start:i].strip())
                start = i + 1
        calls.append((m.group(1), args))
    return calls


def _reads(code: str, variables: dict[str, list[str]], functions: Summaries) -> set[Path_]:
    """Field paths read through the variables, directly or by passing them to known functions."""
    found: set[Path_] = set()
    for var, prefix in variables.items():
        v = re.escape(var)
        for m in re.finditer(rf"(?<![\w.]){v}{_PATH}\b(?!\s*\()", code):
            found.add((*prefix, *m.group(1)[1:].split(".")))
        for m in re.finditer(rf"\bobject\.get\(\s*{v}((?:\.\w+)*)\s*,\s*{_KEYS}", code):
            found.add((*prefix, *m.group(1).split(".")[1:], *_keys(m.group(2))))
        if prefix:
            found.add(tuple(prefix))
    for name, args in _calls(code):
        for index, arg in enumerate(args):
            passed = re.fullmatch(r"(\w+)((?:\.\w+)*)", arg)
            if passed and passed.group(1) in variables and index in functions.get(name, {}):
                base = (*variables[passed.group(1)], *passed.group(2).split(".")[1:])
                found |= {(*base, *path) for path in functions[name][index]}
    return found


def _definitions(code: str) -> list[tuple[str, list[str], str]]:
    """Top-level function definitions: (name, parameters, text up to the next top-level statement)."""
    starts = [m.start() for m in re.finditer(r"^[A-Za-z_]", code, flags=re.MULTILINE)] + [len(code)]
    found = []
    for start, end in itertools.pairwise(starts):
        m = re.match(r"(\w+)\(([^)]*)\)", code[start:end])
        if m and m.group(1) not in {"package", "import"}:
            params = [p.strip() for p in m.group(2).split(",")]
            found.append((m.group(1), params, code[start + m.end() : end]))
    return found


def function_summaries(rego: str, known: Summaries | None = None) -> Summaries:
    """For each function of a Rego module: which field paths it reads from each argument.

    `known` holds functions of imported modules, under their qualified names (`mail.sender`)."""
    code = _code(rego)
    definitions = _definitions(code)
    summaries: Summaries = {}
    changed = True
    while changed:  # functions calling functions of the same module
        changed = False
        functions = {**(known or {}), **summaries}
        for name, params, body in definitions:
            for index, param in enumerate(params):
                if not re.fullmatch(r"[A-Za-z]\w*", param):
                    continue
                reads = _reads(body, _aliases(body, {param: []}), functions) - {()}
                current = summaries.setdefault(name, {}).setdefault(index, set())
                if not reads <= current:
                    current |= reads
                    changed = True
    return summaries


def imported_summaries(rego: str, libraries: dict[str, Summaries]) -> Summaries:
    """The functions of the modules a Rego module imports, under the names it calls them by."""
    known: Summaries = {}
    for m in re.finditer(r"^import\s+(data\.[\w.]+)(?:\s+as\s+(\w+))?", rego, flags=re.MULTILINE):
        alias = m.group(2) or m.group(1).split(".")[-1]
        for name, summary in libraries.get(m.group(1), {}).items():
            known[f"{alias}.{name}"] = summary
    return known


def library_summaries(policies: Path) -> dict[str, Summaries]:
    """Function summaries of every non-test module under `policies`, by package (`data.x.y`)."""
    modules = {}
    for path in sorted(policies.rglob("*.rego")):
        if path.name.endswith("_test.rego"):
            continue
        text = path.read_text(encoding="utf-8")
        if package := re.search(r"^package\s+([\w.]+)", text, flags=re.MULTILINE):
            modules[f"data.{package.group(1)}"] = text
    libraries: dict[str, Summaries] = {}
    for _ in range(3):  # libraries importing libraries (config, mail -> config, ...)
        libraries = {
            package: function_summaries(text, imported_summaries(text, libraries))
            for package, text in modules.items()
        }
    return libraries


def evidence_fields(
    rego: str,
    schema: dict[str, dict[str, tuple[str, bool]]] | None = None,
    libraries: dict[str, Summaries] | None = None,
) -> list[str]:
    """Best-effort static list of the `input.events` field paths a Rego file reads.

    Follows variables bound to an event (`some i, event in input.events`, `e := input.events[i]`),
    aliases of its parts (`m := event.mail`, `some a in m.attachments`, `object.get(m, "to", [])`),
    arguments passed to functions of the module itself or of the modules it imports (`libraries`,
    from library_summaries), and variables named like a payload (`mail.to`). With a schema, a path
    that is not a field of Event is marked "(not in events.proto)": a snake_case or misspelt name
    never matches the protobuf JSON input.
    """
    code = _code(rego)
    roots: dict[str, list[str]] = {}
    for bound in re.finditer(r"\bsome\s+(?:\w+\s*,\s*)?(\w+)\s+in\s+input\.events\b", code):
        roots[bound.group(1)] = []
    for bound in re.finditer(r"(?<![\w.])(\w+)\s*:=\s*input\.events\[\s*\w+\s*\](?!\s*\.)", code):
        roots[bound.group(1)] = []
    known = imported_summaries(rego, libraries or {})
    functions = {**known, **function_summaries(rego, known)}
    paths = {
        tuple(m.group(1)[1:].split(".")) for m in re.finditer(r"input\.events\[\s*\w+\s*\]" + _PATH, code)
    }
    paths |= _reads(code, _aliases(code, roots), functions)
    # A variable named like a payload may be an imported library (`mail.sent`): with a schema,
    # keep only the guesses it confirms; without one, make none.
    if schema is not None:
        payloads = {name: [name] for name in PAYLOADS if name not in roots}
        guessed = _reads(code, _aliases(code, payloads), functions)
        paths |= {p for p in guessed if len(p) > 1 and in_schema(".".join(p), schema)}
    dotted = {".".join(p) for p in paths if p}
    leaves = {p for p in dotted if not any(o.startswith((p + ".", p + "[]")) for o in dotted)}
    if schema is None:
        return sorted(leaves)
    return sorted(p if in_schema(p, schema) else f"{p} (not in events.proto)" for p in leaves)
