"""Case service: groups breaches into cases, keeps them in PostgreSQL, serves them over GraphQL."""
