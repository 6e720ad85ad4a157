"""The roster: experts imported, added, found, shown and changed, by the people who keep it.

Experts are named `E17` (the row id), never by a personal field. An import validates the whole
file first (domain.experts.read_roster) and checks every email against the roster: one bad row
imports nothing, and every bad row is listed.
"""
import gc
import re
from collections.abc import Iterable
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import func, select

from config.facility import Facility
from config.files import read_text
from domain.clock import Clock
from domain.errors import Conflict, ImportRejected, InvalidInput, NotFound, NotPermitted
from domain.experts import ExpertChanges, ExpertIn, read_roster
from store.db import reading, transaction
from store.tables import Expert

KEEPERS = ("programme_manager", "project_officer", "junior_project_officer", "admin")
"""Who may add experts to the roster and change them."""
KEY = re.compile(r"^[Ee](\d{1,9})$")
ROSTER_BYTES = 20_000_000  # some 50,000 experts


def expert_key(expert: Expert) -> str:
    return f"E{expert.id}"


LISTS = ("languages", "themes", "keywords", "available", "unavailable")
IN_ROSTER = "in_roster"
"""What an audit row of the roster records as its state: experts have no lifecycle of their own."""


def audit_roster(session, expert_id: int, trigger: str, *, actor: str, at, payload: dict, via: str | None,
                 state: str = IN_ROSTER) -> None:
    """The roster's changes are in the audit trail, as subjects of kind `expert` of no Action."""
    from store import rows

    rows.add_audit(session, action_id=None, subject_kind="expert", subject_id=expert_id, at=at, trigger=trigger,
                   from_state=None, to_state=state, actor=actor, reason=None, payload=payload, via=via)
ERASED_MAIL = ".erased.invalid"
"""How an erased expert's email ends (the column is unique and required): the mark of an erasure."""


def _json_ready(values: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in values.items()}


def _stored(expert: ExpertIn | ExpertChanges, given: bool = False) -> dict:
    """The fields as the table stores them: nested values as JSON, dates as dates, lists never None."""
    values = expert.given() if given else expert.model_dump(mode="json")
    if values.get("consent_on"):
        values["consent_on"] = expert.consent_on
    return {k: ([] if v is None and k in LISTS else v) for k, v in values.items()}


class Roster:
    """The Expert and Action Roster in the store."""

    def __init__(self, *, engine, facility: Facility, clock: Clock, door: str | None = None):
        self.engine, self.facility, self.clock = engine, facility, clock
        self.door = door
        """The door changes come through (the audit's `via`)."""

    def _audit(self, session, row: Expert, trigger: str, actor: str, at, payload: dict) -> None:
        audit_roster(session, row.id, trigger, actor=actor, at=at, payload=payload, via=self.door)

    def _require(self, actor: str, what: str) -> None:
        roles = sorted(str(r) for r in self.facility.person(actor).roles)
        if not set(roles) & set(KEEPERS):
            raise NotPermitted(f"cannot {what}: only a {' or '.join(KEEPERS)} may, and {actor} is {' and '.join(roles)}")

    def import_file(self, path: Path, *, actor: str) -> int:
        """Add every expert of a roster CSV, or none."""
        self._require(actor, "import experts")
        rows = read_roster(read_text(path, what="the roster", error=InvalidInput, limit=ROSTER_BYTES), source=str(path))
        now = self.clock.now()
        with transaction(self.engine) as session:
            emails = [e.email.lower() for _, e in rows]
            known = dict(session.exec(select(func.lower(Expert.email), Expert.id)
                                      .where(func.lower(Expert.email).in_(emails))).all()) if emails else {}
            if known:
                raise ImportRejected(str(path), [
                    f"line {line}, column email: {e.email} is already in the roster as E{known[e.email.lower()]}"
                    for line, e in rows if e.email.lower() in known])
            added = [(line, Expert(**_stored(e), created_at=now, updated_at=now)) for line, e in rows]
            session.add_all([row for _, row in added])
            session.flush()
            for line, row in added:
                self._audit(session, row, "import", actor, now, {"file": path.name, "line": line})
        return len(rows)

    def add(self, expert: ExpertIn, *, actor: str) -> Expert:
        self._require(actor, "add an expert")
        now = self.clock.now()
        row = Expert(**_stored(expert), created_at=now, updated_at=now)
        try:
            with transaction(self.engine) as session:
                self._unique(session, expert.email)
                session.add(row)
                session.flush()
                self._audit(session, row, "add", actor, now, _json_ready(_stored(expert)))
        except IntegrityError:
            raise Conflict(f"{expert.email} was added to the roster at the same time; look again") from None
        return row

    def update(self, key: str, changes: ExpertChanges, *, actor: str, expected_version: int | None = None) -> Expert:
        """Change some fields of an expert; the version guards against a concurrent change."""
        self._require(actor, "change an expert")
        values = _stored(changes, given=True)
        if not values:
            raise InvalidInput("nothing to change: give at least one field")
        try:
            with transaction(self.engine) as session:
                row = self._find(session, key)
                if expected_version is not None and row.version != expected_version:
                    raise Conflict(f"{key} is at version {row.version}, not {expected_version}: look again and retry")
                if "email" in values and values["email"].lower() != row.email.lower():
                    self._unique(session, values["email"])
                for name, value in values.items():
                    setattr(row, name, value)
                row.updated_at = self.clock.now()
                session.flush()
                self._audit(session, row, "update", actor, row.updated_at, _json_ready(values))
        except (StaleDataError, IntegrityError):
            raise Conflict(f"{key} was changed by someone else at the same time; nothing was written") from None
        return row

    def get(self, key: str) -> Expert:
        with reading(self.engine) as session:
            return self._find(session, key)

    def history(self, key: str) -> list:
        """The expert's own audit trail (added, imported, changed, erased), oldest first."""
        from store.tables import Audit

        with reading(self.engine) as session:
            row = self._find(session, key)
            return list(session.exec(select(Audit).where(Audit.subject_kind == "expert", Audit.subject_id == row.id)
                                     .order_by(Audit.id)))

    def find(self, *, theme: str | None = None, language: str | None = None, category: str | None = None,
             country: str | None = None) -> list[Expert]:
        """Experts by theme, working language, category and the administration's country, by name."""
        query = select(Expert).order_by(Expert.name, Expert.id)
        if category:
            query = query.where(Expert.category == category)
        if country:
            query = query.where(Expert.administration_country == country.upper())
        with reading(self.engine) as session:
            found = list(session.exec(query))
        return [e for e in found if (not theme or theme in e.themes)
                and (not language or language.lower() in {s["language"] for s in e.languages})]

    @staticmethod
    def _find(session, key: str) -> Expert:
        found = KEY.match(key.strip())
        if not found:
            raise InvalidInput(f"{key!r} is not an expert: name one by E and a number, like E17")
        row = session.get(Expert, int(found.group(1)))
        if row is None:
            raise NotFound(f"no expert {key.strip().upper()}")
        return row

    @staticmethod
    def _unique(session, email: str) -> None:
        other = session.exec(select(Expert.id).where(func.lower(Expert.email) == email.lower())).first()
        if other is not None:
            raise InvalidInput(f"{email} is already in the roster as E{other}")


MATCHED = ("id", "name", "category", "administration_country", "sex")
MATCHED_JSON = ("themes", "keywords", "languages", "available", "unavailable")
"""The columns matching reads, as Core rows (10,000 ORM objects took half a second to build); the
JSON ones as their text, parsed in one go (a JSON processor per value took another 0.3 s)."""
ROSTERS_KEPT = 4
_rosters: dict[tuple, tuple] = {}
"""The rosters read lately, by (store, since): (fingerprint, candidates). A process that matches
again (the resident answering `mieux expert match`) reads the roster again only if it changed."""


def roster_fingerprint(connection) -> tuple:
    """What changes whenever anything matching reads changes: per table the rows, the highest id,
    the sum of versions (every update of these rows bumps its version) and the latest update."""
    from sqlalchemy import func as f

    from store.tables import Activity, Assignment

    return tuple(connection.execute(select(f.count(), f.max(t.id), f.sum(t.version), f.max(t.updated_at))).one()
                 for t in (Expert, Assignment, Activity))


@contextmanager
def _no_collections():
    """Tens of thousands of new objects and no cycle among them: Python's cycle collector, run
    again and again as they are made, cost 40% of reading the roster."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def candidates(engine, *, since: date | None = None) -> list:
    """The roster in the store as matching sees it, each expert with the assignments that hold them
    (only those on activities from `since` on, when given: older ones neither overlap nor count
    for fair spread). Read again only when the store's roster, assignments or activities changed
    since this process last read them."""
    with _no_collections():
        return _candidates(engine, since=since)


def _candidates(engine, *, since: date | None = None) -> list:
    """candidates() itself, with the collector paused."""
    import json

    from sqlalchemy import Text, cast

    from domain.matching import Candidate, Engaged
    from states.assignment import GONE
    from store.tables import Action, Activity, Assignment

    key = (engine.url.render_as_string(hide_password=True), since)
    with reading(engine) as session:
        connection = session.connection()
        fingerprint = roster_fingerprint(connection)
        kept = _rosters.get(key)
        if kept is not None and kept[0] == fingerprint:
            return kept[1]
        table = Expert.__table__.c
        experts = connection.execute(select(*(table[c] for c in MATCHED), *(cast(table[c], Text) for c in MATCHED_JSON))
                                     .order_by(table.id)).all()
        held = (select(Assignment.expert_id, Action.reference, Activity.number, Assignment.state, Activity.start,
                       Activity.end).join(Activity, Assignment.activity_id == Activity.id)
                .join(Action, Assignment.action_id == Action.id).where(Assignment.state.not_in(GONE)))
        if since is not None:
            held = held.where((Activity.end >= since) | (Activity.end.is_(None)))
        engaged: dict[int, list] = {}
        for expert_id, reference, number, state, start, end in connection.execute(held).all():
            engaged.setdefault(expert_id, []).append(Engaged(f"{reference}/{number}", state, start, end))
    width = len(MATCHED_JSON)
    parsed = json.loads("[" + ",".join(text for row in experts for text in row[-width:]) + "]") if experts else []
    days: dict[str, date] = {}  # roster windows repeat the same few days: parse each once

    def day(text: str) -> date:
        found = days.get(text)
        if found is None:
            found = days[text] = date.fromisoformat(text)
        return found

    def windows(spans: list[dict]) -> tuple:
        return tuple((day(w["start"]), day(w["end"])) for w in spans)

    roster = []
    for n, (i, name, category, country, sex, *_) in enumerate(experts):
        themes, keywords, spoken, available, unavailable = parsed[n * width:(n + 1) * width]
        roster.append(Candidate(f"E{i}", name, category, country, sex, tuple(themes), tuple(keywords),
                                {s["language"]: s["level"] for s in spoken}, windows(available), windows(unavailable),
                                tuple(engaged.get(i, ()))))
    _rosters[key] = (fingerprint, roster)
    while len(_rosters) > ROSTERS_KEPT:
        del _rosters[next(iter(_rosters))]
    return roster


def match(service, activity_key: str, weights) -> tuple:
    """Rank the roster for an activity: (the activity, its Action, every expert judged, best first)."""
    from domain.matching import Need, rank, words

    activity = service.subject("activity", activity_key)
    action = service.get(activity_key.split("/")[0])
    need = Need(theme=action.theme, words=words(action.name, (action.fiche or {}).get("objective"), activity.title),
                languages=tuple(activity.languages), start=activity.start, end=activity.end,
                activity=f"{action.reference}/{activity.number}", triangular=action.triangular)
    since = None
    if activity.start:  # what can still overlap it or count as recent
        from domain.calendar import months_before

        since = months_before(activity.start, weights.spread_months)
    return activity, action, rank(candidates(service.engine, since=since), need, weights)


CONSENT_TELL = ["programme_manager"]
"""Who is told that an expert's consent is to be renewed (the roster's keeper)."""


def owe_consent_reminders(engine, *, facility: Facility, clock: Clock, months: int) -> int:
    """Owe one alert for each expert whose consent dates from more than `months` ago, once for each
    consent date (recording a new date makes a new reminder due in its time); returns how many."""
    from domain.calendar import months_before
    from notifications.directory import Directory
    from store import rows
    from store.tables import Alert

    now = clock.now()
    limit = months_before(now.astimezone(facility.zone).date(), months)
    recipients = Directory(facility).resolve(CONSENT_TELL, action=None)
    owed = 0
    with transaction(engine) as session:
        old = session.exec(select(Expert.id, Expert.name, Expert.consent_on, Expert.consent_purpose)
                           .where(Expert.consent_on < limit, Expert.email.not_like(f"%{ERASED_MAIL}"))).all()
        sources = {f"consent:E{i}:{on.isoformat()}": (i, name, on, purpose) for i, name, on, purpose in old}
        known = set(session.exec(select(Alert.source).where(Alert.source.in_(sources)))) if sources else set()
        for source, (i, name, on, purpose) in sources.items():
            if source in known:
                continue
            rows.add_alert(session, action_id=None, subject_kind="expert", subject_id=i, kind="expert.consent",
                           source=source, recipients=recipients, urgent=False, created_at=now,
                           data={"reference": f"E{i}", "name": name, "consent_on": on.isoformat(),
                                 "consent_purpose": purpose, "months": months})
            owed += 1
    return owed


def reach(engine, zone):
    """How the recipient directory reaches an expert named `E17`: by email, in the team's zone
    (the facility file does not hold experts)."""
    from notifications.directory import Recipient

    def recipient(person_id: str) -> Recipient | None:
        found = KEY.match(person_id)
        if not found:
            return None
        with reading(engine) as session:
            row = session.get(Expert, int(found.group(1)))
        return None if row is None else Recipient(expert_key(row), row.name, row.email, None, ("email",), zone,
                                                  roles=frozenset({"expert"}))

    return recipient


def summaries(experts: Iterable[Expert]) -> list[dict]:
    """What a roster list shows of each expert."""
    return [{"expert": expert_key(e), "name": e.name, "category": e.category, "country": e.administration_country,
             "languages": " ".join(f"{s['language']}:{s['level']}" for s in e.languages),
             "themes": ", ".join(e.themes)} for e in experts]
