"""policy-engine service."""
