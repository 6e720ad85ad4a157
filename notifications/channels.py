"""Channels: the services of an apprise YAML file, with secrets filled in at start-up, never shown.

The file is apprise's own YAML configuration; each service carries a tag, which is the channel
name people choose in the facility file (`email`, `chat`, ...), and a service tagged `admin` is
where dead letters are reported. `${NAME}` anywhere in it is replaced by the environment variable
NAME or, failing that, the entry NAME in the secrets file, so passwords and webhook tokens never
sit in the repository. Every value substituted is a secret: `redact` removes them from any text
before it is logged or stored, and apprise's logger gets the same filter.
"""
import logging
import re
import ssl
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, quote, quote_plus, urlencode, urlsplit, urlunsplit

import apprise
import yaml

from config.files import read_text
from domain.errors import ConfigError

PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
EMAIL_SCHEMES = {"mailto", "mailtos"}


class LazySSLContext:
    """Stands in for `ssl.create_default_context()` inside apprise's email plugin.

    apprise builds a context (loading the CA bundle: 25-50 ms of CPU, holding the GIL) for every
    email, even over plain SMTP where it is never used; that alone capped dispatch near 20
    messages a second. This records what apprise sets on it and builds the real context, with
    those settings in order, only when a TLS connection first uses it.
    """

    def __init__(self, *args, **kwargs):
        object.__setattr__(self, "_make", (args, kwargs))
        object.__setattr__(self, "_settings", {})
        object.__setattr__(self, "_real", None)

    def _context(self) -> ssl.SSLContext:
        if self._real is None:
            args, kwargs = self._make
            real = ssl.create_default_context(*args, **kwargs)
            for name, value in self._settings.items():
                setattr(real, name, value)
            object.__setattr__(self, "_real", real)
        return self._real

    def __setattr__(self, name: str, value) -> None:
        if self._real is None:
            self._settings[name] = value
        else:
            setattr(self._real, name, value)

    def __getattr__(self, name: str):
        return getattr(self._context(), name)


class _SslWithLazyContexts:
    """The ssl module as apprise's email plugin sees it: the same, but contexts are lazy."""

    create_default_context = LazySSLContext

    def __getattr__(self, name: str):
        return getattr(ssl, name)


def _lazy_email_contexts() -> None:
    from apprise.plugins.email import base

    base.ssl = _SslWithLazyContexts()


class DeliveryFailed(Exception):
    """A channel did not accept a message; the reason is already redacted."""


def read_secrets(path: Path | None) -> dict[str, str]:
    """NAME=VALUE lines (blank lines and # comments ignored)."""
    if path is None:
        return {}
    lines = read_text(path, what="the secrets file", error=ConfigError).splitlines()
    secrets = {}
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, sep, value = line.partition("=")
        if not sep or not name.strip():
            raise ConfigError(f"{path}, line {number}: expected NAME=VALUE")
        secrets[name.strip()] = value.strip()
    return secrets


class Redactor(logging.Filter):
    """Replaces secret values with *** in text and in log records."""

    def __init__(self, secrets: set[str]):
        super().__init__()
        self.secrets: list[str] = []
        self.add(secrets)

    def add(self, secrets: set[str]) -> None:
        known = set(self.secrets) | {s for s in secrets if s and len(s) >= 3}
        self.secrets = sorted(known, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = self(record.getMessage()), None
        return True


LOGGERS_THAT_SEE_URLS = ("apprise", "urllib3", "urllib3.connectionpool", "urllib3.util.retry", "requests")
_REDACTOR = Redactor(set())


def redactor() -> Redactor:
    """The process's redactor: every secret a channels file loaded so far filled in."""
    return _REDACTOR


def secrets_of(path: Path | None, *, secrets_file: Path | None = None, environ: dict | None = None) -> set[str]:
    """The values the channels file at `path` would fill in, for redacting a crash report; never raises."""
    import os

    environ = os.environ if environ is None else environ
    try:
        stored = read_secrets(secrets_file)
    except ConfigError:
        stored = {}
    try:
        names = PLACEHOLDER.findall(read_text(path, what="the channels file", error=ConfigError)) if path else []
    except ConfigError:
        names = []
    return {value for name in names if (value := environ.get(name, stored.get(name)))} | set(stored.values())


def _guard_logs(secrets: set[str]) -> Redactor:
    """One redactor, on every logger that may print a service URL; TRACE is never allowed."""
    _REDACTOR.add(secrets)
    for name in LOGGERS_THAT_SEE_URLS:
        logger = logging.getLogger(name)
        if _REDACTOR not in logger.filters:
            logger.addFilter(_REDACTOR)
    apprise_logger = logging.getLogger("apprise")
    if apprise_logger.getEffectiveLevel() < logging.DEBUG:  # apprise's TRACE logs raw URLs with passwords;
        apprise_logger.setLevel(logging.DEBUG)  # otherwise it follows the engine's own level (WARNING by default)
    return _REDACTOR


class _Reasons(logging.Handler):
    """Collects what apprise says while one thread sends, to record why a send failed."""

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.thread = threading.get_ident()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread:
            self.messages.append(record.getMessage())


@dataclass
class Channels:
    """The configured channel services, by tag, with their URLs resolved."""

    services: dict[str, list[str]] = field(default_factory=dict)
    redact: Redactor = field(default_factory=lambda: Redactor(set()))

    @property
    def names(self) -> list[str]:
        return sorted(self.services)

    def read_elsewhere(self) -> list[str]:
        """The channels whose messages people read on other machines: every email channel (the
        mail goes to their mailboxes) and every service not on loopback."""
        from urllib.parse import urlsplit

        from config.settings import on_loopback

        def elsewhere(url: str) -> bool:
            scheme = url.split("://", 1)[0].lower()
            return scheme in EMAIL_SCHEMES or not on_loopback(urlsplit(url).hostname if "://" in url else None)

        return sorted(name for name, urls in self.services.items() if any(elsewhere(u) for u in urls))

    def send(self, channel: str, *, title: str, body: str, html: bool, email: str | None = None) -> None:
        """Send one message on every service of `channel`; raise DeliveryFailed unless all accept it."""
        urls = self.services.get(channel)
        if not urls:
            raise DeliveryFailed(f"no service is configured for channel {channel!r}")
        notifier = apprise.Apprise()
        for url in urls:
            scheme = url.split("://", 1)[0].lower()
            if scheme in EMAIL_SCHEMES:
                if not email:
                    raise DeliveryFailed("the person has no email address")
                url = _with_query(url, to=email)
            if not notifier.add(url):
                raise DeliveryFailed(self.redact(f"apprise cannot use the {scheme}:// service of {channel!r}"))
        for service in notifier:
            service.request_rate_per_sec = 0  # the dispatcher paces itself; apprise's throttle would cap it
        reasons = _Reasons()
        logging.getLogger("apprise").addHandler(reasons)
        try:
            result = notifier.notify(title=title, body=body,
                                     body_format=apprise.NotifyFormat.HTML if html else apprise.NotifyFormat.TEXT)
        finally:
            logging.getLogger("apprise").removeHandler(reasons)
        if not result:  # False, or no service matched: both are failures
            why = "; ".join(dict.fromkeys(reasons.messages[-3:])) or "the service did not accept the message"
            raise DeliveryFailed(self.redact(f"{channel}: {why}"))


SCALARS = (str, int, float, bool)


def _entries(document: dict, path: Path, fill=lambda text, in_url: text) -> list[tuple[str, list[str]]]:
    """(url, tags) for each service of apprise's YAML form: a URL string, or {URL: [{tag: ..., option: ...}]}
    (a single {tag: ..., option: ...} is taken as a list of one). A malformed entry is refused with its place.
    `fill(text, in_url)` puts the secrets in: percent-encoded inside a URL, as they are in an option."""
    if not isinstance(document, dict) or not isinstance(document.get("urls"), list):
        raise ConfigError(f"{path}: expected apprise's YAML form, with a `urls` list")
    entries = []
    for n, item in enumerate(document["urls"]):
        where = f"{path}: urls.{n}"
        if isinstance(item, str):
            entries.append((fill(item, True), []))
            continue
        if not isinstance(item, dict) or not item or not all(isinstance(url, str) for url in item):
            raise ConfigError(f"{where}: expected a URL, or a URL with a list of options ({{URL: [{{tag: email}}]}})")
        for url, options in item.items():
            options = [options] if isinstance(options, dict) else options or [{}]
            if not isinstance(options, list) or not all(o is None or isinstance(o, dict) for o in options):
                raise ConfigError(f"{where}: the options of a URL are a list of `name: value` entries")
            tags, extra = [], {}
            for option in options:
                for key, value in (option or {}).items():
                    if key == "tag":
                        tags += _tags(value, where)
                    elif isinstance(key, str) and isinstance(value, SCALARS):
                        extra[key] = fill(str(value), False)  # _with_query encodes it for the URL
                    else:
                        raise ConfigError(f"{where}: option {str(key)[:40]!r} must be a name with one value")
            url = fill(url, True)
            entries.append((_with_query(url, **extra) if extra else url, [t for t in tags if t]))
    return entries


def _tags(value: object, where: str) -> list[str]:
    """A tag, comma-separated tags, or a list of them."""
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return [t.strip() for t in str(value).split(",")]
    if isinstance(value, list) and all(isinstance(t, str) for t in value):
        return [t.strip() for t in value]
    raise ConfigError(f"{where}: tag must be a name, comma-separated names, or a list of names")


def _with_query(url: str, **params: str) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True)) | params
    return urlunsplit(parts._replace(query=urlencode(query)))


def load_channels(path: Path | None, *, secrets_file: Path | None = None, environ: dict | None = None) -> Channels:
    """Read the apprise YAML file, fill in ${NAME}s, and check apprise understands every service."""
    if path is None:
        return Channels()
    import os

    environ = os.environ if environ is None else environ
    text = read_text(path, what="the channels file", error=ConfigError)
    stored = read_secrets(secrets_file)
    missing = sorted({n for n in PLACEHOLDER.findall(text) if n not in environ and n not in stored})
    if missing:
        raise ConfigError(f"{path}: set {', '.join(missing)} in the environment or the secrets file")
    used = {n: environ.get(n, stored.get(n)) for n in PLACEHOLDER.findall(text)}
    redact = _guard_logs({form for value in used.values() for form in (value, quote(value, safe=""),
                                                                       quote_plus(value))})
    _lazy_email_contexts()

    def fill(field: str, in_url: bool) -> str:
        """A value pasted into a URL is encoded for it (`p@ss#1` would end the user part and start a
        fragment); one given as an option is encoded once, when the option joins the URL."""
        return PLACEHOLDER.sub(lambda m: quote(used[m.group(1)], safe="") if in_url else used[m.group(1)], field)

    try:
        document = yaml.safe_load(text) or {}  # secrets go in after parsing: none can break the YAML
    except yaml.MarkedYAMLError as error:  # the message is not shown: it may quote a secret
        mark = error.problem_mark or error.context_mark
        raise ConfigError(f"{path}{f', line {mark.line + 1}' if mark else ''}: not valid YAML") from None
    except (yaml.YAMLError, ValueError, OverflowError):
        raise ConfigError(f"{path}: not valid YAML") from None
    except RecursionError:
        raise ConfigError(f"{path}: not valid YAML: nested too deeply") from None
    services: dict[str, list[str]] = {}
    for n, (url, tags) in enumerate(_entries(document, path, fill)):
        if not apprise.Apprise().add(url):
            what = f"this {url.split('://')[0][:20]}:// URL" if "://" in url else "a URL without a scheme://"
            raise ConfigError(redact(f"{path}: urls.{n}: apprise does not understand {what}"))
        for tag in tags or ["untagged"]:
            services.setdefault(tag, []).append(url)
    if not services:
        raise ConfigError(f"{path}: no services under `urls`")
    return Channels(services, redact)
