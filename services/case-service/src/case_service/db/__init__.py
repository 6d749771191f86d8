"""PostgreSQL adapter: ORM models, engine, migrations and the ingest transaction."""
