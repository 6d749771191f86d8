from fastapi import FastAPI

from ingest_proxy.app import create_app
from ingest_proxy.settings import IngestProxySettings
from ingest_proxy.vendor_csv import load_mappings
from svckit.ingest_http import Produce
from svckit.ingest_main import serve


def _app(settings: IngestProxySettings, produce: Produce) -> FastAPI:
    return create_app(settings, produce, load_mappings(settings.csv_mappings_file))


def main() -> None:
    serve("ingest-proxy", IngestProxySettings(), _app)


if __name__ == "__main__":
    main()
