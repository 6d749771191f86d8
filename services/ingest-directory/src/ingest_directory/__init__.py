"""ingest-directory service."""
