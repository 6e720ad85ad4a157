"""Real receivers on loopback: an SMTP server (aiosmtpd) and an HTTP endpoint for chat webhooks."""
import asyncio
import email
import http.server
import json
import threading
from dataclasses import dataclass, field
from email.message import Message

from aiosmtpd.controller import Controller

from loopback.servers import free_port

SMTP_PASSWORD = "smtpPW-7f3c9e1a-Q8zK-do-not-leak-4b2d8e6f0a1c"
"""The test SMTP server's password: distinctive, so a search for it in logs and data means something."""
CHAT_TOKEN = "mmtok5d1e9a7c3b8f4e2a6c0d9b7e1f3a5c8dq"
"""The test chat webhook's token."""


@dataclass
class Mail:
    sender: str
    recipients: list[str]
    message: Message

    @property
    def subject(self) -> str:
        from email.header import decode_header, make_header

        return str(make_header(decode_header(self.message["Subject"])))

    def part(self, subtype: str) -> str | None:
        for part in self.message.walk():
            if part.get_content_type() == f"text/{subtype}":
                return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
        return None


class _Collect:
    def __init__(self, inbox: list, delay: float):
        self.inbox, self.delay = inbox, delay

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        self.inbox.append(Mail(envelope.mail_from, list(envelope.rcpt_tos),
                               email.message_from_bytes(envelope.original_content or envelope.content)))
        return "250 OK"


@dataclass
class SmtpServer:
    """A plain SMTP server on 127.0.0.1 that keeps every message; can be stopped and started again.

    With a password it requires AUTH LOGIN/PLAIN as user `mieux` (over plain text: loopback only).
    With a delay it takes that many seconds to accept each message (a slow relay).
    """

    port: int = field(default_factory=free_port)
    inbox: list[Mail] = field(default_factory=list)
    password: str | None = None
    delay: float = 0.0
    _controller: Controller | None = None

    def start(self) -> "SmtpServer":
        options = {}
        if self.password:
            from aiosmtpd.smtp import AuthResult

            def authenticate(server, session, envelope, mechanism, auth_data):
                ok = auth_data.login == b"mieux" and auth_data.password == self.password.encode()
                return AuthResult(success=ok)

            options = {"authenticator": authenticate, "auth_required": True, "auth_require_tls": False}
        self._controller = Controller(_Collect(self.inbox, self.delay), hostname="127.0.0.1", port=self.port, **options)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller:
            self._controller.stop()
            self._controller = None

    def url(self, password: str | None = None) -> str:
        """The apprise URL; pass a ${NAME} placeholder (or the password) to log in."""
        credentials = f"mieux:{password}@" if password else ""
        return f"mailto://{credentials}127.0.0.1:{self.port}?from=mieux@mieux.example&mode=insecure"


@dataclass
class HttpReceiver:
    """An HTTP server on 127.0.0.1 that records every POST (path, JSON body, headers)."""

    posts: list[tuple[str, dict, dict]] = field(default_factory=list)
    status: int = 200

    def __post_init__(self):
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("content-length", 0))
                body = self.rfile.read(length).decode("utf-8")
                receiver.posts.append((self.path, json.loads(body or "{}"), dict(self.headers)))
                self.send_response(receiver.status)
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
