"""One log format for every service."""

import logging

# Client libraries that log one INFO line per request: on a service's hot path (the engine's OPA
# queries) that is a line per batch, noise in the log and CPU on the loop. Their warnings remain.
CHATTY_LOGGERS = ("httpx", "httpcore")


def setup_logging(level: str) -> None:
    logging.basicConfig(level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLogger().level))
