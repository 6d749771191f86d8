"""The GraphQL schema: the cases (queries, one mutation per workflow command, the live breach feed)
merged with the privacy API (`graphql/privacy.py`) when present, and the limits every request
meets (depth, tokens, aliases).

Staff appear only as pseudonyms: `staff_identity` is never read by the case types.
"""

import importlib

import strawberry
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter
from strawberry.tools import merge_types

from case_service.graphql.commands import WorkflowMutation
from case_service.graphql.queries import CaseQuery
from case_service.graphql.subscriptions import BreachSubscription

PRIVACY_MODULE = "case_service.graphql.privacy"


def _privacy_types() -> tuple[tuple[type, ...], tuple[type, ...]]:
    """(PrivacyQuery,), (PrivacyMutation,) from graphql/privacy.py; nothing while it is not there."""
    try:
        module = importlib.import_module(PRIVACY_MODULE)
    except ModuleNotFoundError as missing:
        if missing.name != PRIVACY_MODULE:
            raise
        return (), ()
    return (module.PrivacyQuery,), (module.PrivacyMutation,)


_privacy_queries, _privacy_mutations = _privacy_types()
Query = merge_types("Query", (CaseQuery, *_privacy_queries))
Mutation = merge_types("Mutation", (WorkflowMutation, *_privacy_mutations))
Subscription = merge_types("Subscription", (BreachSubscription,))

MAX_DEPTH, MAX_TOKENS, MAX_ALIASES = 10, 2000, 15


def build_schema(
    *, max_depth: int = MAX_DEPTH, max_tokens: int = MAX_TOKENS, max_aliases: int = MAX_ALIASES
) -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=[
            lambda: QueryDepthLimiter(max_depth=max_depth),
            lambda: MaxTokensLimiter(max_token_count=max_tokens),
            lambda: MaxAliasesLimiter(max_alias_count=max_aliases),
        ],
    )


# The SDL (schema.graphql) is this schema's; limits do not change it.
schema = build_schema()
