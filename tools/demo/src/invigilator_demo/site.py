"""The local site list: one threaded HTTP server on loopback that answers every host and path with a
small page (and reads any upload), standing in for the web. The demo's Squid sends every request
here (cache_peer ... originserver), whatever host name the browser asked for."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PAGE = b"<!doctype html><title>demo site</title><p>A page of the local site list.</p>\n"
MAX_BODY = 64 * 1024 * 1024


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "invigilator-demo-site"

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        remaining = min(length, MAX_BODY)
        while remaining > 0:  # read (and drop) an upload
            chunk = self.rfile.read(min(remaining, 65536))
            if not chunk:
                break
            remaining -= len(chunk)
        body = b"" if self.command == "HEAD" else PAGE
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_HEAD = _answer  # noqa: N815 (http.server finds handlers by name)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128


class LocalSite:
    """`with LocalSite() as site:` serves on 127.0.0.1:site.port (ephemeral unless given)."""

    def __init__(self, port: int = 0) -> None:
        self._server = _Server(("127.0.0.1", port), _Handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True, name="site"
        )

    @property
    def port(self) -> int:
        port: int = self._server.server_address[1]
        return port

    def __enter__(self) -> LocalSite:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)
