"""The alerter's own tables (prefix `alerter_`, Alembic version table `alembic_version_alerter`)."""
