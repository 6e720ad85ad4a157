"""Channel plumbing that needs no server: secrets files, redaction, lazy TLS contexts."""
import ssl

import pytest

from domain.errors import ConfigError
from notifications.channels import LazySSLContext, Redactor, load_channels, read_secrets


def test_a_lazy_context_is_built_only_when_used_and_keeps_what_was_set_in_order():
    context = LazySSLContext()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    assert context._real is None
    assert callable(context.wrap_socket)  # first real use builds it
    assert isinstance(context._real, ssl.SSLContext)
    assert (context._real.check_hostname, context._real.verify_mode) == (False, ssl.CERT_NONE)
    verified = LazySSLContext()
    assert verified.verify_mode == ssl.CERT_REQUIRED and verified.check_hostname is True


def test_secrets_files_are_name_value_lines_and_mistakes_name_the_line(tmp_path):
    path = tmp_path / "secrets.env"
    path.write_text("# comment\nSMTP_PASSWORD = s3cret=with=equals\n\nTOKEN=abc\n", encoding="utf-8")
    assert read_secrets(path) == {"SMTP_PASSWORD": "s3cret=with=equals", "TOKEN": "abc"}
    path.write_text("TOKEN=abc\njust a line\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="line 2: expected NAME=VALUE"):
        read_secrets(path)


def test_redaction_removes_every_secret_from_text():
    redact = Redactor({"hunter2hunter2", "tok-123456"})
    assert redact("login hunter2hunter2 failed at https://x/tok-123456/hooks") == "login *** failed at https://x/***/hooks"


def test_a_channels_file_with_a_missing_secret_names_it_without_showing_others(tmp_path):
    path = tmp_path / "channels.yaml"
    path.write_text('version: 1\nurls:\n  - "json://127.0.0.1:9/${HOOK_TOKEN}/${OTHER}":\n      - tag: chat\n')
    with pytest.raises(ConfigError, match="set HOOK_TOKEN, OTHER in the environment or the secrets file"):
        load_channels(path, environ={})
    channels = load_channels(path, environ={"HOOK_TOKEN": "t0ken-value", "OTHER": "x-value"})
    assert channels.names == ["chat"] and channels.redact("t0ken-value") == "***"


def test_a_url_apprise_does_not_understand_is_refused_at_start_up(tmp_path):
    path = tmp_path / "channels.yaml"
    path.write_text('version: 1\nurls:\n  - "nosuchservice://x":\n      - tag: chat\n')
    with pytest.raises(ConfigError, match="urls.0: apprise does not understand this nosuchservice:// URL"):
        load_channels(path, environ={})


def test_loading_channels_leaves_apprises_logger_at_the_engines_own_level(tmp_path, monkeypatch):
    import logging

    path = tmp_path / "channels.yaml"
    path.write_text('version: 1\nurls:\n  - "json://127.0.0.1:9/hook":\n      - tag: chat\n', encoding="utf-8")
    apprise_logger = logging.getLogger("apprise")
    monkeypatch.setattr(apprise_logger, "level", logging.NOTSET)
    monkeypatch.setattr(logging.getLogger(), "level", logging.WARNING)
    load_channels(path)
    assert apprise_logger.getEffectiveLevel() == logging.WARNING  # no DEBUG payloads on the console
    monkeypatch.setattr(logging.getLogger(), "level", 5)  # even a root at TRACE: apprise never logs raw URLs
    load_channels(path)
    assert apprise_logger.getEffectiveLevel() == logging.DEBUG


def test_channels_read_elsewhere_are_email_and_services_off_loopback(tmp_path):
    path = tmp_path / "channels.yaml"
    path.write_text("urls:\n"
                    "  - mailto://mieux:pw@127.0.0.1:2525?from=mieux@example.org:\n      - tag: email\n"
                    "  - json://127.0.0.1:8080/hook:\n      - tag: loopback-chat\n"
                    "  - json://chat.example.org/hook:\n      - tag: chat\n", encoding="utf-8")
    # mail on a loopback relay is still read in people's mailboxes elsewhere
    assert load_channels(path).read_elsewhere() == ["chat", "email"]
