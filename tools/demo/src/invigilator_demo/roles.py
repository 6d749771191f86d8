"""What each role can ask GraphQL, as saved queries (tools/demo/queries/<role>.graphql), with a
dev token and a GraphiQL link that fills in the query, its variables and the Authorization header
(strawberry's GraphiQL reads ?q=, ?variables= and ?headers=)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from invigilator_demo.observe import mint

QUERIES = Path(__file__).resolve().parents[2] / "queries"
ROLES = ("it_ops", "hr", "slg", "headteacher", "dsl", "dpo")
TRUST_WIDE = {"it_ops", "dpo"}


@dataclass(frozen=True)
class RoleExample:
    role: str
    school: str | None
    query_file: Path
    token: str
    link: str


def query_text(role: str) -> str:
    return (QUERIES / f"{role}.graphql").read_text()


def graphiql_link(graphql_url: str, query: str, variables: dict[str, str], token: str) -> str:
    headers = json.dumps({"Authorization": f"Bearer {token}"})
    return (
        f"{graphql_url}?q={quote(query, safe='')}&variables={quote(json.dumps(variables), safe='')}"
        f"&headers={quote(headers, safe='')}"
    )


def examples(graphql_url: str, key_file: Path, school: str, schools: list[str]) -> list[RoleExample]:
    out = []
    for role in ROLES:
        scope = schools if role in TRUST_WIDE else [school]
        token = mint(key_file, role, scope)
        variables = {"school": school}
        out.append(
            RoleExample(
                role=role,
                school=None if role in TRUST_WIDE else school,
                query_file=QUERIES / f"{role}.graphql",
                token=token,
                link=graphiql_link(graphql_url, query_text(role), variables, token),
            )
        )
    return out
