"""The pieces of samples/day/generate.py: one module per school's source."""
