"""The engine the flows act on: installed at start-up by `mieux serve` (or a test), never at import."""
from mieux.bootstrap import App

_app: App | None = None


def install(app: App | None) -> None:
    """Make `app` the engine every flow in this process uses (None to forget it)."""
    global _app
    _app = app


def current() -> App:
    """The installed engine; a process started by a Prefect worker builds it from its settings once."""
    global _app
    if _app is None:
        from config.settings import Settings
        from mieux.bootstrap import bootstrap

        _app = bootstrap(Settings())
    return _app
