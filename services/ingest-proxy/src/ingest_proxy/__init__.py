"""ingest-proxy service."""
