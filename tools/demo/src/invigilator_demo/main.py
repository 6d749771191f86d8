"""`invigilator-demo`: entry point (filled in by the demo driver)."""


def main() -> None:
    raise SystemExit("invigilator-demo: not built yet")
