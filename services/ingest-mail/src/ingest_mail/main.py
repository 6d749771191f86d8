from ingest_mail.app import create_app
from ingest_mail.settings import IngestMailSettings
from svckit.ingest_main import serve


def main() -> None:
    serve("ingest-mail", IngestMailSettings(), create_app)


if __name__ == "__main__":
    main()
