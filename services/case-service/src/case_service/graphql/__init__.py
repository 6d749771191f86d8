"""GraphQL adapter (strawberry): read-only views of cases, pseudonymous by construction."""
