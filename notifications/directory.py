"""The recipient directory: who an alert names, and how each of them is reached.

`tell` lists roles and person ids. A role relative to the subject resolves through the Action it
belongs to (`project_officer`: the Action's own officer, everyone with the role if it has none),
or through the subject's own relations (an assignment's `expert`, an activity's `experts`); any
other role is everyone who holds it. People are the facility's; later issues add people held
in the database (experts, participants, partner focal points) behind the same two questions.
The outbox asks the directory, never the facility file: a recipient it cannot reach on a channel
is a failure of that delivery, visible in `mieux outbox --failed`, not a silent drop. So is a role
nobody holds: it resolves to `role:<name>`, which no person id can spell (ids have no colon), and
its delivery fails saying that nobody holds the role.
"""
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from config.facility import Facility
from domain.model import Role

EXTERNAL = frozenset({"expert", "participant", "partner"})
"""Roles of people outside the team (experts, participants): their messages carry no link into the Prefect UI,
which they cannot open, and their next steps are written for them."""

NOBODY = "role:"
"""What a role nobody holds resolves to, so that its alert fails visibly instead of reaching no one."""


@dataclass(frozen=True)
class Recipient:
    """One person as the outbox needs them."""

    id: str
    name: str
    email: str | None
    chat: str | None
    channels: tuple[str, ...]
    zone: ZoneInfo
    digest_at: str | None = None
    roles: frozenset[str] = frozenset()
    """The roles they hold in the facility: a message gives each reader the next step of their role."""


class Directory:
    """Resolves who an alert is for and how to reach them."""

    def __init__(self, facility: Facility, *, held: Callable[[str], "Recipient | None"] | None = None):
        self.facility = facility
        self.held = held
        """How to reach people held in the store (experts: `E17`), when the facility file does not
        know them; None: nobody but the facility's people."""

    def resolve(self, tell: list[str], *, action, related: dict[str, Callable[[], list[str]]] | None = None) -> list[str]:
        """Person ids for `tell` about a subject of `action` (None: a subject of no Action), in order, each once. `related` names
        people by their relation to the subject (an assignment's `expert`); a relation that names
        nobody (an activity without experts) adds nobody."""
        people: list[str] = []
        for who in tell:
            if related and who in related:  # a relation may name roles as well as people (an item's owner)
                people += self.resolve(related[who](), action=action)
            elif who == Role.project_officer and action is not None and action.project_officer:
                people.append(action.project_officer)
            elif who in Role.__members__:
                people += [p.id for p in self.facility.with_role(Role(who))] or [f"{NOBODY}{who}"]
            else:
                people.append(who)
        return list(dict.fromkeys(people))

    def with_role(self, role: Role) -> list[str]:
        return [p.id for p in self.facility.with_role(role)]

    def name(self, person_id: str | None) -> str | None:
        """How a message names a person: their name, else their id as given."""
        if not person_id:
            return person_id
        person = self._listed(person_id) or (self.held(person_id) if self.held else None)
        return person.name if person else person_id  # no whole Recipient: every alert names its actor

    @staticmethod
    def unreachable(person_id: str) -> str:
        """Why an alert cannot reach `person_id`, whom the directory does not know."""
        if person_id.startswith(NOBODY):
            return f"nobody in the facility file holds the role {person_id.removeprefix(NOBODY)}"
        return f"the directory knows no person {person_id!r}"

    def _listed(self, person_id: str):
        """The facility file's person with this id, if any."""
        return next((p for p in self.facility.people if p.id == person_id), None)

    def recipient(self, person_id: str) -> Recipient | None:
        """How to reach a person, or None if the directory does not know them."""
        person = self._listed(person_id)
        if person is None:
            return self.held(person_id) if self.held else None
        return Recipient(person.id, person.name, person.email, person.chat, tuple(person.channels),
                         self.facility.zone_of(person), person.digest_at, frozenset(map(str, person.roles)))
