"""Real receivers for alert tests: an SMTP server and a chat webhook on loopback, and the channels file."""
import pytest

from loopback.receivers import CHAT_TOKEN, SMTP_PASSWORD, HttpReceiver, SmtpServer


@pytest.fixture
def smtp():
    server = SmtpServer(password=SMTP_PASSWORD).start()
    yield server
    server.stop()


@pytest.fixture
def chat():
    receiver = HttpReceiver()
    yield receiver
    receiver.stop()


@pytest.fixture
def channels_file(tmp_path, smtp, chat, monkeypatch):
    """The apprise YAML: email, chat (Mattermost) and the admin JSON webhook; secrets from env and a file."""
    monkeypatch.setenv("SMTP_PASSWORD", SMTP_PASSWORD)
    monkeypatch.delenv("MATTERMOST_TOKEN", raising=False)
    secrets = tmp_path / "secrets.env"
    secrets.write_text(f"# chat\nMATTERMOST_TOKEN={CHAT_TOKEN}\n", encoding="utf-8")
    path = tmp_path / "channels.yaml"
    path.write_text(f"""version: 1
urls:
  - "{smtp.url('${SMTP_PASSWORD}')}":
      - tag: email
  - "mmost://127.0.0.1:{chat.port}/${{MATTERMOST_TOKEN}}":
      - tag: chat
  - "json://127.0.0.1:{chat.port}/admin":
      - tag: admin
""", encoding="utf-8")
    return path, secrets
