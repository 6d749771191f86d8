"""The web workspace for HR case workers and school leaders."""
