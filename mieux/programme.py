"""`mieux programme export DIR`: the whole programme out of the store as one CSV file per kind of
record (domain/programme.py says the files, their headers and how records name each other).

Everything is read in one transaction, so the files agree with each other; each file is written
whole to a temporary name and then renamed, so a folder never holds half a file.
"""
import os
from pathlib import Path

from sqlmodel import select

from domain.errors import InvalidInput
from domain.programme import FILES, csv_text, languages_cell, windows_cell
from mieux.subjects import COLLECTIONS
from store.db import reading
from store.tables import Action, Activity, Assignment, EvaluationCollection, Expert, FormAnswer, FormLink


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
                            **{sex: (a.participants or {}).get(sex, 0) for sex in ("women", "men", "other")}}
                           for a in activities],
        "deliverables.csv": [{"activity": activity_key[a.id], **{k: d.get(k) for k in ("type", "title", "link")}}
                             for a in activities for d in a.deliverables or ()],
        "experts.csv": [{**{k: getattr(e, k) for k in ("name", "email", "phone", "sex", "nationality", "category",
                                                       "administration", "administration_country", "cv",
                                                       "consent_on", "consent_purpose", "proposed_by")},
                         "languages": languages_cell(e.languages), "themes": ";".join(e.themes),
                         "keywords": ";".join(e.keywords), "available": windows_cell(e.available),
                         "unavailable": windows_cell(e.unavailable)} for e in experts],
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
