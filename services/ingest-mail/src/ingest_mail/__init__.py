"""ingest-mail service."""
