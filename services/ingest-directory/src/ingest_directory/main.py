from ingest_directory.app import create_app
from ingest_directory.settings import IngestDirectorySettings
from svckit.ingest_main import serve


def main() -> None:
    # The periodic LDAP sync (when ldap_url is set) shares the service's producer.
    serve("ingest-directory", IngestDirectorySettings(), create_app, untraced_urls="healthz,readyz")


if __name__ == "__main__":
    main()
