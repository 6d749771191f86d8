"""The GraphQL schema: the cases (queries, one mutation per workflow command, the live breach feed)
merged with the privacy API (`graphql/privacy.py`: reveals, content access, spot checks, subject
access requests, the audit log), and the limits every request meets (depth, tokens, aliases).

Staff appear only as pseudonyms in the case types: an account is served only by the privacy API's
audited `revealedIdentity`, after an approved reveal.
"""

import strawberry
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter
from strawberry.tools import merge_types

from case_service.graphql.commands import WorkflowMutation
from case_service.graphql.privacy import PrivacyMutation, PrivacyQuery
from case_service.graphql.queries import CaseQuery
from case_service.graphql.snapshot import SnapshotReads
from case_service.graphql.subscriptions import BreachSubscription

Query = merge_types("Query", (CaseQuery, PrivacyQuery))
Mutation = merge_types("Mutation", (WorkflowMutation, PrivacyMutation))
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
            SnapshotReads,
            lambda: QueryDepthLimiter(max_depth=max_depth),
            lambda: MaxTokensLimiter(max_token_count=max_tokens),
            lambda: MaxAliasesLimiter(max_alias_count=max_aliases),
        ],
    )


# The SDL (schema.graphql) is this schema's; limits do not change it.
schema = build_schema()
