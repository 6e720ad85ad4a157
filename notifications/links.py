"""The links people answer forms through: a token per link, unguessable, never stored.

A link's token is HMAC-SHA256 of the link's random nonce under the installation's link secret
(256 bits, base64url: 43 characters). The store keeps the nonce and the token's SHA-256 only, so
neither a copy of the database nor the outbox's rows can open a form: the message is rendered
with the token at the moment it is sent, by whoever holds the secret. The web page needs no
secret: it looks the link up by the hash of the token it was given.
"""
import base64
import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

from domain.errors import ConfigError

SHAPE = re.compile(r"^[A-Za-z0-9_-]{43}$")
"""What a token looks like; anything else is refused before the store is asked."""
MIN_SECRET = 32


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


class FormLinks:
    """Derives each link's token and address from its nonce."""

    def __init__(self, secret: bytes, base_url: str):
        if len(secret) < MIN_SECRET:
            raise ConfigError(f"the link secret is too short: at least {MIN_SECRET} characters")
        self._secret, self.base_url = secret, base_url.rstrip("/")

    def token(self, nonce: str) -> str:
        mac = hmac.new(self._secret, f"mieux-form-link:{nonce}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()

    def token_hash(self, nonce: str) -> str:
        return digest(self.token(nonce))

    def url(self, nonce: str, path: str = "f") -> str:
        """The link's address: `/f/` opens a form, `/i/` an expert's invitation."""
        return f"{self.base_url}/{path}/{self.token(nonce)}"

    def __repr__(self) -> str:  # never the secret
        return f"FormLinks({self.base_url!r})"


def link_secret(given: str | None, data_dir: Path) -> bytes:
    """The secret given (MIEUX_LINK_SECRET), else the one kept in DATA_DIR/link.secret, made on
    first use, readable by its owner only."""
    if given is not None:
        return given.encode()
    path = data_dir / "link.secret"
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        pass
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_hex(32).encode()
    draft = data_dir / f".link.secret.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(secret)
    try:
        os.link(draft, path)  # appears whole or not at all; if another process won, theirs is kept
    except FileExistsError:
        secret = path.read_bytes().strip()
    finally:
        draft.unlink()
    return secret
