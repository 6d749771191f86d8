"""Domain rules of the case service: plain typed functions, no framework (house rule 3)."""
