"""The demo trust: a generated school day for several schools, replayed through real protocol peers."""
