"""The forms' web server: uvicorn on a thread of `mieux serve`, or in the foreground (`mieux web`)."""
import socket
import threading
import time

import uvicorn

from mieux.web.app import create_app


class WebServer(threading.Thread):
    """Serves the forms on `host:port` until stopped; the port is bound at once (OSError if taken)."""

    def __init__(self, app, host: str, port: int):
        super().__init__(name="mieux-web", daemon=True)
        self.socket = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # accepted connections inherit it: uvicorn writes a response's head and body apart, and
        # with Nagle's algorithm the body waited for the client's delayed ACK (40 ms a request)
        self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.socket.bind((host, port))
        self.server = uvicorn.Server(uvicorn.Config(create_app(app.evaluation, app.engine, app.invitations),
                                                    log_config=None, access_log=False, server_header=False,
                                                    date_header=False))

    @property
    def port(self) -> int:
        return self.socket.getsockname()[1]

    def run(self) -> None:
        self.server.run(sockets=[self.socket])

    def stop(self, timeout: float = 10) -> None:
        self.server.should_exit = True
        deadline = time.monotonic() + timeout
        while self.is_alive() and time.monotonic() < deadline:
            self.join(0.1)
        self.socket.close()
