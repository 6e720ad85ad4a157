"""`mieux programme export DIR`: the whole programme out of the store as one CSV file per kind of
record (domain/programme.py says the files, their headers and how records name each other).

Everything is read in one transaction, so the files agree with each other; each file is written
whole to a temporary name and then renamed, so a folder never holds half a file.
"""
import os
from pathlib import Path

from sqlalchemy import func
from sqlmodel import select

from domain.errors import InvalidInput
from domain.programme import FILES, csv_text, languages_cell, windows_cell
from mieux.subjects import COLLECTIONS
from store.db import reading, transaction
from store.tables import (Action, Activity, Assignment, EvaluationCollection, Expert, FormAnswer, FormLink,
                          Participant)


def export_programme(engine, folder: Path, *, zone) -> dict[str, int]:
    """Write every file of the programme into `folder` (made if missing); returns rows per file."""
    with reading(engine) as session:
        actions = session.exec(select(Action)).all()
        reference = {a.id: a.reference for a in actions}
        activities = session.exec(select(Activity).order_by(Activity.action_id, Activity.number)).all()
        activity_key = {a.id: f"{reference[a.action_id]}/{a.number}" for a in activities}
        experts = session.exec(select(Expert).order_by(Expert.id)).all()
        email = {e.id: e.email for e in experts}
        assignments = session.exec(select(Assignment).order_by(Assignment.id)).all()
        collections = session.exec(select(EvaluationCollection).order_by(EvaluationCollection.id)).all()
        collection_key = {c.id: COLLECTIONS.key(session, c) for c in collections}
        links = session.exec(select(FormLink).order_by(FormLink.id)).all()
        answers = session.exec(select(FormAnswer).order_by(FormAnswer.id)).all()
        registered: dict[int, dict] = {}
        for activity_id, sex, n in session.exec(select(Participant.activity_id, Participant.sex, func.count())
                                                .group_by(Participant.activity_id, Participant.sex)).all():
            sexes = registered.setdefault(activity_id, {"women": 0, "men": 0, "other": 0})
            sexes[{"woman": "women", "man": "men"}.get(sex, "other")] += n

    def day(moment):
        return None if moment is None else moment.astimezone(zone).date().isoformat()

    ordered = sorted(actions, key=lambda a: _year_and_number(a.reference))
    content = {
        "actions.csv": [{"reference": a.reference, "name": a.name, "requester": a.requester,
                         "requester_type": a.requester_type, "countries": " ".join(a.countries), "region": a.region,
                         "theme": a.theme, "received_on": a.received_on, "status": a.state, "closed_on": a.closed_on,
                         "fiche_submitted_on": day(a.fiche_submitted_at), "psg_decision_on": a.psg_decision_on,
                         "triangular": a.triangular} for a in ordered],
        "activities.csv": [{"action": reference[a.action_id], "number": a.number, "type": a.type, "title": a.title,
                            "start": a.start, "end": a.end, "country": a.country, "city": a.city, "remote": a.remote,
                            "languages": " ".join(a.languages or ()), "status": a.state,
                            **registered.get(a.id, {sex: (a.participants or {}).get(sex, 0)
                                                    for sex in ("women", "men", "other")})}
                           for a in activities],
        "deliverables.csv": [{"activity": activity_key[a.id], **{k: d.get(k) for k in ("type", "title", "link")}}
                             for a in activities for d in a.deliverables or ()],
        "experts.csv": [{**{k: getattr(e, k) for k in ("name", "email", "phone", "sex", "nationality", "category",
                                                       "administration", "administration_country", "cv",
                                                       "consent_on", "consent_purpose", "proposed_by")},
                         "languages": languages_cell(e.languages), "themes": ";".join(e.themes),
                         "keywords": ";".join(e.keywords), "available": windows_cell(e.available),
                         "unavailable": windows_cell(e.unavailable), "added_on": day(e.created_at)} for e in experts],
        "assignments.csv": [{"activity": activity_key[s.activity_id], "expert": email[s.expert_id], "status": s.state,
                             **{k: getattr(s, k) for k in ("working_days", "travel_days", "fee_per_day", "contract_on",
                                                           "report_on")}} for s in assignments],
        "collections.csv": [{"collection": collection_key[c.id], "purpose": c.purpose, "status": c.state,
                             "forms_sent_on": day(c.dispatched_at), "reminders_sent": c.reminders_sent}
                            for c in collections],
        "invitations.csv": [{"collection": collection_key[x.collection_id], "form": x.form, "role": x.role,
                             "reminders": x.reminders, "answered": x.answered_at is not None} for x in links],
        "answers.csv": [{"collection": collection_key[x.collection_id], "form": x.form, "role": x.role,
                         "language": x.language, "after_reminders": x.after_reminders,
                         "submitted_on": x.submitted_on, "answers": x.answers} for x in answers],
    }
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, header in FILES.items():
            _write(folder / name, csv_text(header, content[name]))
    except OSError as error:
        raise InvalidInput(f"cannot write the programme into {folder}: {error.strerror}") from None
    return {name: len(rows) for name, rows in content.items()}


def _year_and_number(reference: str) -> tuple[int, int]:
    year, _, number = reference.partition("-")
    return (int(year), int(number)) if year.isdigit() and number.isdigit() else (10_000, 0)


def _write(path: Path, text: str) -> None:
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)


# -- import ------------------------------------------------------------------------------------
READ_LIMIT = 500_000_000


def import_programme(service, folder: Path, *, actor: str, forms) -> dict[str, int]:
    """Bring a whole programme folder into an empty store, every record in its state and audited as
    imported; every file and row is checked first, and one problem anywhere imports nothing."""
    from config.files import read_text
    from domain.errors import ImportRejected
    from domain.programme import read_folder
    from states.action import IMPORTERS

    service.require(actor, IMPORTERS, "import a programme")
    if not folder.is_dir():
        raise InvalidInput(f"{folder} is not a folder (a programme is one, with {', '.join(FILES)})")
    texts = {name: read_text(folder / name, what=name, error=InvalidInput, limit=READ_LIMIT)
             for name in FILES if (folder / name).is_file()}
    found = read_folder(texts)
    checked = _Checked(service, forms, found.rows, found.problems)
    if checked.problems:
        raise ImportRejected(str(folder), checked.problems)
    with transaction(service.engine) as session:
        held = (session.execute(select(func.count()).select_from(Action)).scalar(),
                session.execute(select(func.count()).select_from(Expert)).scalar())
        if any(held):
            raise ImportRejected(str(folder), [f"the store already holds {held[0]} Action(s) and {held[1]} expert(s): "
                                               "a programme is imported into an empty store (point MIEUX_DATA_DIR "
                                               "or MIEUX_DATABASE_URL at a new one and run mieux init)"])
        service.prepare()
        return checked.write(session, actor=actor)


class _Checked:
    """A folder's rows checked across files (every problem by file, line and column), then written."""

    def __init__(self, service, forms, rows: dict[str, list[dict]], problems: list[str]):
        self.service, self.forms, self.problems = service, forms, problems
        self.actions = self._actions(rows.get("actions.csv", []))
        self.activities = self._activities(rows.get("activities.csv", []))
        self.deliverables = self._deliverables(rows.get("deliverables.csv", []))
        self.experts = self._experts(rows.get("experts.csv", []))
        self.assignments = self._assignments(rows.get("assignments.csv", []))
        self.collections = self._collections(rows.get("collections.csv", []))
        self.invitations = self._invitations(rows.get("invitations.csv", []))
        self.answers = self._answers(rows.get("answers.csv", []))

    # -- checks, file by file ------------------------------------------------------------------
    def _typed(self, name: str, raw: dict, column: str, parse):
        try:
            return parse(raw[column])
        except ValueError as error:
            self.problems.append(f"{name}, line {raw['line']}, column {column}: {error}")
            return None

    def _model(self, name: str, raw: dict, model, values: dict):
        from pydantic import ValidationError

        try:
            return model.model_validate(values)
        except ValidationError as error:
            for e in error.errors():
                column = str(e["loc"][0]) if e["loc"] else "row"
                self.problems.append(f"{name}, line {raw['line']}, column {column}: "
                                     f"{e['msg'].removeprefix('Value error, ')}")
            return None

    def _actions(self, raws: list[dict]) -> dict:
        from domain.errors import ImportRejected
        from domain.portfolio import HEADER, read_portfolio
        from domain.programme import csv_text, day_or_none, yes_no

        lines = {n: raw["line"] for n, raw in enumerate(raws, start=2)}
        machine = self.service.machine
        try:
            parsed = read_portfolio(csv_text(HEADER, raws), source="actions.csv", region_label=self.service.facility.region,
                                    states=machine.states, terminal=machine.terminal, today=self.service.today())
        except ImportRejected as rejected:
            self.problems += [f"actions.csv, {_relined(p, lines)}" for p in rejected.problems]
            parsed = []
        by_reference = {raw["reference"]: raw for raw in reversed(raws)}  # read_portfolio refuses a second one
        found = {}
        for row in parsed:
            raw = by_reference[row.reference]
            found[row.reference] = (row, raw["line"], {
                "fiche_submitted_on": self._typed("actions.csv", raw, "fiche_submitted_on", day_or_none),
                "psg_decision_on": self._typed("actions.csv", raw, "psg_decision_on", day_or_none),
                "triangular": self._typed("actions.csv", raw, "triangular", yes_no)})
        return found

    def _activities(self, raws: list[dict]) -> dict:
        from domain.activities import ActivityIn
        from domain.programme import count, yes_no
        from states.activity import ACTIVITY

        found = {}
        for raw in raws:
            name, key = "activities.csv", f"{raw['action']}/{raw['number']}"
            if raw["action"] not in self.actions:
                self.problems.append(f"{name}, line {raw['line']}, column action: {raw['action']!r} is not an Action "
                                     "of actions.csv")
            number = self._typed(name, raw, "number", count)
            if key in found:
                self.problems.append(f"{name}, line {raw['line']}, column number: {key} is also on line "
                                     f"{found[key][1]}")
            if raw["status"] not in ACTIVITY.states:
                self.problems.append(f"{name}, line {raw['line']}, column status: {raw['status']!r} is not one of "
                                     f"{', '.join(ACTIVITY.states)}")
            remote = self._typed(name, raw, "remote", yes_no)
            counts = {sex: self._typed(name, raw, sex, count) for sex in ("women", "men", "other")}
            model = self._model(name, raw, ActivityIn, {
                "type": raw["type"], "title": raw["title"], "start": raw["start"] or None, "end": raw["end"] or None,
                "country": raw["country"] or None, "city": raw["city"] or None, "remote": bool(remote),
                "languages": raw["languages"].split()})
            found[key] = (model, raw["line"], {"number": number, "status": raw["status"], "participants": counts})
        return found

    def _deliverables(self, raws: list[dict]) -> dict[str, list]:
        from domain.activities import Deliverable

        found: dict[str, list] = {}
        for raw in raws:
            if raw["activity"] not in self.activities:
                self.problems.append(f"deliverables.csv, line {raw['line']}, column activity: {raw['activity']!r} "
                                     "is not an activity of activities.csv")
            model = self._model("deliverables.csv", raw, Deliverable,
                                {"type": raw["type"], "title": raw["title"], "link": raw["link"] or None})
            if model is not None:
                found.setdefault(raw["activity"], []).append(model.model_dump(mode="json", exclude_none=True))
        return found

    def _experts(self, raws: list[dict]) -> dict:
        from domain.errors import ImportRejected
        from domain.experts import HEADER, read_roster
        from domain.programme import csv_text, day_or_none

        lines = {n: raw["line"] for n, raw in enumerate(raws, start=2)}
        try:
            parsed = read_roster(csv_text(HEADER, raws), source="experts.csv")
        except ImportRejected as rejected:
            self.problems += [f"experts.csv, {_relined(p, lines)}" for p in rejected.problems]
            return {}
        by_email = {raw["email"].strip().lower(): raw for raw in reversed(raws)}  # read_roster refuses a second one
        return {expert.email.lower(): (expert, by_email[expert.email.lower()]["line"],
                                       self._typed("experts.csv", by_email[expert.email.lower()], "added_on",
                                                   day_or_none))
                for _, expert in parsed}

    def _assignments(self, raws: list[dict]) -> list:
        from domain.assignments import AssignmentChanges
        from states.assignment import ASSIGNMENT

        found, seen = [], {}
        for raw in raws:
            name, line = "assignments.csv", raw["line"]
            if raw["activity"] not in self.activities:
                self.problems.append(f"{name}, line {line}, column activity: {raw['activity']!r} is not an activity "
                                     "of activities.csv")
            if raw["expert"].lower() not in self.experts:
                self.problems.append(f"{name}, line {line}, column expert: {raw['expert']!r} is not an expert of "
                                     "experts.csv")
            if (first := seen.setdefault((raw["activity"], raw["expert"].lower()), line)) != line:
                self.problems.append(f"{name}, line {line}, column expert: {raw['expert']} is on {raw['activity']} "
                                     f"already (line {first})")
            if raw["status"] not in ASSIGNMENT.states:
                self.problems.append(f"{name}, line {line}, column status: {raw['status']!r} is not one of "
                                     f"{', '.join(ASSIGNMENT.states)}")
            terms = self._model(name, raw, AssignmentChanges, {k: raw[k] for k in (
                "working_days", "travel_days", "fee_per_day", "contract_on", "report_on") if raw[k]})
            found.append((raw, terms))
        return found

    def _collections(self, raws: list[dict]) -> dict:
        from domain.programme import count, day_or_none
        from mieux.subjects import ACTION_COLLECTION_KEY, COLLECTION_KEY, OF_ACTION
        from states.collection import CLOSED

        found = {}
        for raw in raws:
            name, line, key = "collections.csv", raw["line"], raw["collection"]
            if of_action := ACTION_COLLECTION_KEY.match(key):
                purpose, known = OF_ACTION[of_action.group(2).upper()], of_action.group(1) in self.actions
            elif of_activity := COLLECTION_KEY.match(key):
                purpose, known = "activity", of_activity.group(1) in self.activities
            else:
                self.problems.append(f"{name}, line {line}, column collection: {key!r} is not a collection's key "
                                     "(2026-07/3/C, 2026-07/P, 2026-07/F)")
                continue
            if not known:
                self.problems.append(f"{name}, line {line}, column collection: {key} belongs to no record of "
                                     "actions.csv or activities.csv")
            if raw["purpose"] != purpose:
                self.problems.append(f"{name}, line {line}, column purpose: {key} is a collection for {purpose}")
            if raw["status"] != CLOSED:
                self.problems.append(f"{name}, line {line}, column status: {key} is {raw['status']!r}; only closed "
                                     "collections come in (an open one's links went to people this store cannot "
                                     "reach): close it before exporting")
            if key in found:
                self.problems.append(f"{name}, line {line}, column collection: {key} is also on line {found[key][0]}")
            found[key] = (line, purpose, self._typed(name, raw, "forms_sent_on", day_or_none),
                          self._typed(name, raw, "reminders_sent", count))
        return found

    def _invitations(self, raws: list[dict]) -> list:
        from domain.programme import count, yes_no

        found = []
        for raw in raws:
            self._belongs("invitations.csv", raw)
            found.append((raw, self._typed("invitations.csv", raw, "reminders", count),
                          self._typed("invitations.csv", raw, "answered", yes_no)))
        return found

    def _answers(self, raws: list[dict]) -> list:
        import json

        from domain.programme import count, day_or_none

        found = []
        for raw in raws:
            name, line = "answers.csv", raw["line"]
            form = self._belongs(name, raw)
            if raw["language"] not in self.forms.languages:
                self.problems.append(f"{name}, line {line}, column language: {raw['language']!r} is not one of "
                                     f"{', '.join(self.forms.languages)}")
            try:
                given = json.loads(raw["answers"])
                if not isinstance(given, dict):
                    raise ValueError
            except ValueError:
                self.problems.append(f"{name}, line {line}, column answers: not a JSON object of answers")
                given = {}
            if form is not None and (unknown := sorted(set(given) - {q.key for q in form.questions})):
                self.problems.append(f"{name}, line {line}, column answers: {', '.join(unknown)} are not questions "
                                     f"of the {raw['form']} form")
            submitted = self._typed(name, raw, "submitted_on", day_or_none)
            if submitted is None and raw["submitted_on"] == "":
                self.problems.append(f"{name}, line {line}, column submitted_on: the day it was submitted is needed")
            found.append((raw, given, self._typed(name, raw, "after_reminders", count), submitted))
        return found

    def _belongs(self, name: str, raw: dict):
        """Check a row's collection, form and role; returns the form if it is one."""
        line = raw["line"]
        if raw["collection"] not in self.collections:
            self.problems.append(f"{name}, line {line}, column collection: {raw['collection']!r} is not a collection "
                                 "of collections.csv")
        if raw["role"] not in ("participant", "expert", "partner"):
            self.problems.append(f"{name}, line {line}, column role: {raw['role']!r} is not participant, expert or "
                                 "partner")
        form = self.forms.forms.get(raw["form"])
        if form is None:
            self.problems.append(f"{name}, line {line}, column form: {raw['form']!r} is not a form of the forms file "
                                 f"({', '.join(self.forms.forms)})")
        return form

    # -- writing, once everything is known good -------------------------------------------------
    def write(self, session, *, actor: str) -> dict[str, int]:
        from datetime import datetime, time

        from domain.forms import score
        from mieux.experts import _stored, audit_roster
        from mieux.portfolio import _advance_counters, _fields
        from mieux.subjects import ACTIONS, ACTIVITIES, ASSIGNMENTS, COLLECTIONS
        from notifications.links import digest, new_nonce
        from store.tables import Action as ActionRow

        service, zone, now = self.service, self.service.facility.zone, self.service.clock.now()

        def moment(day):
            return None if day is None else datetime.combine(day, time(9), zone)

        def imported(kind, row, line, name):
            service.record(session, row, service.event(kind, session, row, "import", None, row.state, actor, now,
                                                       payload={"file": name, "line": line}))

        actions = {}
        for reference, (row, line, extra) in self.actions.items():
            actions[reference] = ActionRow(**_fields(row, zone, now), created_at=now,
                                           fiche_submitted_at=moment(extra["fiche_submitted_on"]),
                                           psg_decision_on=extra["psg_decision_on"], triangular=bool(extra["triangular"]))
        session.add_all(actions.values())
        session.flush()
        for reference, (_, line, _) in self.actions.items():
            imported(ACTIONS, actions[reference], line, "actions.csv")
        _advance_counters(session, [row for row, _, _ in self.actions.values()])
        activities = {}
        for key, (model, line, extra) in self.activities.items():
            action = actions[key.rpartition("/")[0]]
            activities[key] = Activity(action_id=action.id, number=extra["number"], **model.model_dump(
                exclude={"planned_participants", "participants", "deliverables", "status"}, exclude_none=True),
                participants=extra["participants"], deliverables=self.deliverables.get(key, []),
                state=extra["status"], state_since=now, created_at=now, updated_at=now)
        session.add_all(activities.values())
        session.flush()
        for key, (_, line, _) in self.activities.items():
            imported(ACTIVITIES, activities[key], line, "activities.csv")
        experts = {}
        for email, (model, line, added) in self.experts.items():
            experts[email] = Expert(**_stored(model), created_at=moment(added) or now, updated_at=now)
        session.add_all(experts.values())
        session.flush()
        for email, (_, line, _) in self.experts.items():
            audit_roster(session, experts[email].id, "import", actor=actor, at=now,
                         payload={"file": "experts.csv", "line": line}, via=service.door)
        for raw, terms in self.assignments:
            activity = activities[raw["activity"]]
            row = Assignment(action_id=activity.action_id, activity_id=activity.id,
                             expert_id=experts[raw["expert"].lower()].id, state=raw["status"], state_since=now,
                             created_at=now, updated_at=now, **terms.model_dump(exclude_none=True))
            session.add(row)
            session.flush()
            imported(ASSIGNMENTS, row, raw["line"], "assignments.csv")
        collections = {}
        for key, (line, purpose, sent, reminders) in self.collections.items():
            if purpose == "activity":
                activity = activities[key.rpartition("/")[0]]
                owner, activity_id = activity.action_id, activity.id
            else:
                owner, activity_id = actions[key.rpartition("/")[0]].id, None
            collections[key] = EvaluationCollection(action_id=owner, activity_id=activity_id, purpose=purpose,
                                                    state="closed", state_since=now, dispatched_at=moment(sent),
                                                    reminders_sent=reminders, created_at=now, updated_at=now)
            session.add(collections[key])
            session.flush()
            imported(COLLECTIONS, collections[key], line, "collections.csv")
        for n, (raw, reminders, answered) in enumerate(self.invitations, start=1):
            session.add(FormLink(collection_id=collections[raw["collection"]].id, form=raw["form"], role=raw["role"],
                                 recipient=f"imported-{n}", language=self.forms.default_language, nonce=new_nonce(),
                                 token_hash=digest(new_nonce() + new_nonce()), created_at=now, reminders=reminders,
                                 answered_at=now if answered else None))  # a link nobody holds: it opens nothing
        for raw, given, after, submitted in self.answers:
            collection = collections[raw["collection"]]
            session.add(FormAnswer(collection_id=collection.id, action_id=collection.action_id,
                                   activity_id=collection.activity_id, form=raw["form"], role=raw["role"],
                                   language=raw["language"], answers=given,
                                   score=score(self.forms.forms[raw["form"]], given), after_reminders=after,
                                   submitted_on=submitted))
        session.flush()
        return {"actions.csv": len(actions), "activities.csv": len(activities),
                "deliverables.csv": sum(len(d) for d in self.deliverables.values()), "experts.csv": len(experts),
                "assignments.csv": len(self.assignments), "collections.csv": len(collections),
                "invitations.csv": len(self.invitations), "answers.csv": len(self.answers)}


def _relined(problem: str, lines: dict[int, int]) -> str:
    """A problem a reader reported by its own line, told by the file's line."""
    head, _, rest = problem.partition(",")
    if head.startswith("line ") and head[5:].isdigit():
        return f"line {lines.get(int(head[5:]), head[5:])},{rest}"
    if problem.startswith("line ") and problem[5:].split(":")[0].isdigit():
        number, _, rest = problem[5:].partition(":")
        return f"line {lines.get(int(number), number)}:{rest}"
    return problem
