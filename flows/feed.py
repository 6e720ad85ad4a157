"""The calendar feeds `mieux serve` serves: GET /calendar/<token>.ics, read-only, one per person.

The token in the path is the credential, so it never reaches a log: requests are logged without
their path. Any token that opens nothing (wrong, revoked, malformed, a person no longer in the
facility) gets the same 404, and no error shows more than one line.
"""
import logging
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from mieux.feeds import feed

LOG = logging.getLogger("mieux.feed")
PATH = re.compile(r"^/calendar/([^/?#]{1,100})\.ics(?:\?.*)?$")


class FeedServer(threading.Thread):
    """Serves the feeds on `host:port` until stopped."""

    def __init__(self, app, host: str, port: int):
        super().__init__(name="mieux-calendar-feeds", daemon=True)
        self.app = app
        self.server = ThreadingHTTPServer((host, port), self._handler())  # OSError if the port is taken
        self.server.daemon_threads = True

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def run(self) -> None:
        self.server.serve_forever(poll_interval=0.5)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handler(self):
        app = self.app

        class Handler(BaseHTTPRequestHandler):
            server_version = "mieux-feeds"
            sys_version = ""

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                found = PATH.match(self.path)
                try:
                    body = feed(app.engine, app.facility, found.group(1), today=app.service.today()) if found else None
                except Exception as error:  # one line, never a traceback, never the token
                    LOG.error("calendar feed failed: %s", type(error).__name__)
                    self._answer(500, b"the calendar could not be made; try again later\n", "text/plain")
                    return
                if body is None:
                    self._answer(404, b"no such calendar\n", "text/plain")
                else:
                    self._answer(200, body, "text/calendar; charset=utf-8")

            def do_HEAD(self) -> None:  # noqa: N802
                self._answer(405, b"", "text/plain")

            def _answer(self, status: int, body: bytes, kind: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "private, max-age=300")
                self.send_header("Referrer-Policy", "no-referrer")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args) -> None:  # noqa: A002 - http.server's signature
                LOG.info("calendar feed request answered %s", getattr(self, "_status", "-"))

            def send_response(self, code: int, message: str | None = None) -> None:
                self._status = code
                super().send_response(code, message)

        return Handler
