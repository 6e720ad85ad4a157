"""An expert's personal data: everything held about them, exported; or erased everywhere.

Export writes what the store holds about one expert: the roster fields, their assignments, the
messages owed to them with their deliveries, and the audit rows about them (the roster's changes
and their assignments').

Erasure replaces what says who the expert is (name, email, phone, CV) with their pseudonym
(`E17`) in every text and JSON column of every table (a free-text reason, an alert's words, a
delivery's last error), also as JSON escapes it, and clears the roster row's other personal
fields (administration, keywords, availability, consent purpose, who proposed them). What programme statistics count stays: sex, nationality,
category, the administration's country, themes, the assignments. The audit trail is append-only
except through this door: the store lets audit rows change only while an erasure is open in the
same transaction, and only in their reason and payload (migration 0010). The erasure itself is
recorded in `erasure` without the erased data. On SQLite the file is then checkpointed and
vacuumed, so the old values are not left in free pages or the write-ahead log.
"""
import json
from datetime import date, datetime

from sqlalchemy import JSON, String, Text, cast, func, literal, update
from sqlmodel import SQLModel, select

from config.facility import Facility
from domain.clock import Clock
from domain.errors import InvalidInput, NotPermitted
from mieux.experts import ERASED_MAIL, KEY, Roster, audit_roster, expert_key
from store.db import reading, transaction
from store.tables import Action, Activity, Alert, Assignment, Audit, Delivery, Erasure

ERASERS = ("programme_manager", "admin")
"""Who may erase an expert's personal data (exporting it is for whoever keeps the roster)."""


def erased(person: str) -> dict:
    """What the roster row's fields that say who the expert is become; the others are what
    programme statistics count (sex, nationality, category, the administration's country, themes)."""
    return {"name": f"Erased expert {person}", "email": f"{person.lower()}@{person.lower()}{ERASED_MAIL}",
            "phone": None, "cv": None, "administration": "(erased)", "proposed_by": None,
            "consent_purpose": "(erased)", "keywords": [], "available": [], "unavailable": []}


def _json(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def export(engine, key: str) -> dict:
    """Everything the store holds about one expert, as JSON-ready values."""
    expert_id = _id(key)
    with reading(engine) as session:
        expert = Roster._find(session, key)
        held = session.exec(select(Assignment, Activity.number, Action.reference)
                            .join(Activity, Assignment.activity_id == Activity.id)
                            .join(Action, Assignment.action_id == Action.id)
                            .where(Assignment.expert_id == expert_id).order_by(Assignment.id)).all()
        ids = [a.id for a, _, _ in held]
        trail = session.exec(select(Audit).where(
            ((Audit.subject_kind == "assignment") & Audit.subject_id.in_(ids))
            | ((Audit.subject_kind == "expert") & (Audit.subject_id == expert_id))).order_by(Audit.id)).all()
        person = expert_key(expert)
        owed = session.exec(select(Alert).where(cast(Alert.recipients, Text).contains(f'"{person}"'))
                            .order_by(Alert.id)).all()
        deliveries = session.exec(select(Delivery).where(Delivery.person == person)).all()
        erasures = session.exec(select(Erasure).where(Erasure.person == person)).all()
    keys = {a.id: f"{ref}/{number}/E{expert_id}" for a, number, ref in held}
    return {
        "expert": person,
        "roster": {k: _json(v) for k, v in expert.model_dump(exclude={"id"}).items()},
        "assignments": [{"assignment": keys[a.id], **{k: _json(v) for k, v in a.model_dump(
            exclude={"id", "action_id", "activity_id", "expert_id"}).items()}} for a, _, _ in held],
        "messages": [{"kind": alert.kind, "created_at": _json(alert.created_at), "data": alert.data,
                      "deliveries": [{"channel": d.channel, "status": d.status, "sent_at": _json(d.sent_at)}
                                     for d in deliveries if d.alert_id == alert.id]} for alert in owed],
        "audit": [{"subject": person if e.subject_kind == "expert" else keys.get(e.subject_id), "at": _json(e.at),
                   "trigger": e.trigger, "from": e.from_state, "to": e.to_state, "actor": e.actor, "reason": e.reason,
                   "payload": e.payload, "via": e.via} for e in trail],
        "erasures": [{"at": _json(e.at), "actor": e.actor, "changed": e.changed} for e in erasures],
    }


def erase(engine, key: str, *, facility: Facility, clock: Clock, actor: str, via: str | None = None) -> dict:
    """Erase an expert's personal data everywhere; returns how many values changed in each table."""
    roles = {str(r) for r in facility.person(actor).roles}
    if not roles & set(ERASERS):
        raise NotPermitted(f"cannot erase an expert's personal data: only a {' or '.join(ERASERS)} may, and {actor} "
                           f"is {' and '.join(sorted(roles))}")
    expert_id = _id(key)
    now = clock.now()
    with transaction(engine) as session:
        expert = Roster._find(session, key)
        person = expert_key(expert)
        if expert.email.endswith(ERASED_MAIL):
            raise InvalidInput(f"{person}'s personal data was erased already")
        values = sorted({v for v in (expert.name, expert.email, expert.phone, expert.cv) if v and len(v) >= 3},
                        key=len, reverse=True)  # what says who they are (an administration or a keyword does not)
        erasure = Erasure(person=person, at=now, actor=actor, via=via, changed={})
        session.add(erasure)
        session.flush()  # open: the audit trail may change (migration 0010) until it is closed below
        changed = {}
        for value in values:  # longest first: an email before a name inside it
            for table, column, is_json in _text_columns():
                if table.name in ("expert", "erasure"):
                    continue
                done = _replace(session, table, column, is_json, value, person)
                if done:
                    changed[f"{table.name}.{column.name}"] = changed.get(f"{table.name}.{column.name}", 0) + done
        for field, value in erased(person).items():
            setattr(expert, field, value)
        expert.updated_at = now
        erasure.changed = dict(sorted(changed.items()))
        erasure.closed_at = now
        audit_roster(session, expert_id, "erase", actor=actor, at=now, payload={"values_replaced": erasure.changed},
                     via=via, state="erased")
    _scrub_file(engine)
    return erasure.changed


def _id(key: str) -> int:
    found = KEY.match(key.strip())
    if not found:
        raise InvalidInput(f"{key!r} is not an expert: name one by E and a number, like E17")
    return int(found.group(1))


def _text_columns():
    """(table, column, is JSON) for every column that can hold a person's words."""
    for table in SQLModel.metadata.sorted_tables:
        for column in table.columns:
            kind = getattr(column.type, "impl", column.type)  # AutoString and UTCDateTime decorate a type
            if isinstance(kind, JSON):
                yield table, column, True
            elif isinstance(kind, (String, Text)) and not column.primary_key:
                yield table, column, False


def _replace(session, table, column, is_json: bool, value: str, pseudonym: str) -> int:
    """Replace `value` by `pseudonym` in one column (JSON as its text, in its escaped form too)."""
    total = 0
    forms = [value] if not is_json else list(dict.fromkeys([value, json.dumps(value)[1:-1]]))
    for form in forms:
        as_text = cast(column, Text) if is_json else column
        replaced = func.replace(as_text, literal(form), literal(pseudonym))
        new = cast(replaced, column.type) if is_json and session.bind.dialect.name != "sqlite" else replaced
        result = session.execute(update(table).where(as_text.contains(form, autoescape=True)).values({column.key: new})
                                 .execution_options(synchronize_session=False))
        total += result.rowcount
    return total


def _scrub_file(engine) -> None:
    """On SQLite, leave no old value in the file's free pages or its write-ahead log, nor in the
    full-text index's older segments (merged into one, without the replaced words)."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as connection:
        raw = connection.connection.driver_connection
        if raw.execute("SELECT 1 FROM sqlite_master WHERE name = 'knowledge_fts'").fetchone():
            raw.execute("INSERT INTO knowledge_fts(knowledge_fts) VALUES ('optimize')")
            raw.commit()
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        raw.execute("VACUUM")
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
