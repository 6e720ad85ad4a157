"""What the engine records, as events effects and observers hear about."""
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Recorded:
    """Event: something happened to a subject (a transition, a registration, an import, an edit).

    `subject` is the kind of subject (the machine's name: action, activity ...), `subject_id` its
    row, `key` how people name it (`2026-07`, `2026-07/3`), `action_id` the Action it belongs to (none
    for a subject of no Action: the month's newsletter)."""

    subject: str
    subject_id: int
    action_id: int | None
    key: str
    name: str
    trigger: str
    source: str | None
    dest: str
    actor: str
    at: datetime
    reason: str | None = None
    payload: dict = field(default_factory=dict)
    via: str | None = None
    """The door the act came through (the command line, a Prefect flow run), for the audit."""

    @property
    def moved(self) -> bool:
        return self.source != self.dest
