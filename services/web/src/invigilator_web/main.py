"""Entry point (`invigilator-web`): settings → logging → the app under uvicorn."""

import uvicorn

from invigilator_web.app import create_app
from invigilator_web.settings import WebSettings
from svckit.logs import setup_logging


def main() -> None:
    settings = WebSettings()
    setup_logging(settings.log_level)
    uvicorn.run(create_app(settings), host=settings.http_host, port=settings.http_port, log_config=None)


if __name__ == "__main__":
    main()
