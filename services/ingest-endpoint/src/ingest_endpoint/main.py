from ingest_endpoint.app import create_app
from ingest_endpoint.settings import IngestEndpointSettings
from svckit.ingest_main import serve


def main() -> None:
    serve("ingest-endpoint", IngestEndpointSettings(), create_app, untraced_urls="healthz,readyz")


if __name__ == "__main__":
    main()
