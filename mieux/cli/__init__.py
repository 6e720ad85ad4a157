"""`mieux`: the command line. A person sees one line on stderr for anything that goes wrong, never a
traceback, and the exit status says which kind it was:

    0    done
    1    refused, or invalid input (a field, file, setting or row), with an `error:` line naming it
    2    usage error: unknown command or option, a missing argument, a value of the wrong type or
         out of range, an argument that is not UTF-8
    3    unexpected failure (a bug): an `error:` line naming the full report under <data dir>/crash/
    130  interrupted (Ctrl-C)

Commands that only read or write the store import neither Prefect nor Alembic. This module
imports nothing heavy: a command the resident answers (mieux/cli/resident.py) is sent to it
before the commands (mieux/cli/commands.py) are even loaded.
"""
import sys

LAZY = ("app", "run", "crash", "non_utf8_argument", "EXIT_REFUSED", "EXIT_USAGE", "EXIT_FAILED", "EXIT_INTERRUPTED")


def main() -> None:
    """Entry point: the resident answers if it can (mieux/cli/resident.py), else this process does."""
    from mieux.cli.resident import ask

    code = ask(sys.argv[1:])
    if code is None:
        from mieux.cli.commands import main as here

        here()
    sys.stdout.flush()
    sys.exit(code)


def __getattr__(name: str):
    """`from mieux.cli import app` loads the commands on first use."""
    if name not in LAZY:
        raise AttributeError(f"module 'mieux.cli' has no attribute {name!r}")
    from mieux.cli import commands

    return getattr(commands, name)
