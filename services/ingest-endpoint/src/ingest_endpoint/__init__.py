"""ingest-endpoint service."""
