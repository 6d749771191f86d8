"""Benchmarks of the ingest parsers (`make bench-parse`) and the generated corpora they run on."""
