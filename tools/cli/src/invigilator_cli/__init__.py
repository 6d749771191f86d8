"""The `invigilator` command line."""
