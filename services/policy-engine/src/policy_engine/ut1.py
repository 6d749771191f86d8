"""Import a UT1 blacklist tree as the external category list OPA reads (lib/web.rego).

UT1 (Université Toulouse Capitole, https://dsi.ut-capitole.fr/blacklists/) ships one folder per
category, each with a `domains` and/or a `urls` file: one entry per line, `#` comments, blank lines.
Its categories are mapped to ours (`CATEGORY_MAP`); categories without a mapping are skipped and
reported, never guessed.

The output is an OPA data file shaped

    {"domains": {"casino.example": ["gambling"]},
     "urls": {"example.org/warez": ["piracy"]},
     "source": {"format": "ut1", "categories": {"gambling": {"ours": "gambling", "domains": 1, "urls": 0}}}}

and belongs at `policies-rego/data/categories/external/data.json`: OPA maps the folder to the data
path, so it lands at `data.data.categories.external`, which lib/web merges with the curated list.
The generated file is site data (and can be large): it is not committed.

    invigilator-import-ut1 ./blacklists --out policies-rego/data/categories/external/data.json \\
        --categories adult,gambling,malware,phishing
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

# UT1 category -> ours (lib/web.rego `known`). Deliberately absent: "child" (sites FOR children,
# a whitelist), "mixed_adult" and "lingerie" (would flag ordinary sites), work categories.
CATEGORY_MAP: Mapping[str, str] = {
    "adult": "adult",
    "agressif": "hate",
    "aggressive": "hate",
    "arjel": "gambling",
    "audio-video": "streaming",
    "chat": "chat",
    "cryptojacking": "malicious",
    "dating": "dating",
    "ddos": "malicious",
    "filehosting": "filehosting",
    "forums": "forum",
    "gambling": "gambling",
    "games": "games",
    "hacking": "malicious",
    "malware": "malicious",
    "phishing": "malicious",
    "press": "news",
    "radio": "streaming",
    "shopping": "shopping",
    "social_networks": "social",
    "sports": "sport",
    "warez": "piracy",
    "webmail": "webmail",
}

LIST_FILES = ("domains", "urls")

_LABEL = r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?"
_DOMAIN = re.compile(rf"{_LABEL}(?:\.{_LABEL})*")


class Ut1Error(Exception):
    """The source tree cannot be imported (missing, not a folder, nothing to import)."""


@dataclass
class CategoryCount:
    ours: str
    domains: int = 0
    urls: int = 0


@dataclass
class ImportResult:
    """Entries by our categories, and what happened to each UT1 category."""

    domains: dict[str, frozenset[str]] = field(default_factory=dict)
    urls: dict[str, frozenset[str]] = field(default_factory=dict)
    imported: dict[str, CategoryCount] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    rejected: int = 0

    def document(self) -> dict[str, Any]:
        """The JSON document for OPA (see the module docstring)."""
        return {
            "domains": {key: sorted(cats) for key, cats in sorted(self.domains.items())},
            "urls": {key: sorted(cats) for key, cats in sorted(self.urls.items())},
            "source": {
                "format": "ut1",
                "categories": {
                    name: {"ours": count.ours, "domains": count.domains, "urls": count.urls}
                    for name, count in sorted(self.imported.items())
                },
            },
        }


def entries(lines: Iterable[str]) -> Iterator[str]:
    """The entries of a UT1 list: comments (`#` to the end of the line) and blank lines dropped."""
    for line in lines:
        entry = line.split("#", 1)[0].strip()
        if entry:
            yield entry


def normalise_domain(entry: str) -> str | None:
    """`WWW.Example.COM.` -> `www.example.com`; a leading `*.`/`.` is dropped (subdomains match
    anyway); internationalised names become punycode, as proxies log them. None when malformed."""
    domain = entry.strip().lower().rstrip(".")
    domain = domain.removeprefix("*.").lstrip(".")
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    if len(domain) > 253 or not _DOMAIN.fullmatch(domain):
        return None
    return domain


def normalise_url(entry: str) -> tuple[str, str] | None:
    """A UT1 url entry as ("host/path", "url"), or (domain, "domain") when it has no path, in the
    form lib/web looks up: no scheme, port, query or fragment, lower case, no empty or trailing
    path segments. None when malformed."""
    url = entry.strip()
    scheme = re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", url)
    if scheme:
        url = url[scheme.end() :]
    url = re.split(r"[?#]", url, maxsplit=1)[0]
    host, _, path = url.partition("/")
    host = host.rpartition("@")[2].split(":", 1)[0]
    domain = normalise_domain(host)
    if domain is None:
        return None
    segments = [segment for segment in path.lower().split("/") if segment]
    if not segments:
        return domain, "domain"
    return domain + "/" + "/".join(segments), "url"


def tree_root(src: Path) -> Path:
    """The folder holding the category folders: SRC itself, or SRC/blacklists as the tarball
    extracts. Raises Ut1Error for a missing source."""
    if not src.exists():
        raise Ut1Error(f"source folder {src} does not exist (extract the UT1 blacklists.tar.gz first)")
    if not src.is_dir():
        raise Ut1Error(f"source {src} is not a folder (extract the UT1 blacklists.tar.gz first)")
    nested = src / "blacklists"
    return nested if nested.is_dir() else src


def category_dirs(root: Path) -> dict[str, Path]:
    """UT1 category name -> folder, for every folder holding a `domains` or `urls` file."""
    return {
        child.name: child
        for child in sorted(root.iterdir())
        if child.is_dir() and any((child / name).is_file() for name in LIST_FILES)
    }


def selected(name: str, only: Collection[str] | None) -> bool:
    """--categories names either UT1 categories or ours."""
    return only is None or name in only or CATEGORY_MAP.get(name) in only


def load_tree(src: Path, only: Collection[str] | None = None) -> ImportResult:
    """Read every mapped (and, with `only`, selected) category under `src`."""
    root = tree_root(src)
    found = category_dirs(root)
    if not found:
        raise Ut1Error(f"no UT1 category folders (with a 'domains' or 'urls' file) under {root}")
    result = ImportResult()
    seen: set[Path] = set()
    for name, folder in found.items():
        if not selected(name, only):
            continue
        ours = CATEGORY_MAP.get(name)
        if ours is None:
            result.skipped.append(name)
            continue
        count = result.imported.setdefault(name, CategoryCount(ours))
        real = folder.resolve()
        if real in seen:  # UT1 links aliases (aggressive -> agressif): read each folder once
            continue
        seen.add(real)
        tag = frozenset({ours})
        for list_name in LIST_FILES:
            path = folder / list_name
            if not path.is_file():
                continue
            with path.open(encoding="utf-8", errors="replace") as lines:
                for entry in entries(lines):
                    parsed = _parse(entry, list_name)
                    if parsed is None:
                        result.rejected += 1
                        continue
                    key, kind = parsed
                    table = result.urls if kind == "url" else result.domains
                    table[key] = tag if key not in table else table[key] | tag
                    if kind == "url":
                        count.urls += 1
                    else:
                        count.domains += 1
    return result


def _parse(entry: str, list_name: str) -> tuple[str, str] | None:
    if list_name == "urls":
        return normalise_url(entry)
    domain = normalise_domain(entry)
    return None if domain is None else (domain, "domain")


def write_data_file(document: Mapping[str, Any], out: Path) -> None:
    """Write atomically (OPA may be watching the folder), compact: imported lists are large."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".ut1-", suffix=".json.tmp", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(document, handle, separators=(",", ":"), ensure_ascii=True)
            handle.write("\n")
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def report(result: ImportResult, out: Path | None, stream: TextIO) -> None:
    for name, count in sorted(result.imported.items()):
        print(f"  {name} -> {count.ours}: {count.domains} domains, {count.urls} urls", file=stream)
    if result.skipped:
        print(f"  skipped, no mapping to our categories: {', '.join(sorted(result.skipped))}", file=stream)
    if result.rejected:
        print(f"  rejected {result.rejected} malformed entries", file=stream)
    if out is not None:
        print(f"wrote {len(result.domains)} domains and {len(result.urls)} urls to {out}", file=stream)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="invigilator-import-ut1",
        description="Import a UT1 blacklist tree as the external category list for OPA "
        "(policies-rego/data/categories/external/data.json -> data.data.categories.external).",
    )
    parser.add_argument("src", metavar="SRC_DIR", type=Path, help="extracted UT1 tree (or its parent)")
    parser.add_argument("--out", required=True, type=Path, help="JSON data file to write")
    parser.add_argument(
        "--categories",
        default=None,
        help="comma-separated UT1 categories (or our names, e.g. malicious) to import; default all mapped",
    )
    return parser.parse_args(argv)


def _fail(message: object, code: int) -> int:
    print(f"invigilator-import-ut1: error: {message}", file=sys.stderr)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    only = None
    if args.categories is not None:
        only = {name.strip() for name in args.categories.split(",") if name.strip()}
    print(f"reading UT1 lists under {args.src}", file=sys.stderr)
    try:
        result = load_tree(args.src, only)
    except Ut1Error as error:
        return _fail(error, 2)
    except OSError as error:
        return _fail(error, 1)
    if only is not None:
        matched = set(result.imported) | set(result.skipped) | {c.ours for c in result.imported.values()}
        unmatched = sorted(only - matched)
        if unmatched:
            print(f"  no such category in the tree: {', '.join(unmatched)}", file=sys.stderr)
    if not result.imported:
        report(result, None, sys.stderr)
        return _fail("nothing to import: no mapped category selected", 2)
    try:
        write_data_file(result.document(), args.out)
    except OSError as error:
        return _fail(f"cannot write {args.out}: {error}", 1)
    report(result, args.out, sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
