"""Every error the engine raises on purpose, under one root.

    MieuxError                 anything the engine refuses; the message is for a person
     ├── InvalidInput          a field, file or row is malformed or missing
     │    └── ImportRejected   a portfolio file with bad rows; lists every one
     ├── NotFound              an unknown Action or person
     ├── Refused               a transition that may not happen now
     │    ├── IllegalTransition  the trigger does not apply in the current state
     │    ├── NotPermitted       the acting person lacks the role the trigger needs
     │    └── GuardFailed        the trigger applies but its conditions do not hold
     ├── Conflict              someone else changed the Action first; nothing was written
     ├── StoreNotReady         the database has no schema yet (run `mieux init`)
     ├── StoreUnavailable      the database cannot be reached (the URL is shown without password)
     └── ConfigError           a settings or facility file is wrong

The CLI turns each of these into a one-line message and exit status 1; any other exception is a
bug: one line naming a crash report under the data directory, and exit status 3.
"""


class MieuxError(Exception):
    """Root of the engine's errors; str(error) is a complete sentence for a person."""


class InvalidInput(MieuxError):
    """A field, file or row is malformed or missing."""


class ImportRejected(InvalidInput):
    """A portfolio import with bad rows: nothing was imported."""

    def __init__(self, path: str, problems: list[str]):
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{path}: {len(problems)} problem(s), nothing imported:\n{lines}")


class NotFound(MieuxError):
    """An unknown Action or person."""


class Refused(MieuxError):
    """A transition that may not happen now; the Action is unchanged."""


class IllegalTransition(Refused):
    """The trigger does not apply in the Action's current state."""


class NotPermitted(Refused):
    """The acting person lacks a role the trigger requires."""


class GuardFailed(Refused):
    """The trigger applies but one or more of its conditions do not hold."""

    def __init__(self, message: str, reasons: list[str]):
        self.reasons = reasons
        super().__init__(message)


class Conflict(MieuxError):
    """The Action changed under us (another transition won); nothing was written."""


class StoreNotReady(MieuxError):
    """The database has no schema yet."""


class StoreUnavailable(MieuxError):
    """The database cannot be reached."""


class ConfigError(MieuxError):
    """A settings or facility file is wrong."""
