"""alerter service."""
