"""Monitoring and evaluation: an activity's forms out on the clock, answered through links, closed.

When an activity is delivered it gets an evaluation collection (states/collection.py). The
deadline policy keeps its clock: `dispatch_forms` gives each participant and each deployed expert
their own link (their form in the activity's language) and owes each an email; `collect_forms`
reminds those who have not answered, and when due closes the collection as the engine, which
evaluates the activity. A link's token is never stored (notifications/links.py); an answer is
stored with the activity and the respondent's role only. A low average score alerts the Action's
project officer with the answer.
"""
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import update
from sqlmodel import Session, select

from config.files import read_text
from domain.errors import ImportRejected, InvalidInput, NotPermitted
from domain.forms import Form, Forms, check_answers, score
from domain.participants import read_participants
from mieux.subjects import COLLECTIONS, action_of, collection_of, find_activity
from notifications.directory import Directory
from notifications.links import SHAPE, FormLinks, digest, new_nonce
from states.activity import DELIVERED
from states.collection import OPEN
from store import rows
from store.db import reading, transaction
from store.tables import Activity, Assignment, Deadline, EvaluationCollection, FormAnswer, FormLink, Participant

RESPONDING = ("deployed", "completed")
"""The assignments whose experts answer the expert form: those who went."""
REGISTRARS = {"project_officer", "junior_project_officer", "programme_manager", "logistics_assistant"}
"""Who may register an activity's participants."""
PARTICIPANTS_BYTES = 5_000_000


@dataclass(frozen=True)
class Page:
    """What a link opens: its form, in its language, for one activity (or why it opens nothing)."""

    form: Form | None
    language: str
    activity: str = ""
    closes_on: str = ""


@dataclass(frozen=True)
class Submitted:
    """What became of a submission: `stored`, `invalid` (with the errors by question) or `unavailable`."""

    outcome: str
    errors: dict | None = None


UNAVAILABLE = Submitted("unavailable")


class Evaluation:
    """The evaluation's parts: the forms, the links, and the service the clock closes collections through."""

    def __init__(self, *, engine, forms: Forms, links: FormLinks, service):
        self.engine, self.forms, self.links, self.service = engine, forms, links, service
        self.directory = Directory(service.facility)

    # -- the collection opens when its activity is delivered ------------------------------------
    def open_collections(self, session: Session, row, event) -> list[tuple]:
        """Spawner: an activity delivered now gets its evaluation collection (once); one recorded as
        delivered long ago (a fiche's history, an import) gets none."""
        if event.subject == "activity" and event.trigger == "deliver" and event.dest == DELIVERED \
                and collection_of(session, row) is None:
            return [(COLLECTIONS, {"action_id": row.action_id, "activity_id": row.id})]
        return []

    # -- the clock --------------------------------------------------------------------------------
    def dispatch(self, session: Session, *, deadline, subject: EvaluationCollection, action, now: datetime,
                 **_) -> None:
        """The forms go out: a link and an email for each participant and each expert who went."""
        if subject.dispatched_at is None:
            activity = session.get(Activity, subject.activity_id)
            language = self.forms.language_for(activity.languages)
            recipients = self._recipients(session, activity)
            for recipient, form, role in recipients:
                self._send(session, subject, activity, action, recipient, form, role, language, now)
            subject.dispatched_at = now
            if not recipients:
                self._owe(session, subject, action, "evaluation.nobody", f"collection:{subject.id}:nobody",
                          self._officer(action), self._facts(session, subject, activity, action), now)
        deadline.status, deadline.stopped_at, deadline.stopped_by = "met", now, "dispatch_forms"
        session.flush()

    def collect(self, session: Session, *, rule, last, deadline, subject: EvaluationCollection, action, now: datetime,
                directory, related, **_) -> list:
        """A reminder to those who have not answered; when due, the collection closes. Returns the
        events of what the engine fired, for after the commit."""
        activity = session.get(Activity, subject.activity_id)
        if last.point == "reminder":
            links = session.exec(select(FormLink).where(FormLink.collection_id == subject.id,
                                                        FormLink.answered_at.is_(None))).all()
            for link in links:
                link.reminders += 1
                self._owe(session, subject, action, "form.reminder", f"form-link:{link.id}:reminder:{last.seq}",
                          [link.recipient], self._link_facts(session, subject, activity, action, link), now)
            subject.reminders_sent = max(subject.reminders_sent, last.seq)
            session.flush()
            return []
        facts = {**self._facts(session, subject, activity, action), **self.figures(session, subject)}
        events = self.service.fire_as_engine(session, COLLECTIONS.name, subject, "close",
                                             reason="its deadline came")
        self._owe(session, subject, action, "evaluation.closed", f"collection:{subject.id}:closed",
                  directory.resolve(rule.on_due.tell, action=action, related=related), facts, now)
        return events

    def _recipients(self, session: Session, activity: Activity) -> list[tuple[str, str, str]]:
        participants = session.exec(select(Participant.id).where(Participant.activity_id == activity.id)
                                    .order_by(Participant.id)).all()
        experts = session.exec(select(Assignment.expert_id).where(Assignment.activity_id == activity.id,
                                                                  Assignment.state.in_(RESPONDING))
                               .order_by(Assignment.id)).all()
        return [(f"P{p}", "participant", "participant") for p in participants] + \
               [(f"E{e}", "expert", "expert") for e in experts]

    def _send(self, session, collection, activity, action, recipient, form, role, language, now) -> None:
        nonce = new_nonce()
        link = FormLink(collection_id=collection.id, form=form, role=role, recipient=recipient, language=language,
                        nonce=nonce, token_hash=self.links.token_hash(nonce), created_at=now)
        session.add(link)
        session.flush()
        self._owe(session, collection, action, "form.invitation", f"form-link:{link.id}:invitation", [recipient],
                  self._link_facts(session, collection, activity, action, link), now)

    @staticmethod
    def _owe(session, collection, action, kind: str, source: str, recipients: list[str], data: dict, now) -> None:
        """An alert about a collection, owed once for its source."""
        rows.add_alert(session, action_id=action.id, subject_kind=COLLECTIONS.name, subject_id=collection.id,
                       kind=kind, source=source, recipients=recipients, urgent=False, created_at=now, data=data)

    def _officer(self, action) -> list[str]:
        """The Action's project officer, as the directory resolves the role."""
        return self.directory.resolve(["project_officer"], action=action)

    def _facts(self, session, collection, activity, action) -> dict:
        return {"reference": f"{action.reference}/{activity.number}", "name": activity.title,
                "of_action": f"{action.reference} {action.name}", "closes_on": self._closes_on(session, collection)}

    def _link_facts(self, session, collection, activity, action, link: FormLink) -> dict:
        form = self.forms.forms[link.form]
        return {**self._facts(session, collection, activity, action), "link_nonce": link.nonce,
                "form_title": form.title[link.language], "form_intro": form.intro[link.language],
                "language": link.language}

    @staticmethod
    def _closes_on(session, collection) -> str | None:
        due = session.exec(select(Deadline.due_at).where(Deadline.subject_kind == COLLECTIONS.name,
                                                         Deadline.subject_id == collection.id,
                                                         Deadline.kind == "evaluation_closes")
                           .order_by(Deadline.id.desc())).first()
        return due.isoformat() if due else None

    # -- participants -----------------------------------------------------------------------------
    def import_participants(self, activity_key: str, path: Path, *, actor: str) -> int:
        """Register every participant of a CSV for an activity, or none; those registered after its
        forms went out get theirs at once."""
        roles = {str(r) for r in self.service.facility.person(actor).roles}
        if not roles & REGISTRARS:
            raise NotPermitted(f"cannot register participants: only a {' or '.join(sorted(REGISTRARS))} may, "
                               f"and {actor} is {' and '.join(sorted(roles))}")
        people = read_participants(read_text(path, what="the participants file", error=InvalidInput,
                                             limit=PARTICIPANTS_BYTES), source=str(path))
        now = self.service.clock.now()
        with transaction(self.engine) as session:
            activity = find_activity(session, activity_key)
            action = action_of(session, activity)
            known = {e.lower(): e for e in session.exec(select(Participant.email)
                                                       .where(Participant.activity_id == activity.id)).all()}
            clashes = [f"line {line}, column email: {p.email} is registered for {activity_key} already"
                       for line, p in people if p.email.lower() in known]
            if clashes:
                raise ImportRejected(str(path), clashes)
            added = [Participant(action_id=activity.action_id, activity_id=activity.id, created_at=now,
                                 **p.model_dump()) for _, p in people]
            session.add_all(added)
            session.flush()
            collection = collection_of(session, activity)
            if collection and collection.state == OPEN and collection.dispatched_at is not None:
                language = self.forms.language_for(activity.languages)
                for p in added:
                    self._send(session, collection, activity, action, f"P{p.id}", "participant", "participant",
                               language, now)
            rows.add_audit(session, action_id=activity.action_id, subject_kind="activity", subject_id=activity.id,
                           at=now, trigger="register_participants", from_state=activity.state,
                           to_state=activity.state, actor=actor, reason=None,
                           payload={"participants": len(added)}, via=self.service.door)
        return len(added)

    def participants(self, activity_key: str) -> list[Participant]:
        with reading(self.engine) as session:
            activity = find_activity(session, activity_key)
            return list(session.exec(select(Participant).where(Participant.activity_id == activity.id)
                                     .order_by(Participant.id)).all())

    # -- answering --------------------------------------------------------------------------------
    def page(self, token: str) -> Page | None:
        """The form a link opens, or None: unknown, answered and closed links look the same."""
        with reading(self.engine) as session:
            found = self._link(session, token)
            if found is None:
                return None
            link, collection = found
            activity = session.get(Activity, collection.activity_id)
            closes = self._closes_on(session, collection)
        return Page(self.forms.forms[link.form], link.language, activity.title, closes[:10] if closes else "")

    def submit(self, token: str, submitted: dict[str, list[str]]) -> Submitted:
        """Store one answer through a link, all or nothing; a second submission of the link stores nothing."""
        now = self.service.clock.now()
        with transaction(self.engine) as session:
            found = self._link(session, token)
            if found is None:
                return UNAVAILABLE
            link, collection = found
            form = self.forms.forms[link.form]
            answers, errors = check_answers(form, submitted, link.language)
            if errors:
                return Submitted("invalid", errors)
            claimed = session.exec(update(FormLink).where(FormLink.id == link.id, FormLink.answered_at.is_(None))
                                   .values(answered_at=now).execution_options(synchronize_session=False)).rowcount
            if claimed != 1:  # answered meanwhile, by a submission that got here first
                return UNAVAILABLE
            average = score(form, answers)
            session.add(FormAnswer(collection_id=collection.id, action_id=collection.action_id,
                                   activity_id=collection.activity_id, form=link.form, role=link.role,
                                   language=link.language, answers=answers, score=average,
                                   after_reminders=link.reminders, submitted_on=self.service.today()))
            if average is not None and average <= self.forms.low_score:
                activity = session.get(Activity, collection.activity_id)
                action = action_of(session, activity)
                session.flush()
                self._owe(session, collection, action, "form.low_score", f"form-link:{link.id}:low_score",
                          self._officer(action), {**self._facts(session, collection, activity, action),
                                                  "form": link.form, "role": link.role, "score": round(average, 2),
                                                  "answers": _shown(form, answers)}, now)
        return Submitted("stored")

    @staticmethod
    def _link(session: Session, token: str):
        """The link a token opens and its collection, if it is open and the link unanswered."""
        if not SHAPE.match(token or ""):
            return None
        found = session.exec(select(FormLink, EvaluationCollection)
                             .join(EvaluationCollection, FormLink.collection_id == EvaluationCollection.id)
                             .where(FormLink.token_hash == digest(token))).first()
        if found is None or found[0].answered_at is not None or found[1].state != OPEN:
            return None
        return found

    # -- figures ----------------------------------------------------------------------------------
    @staticmethod
    def figures(session: Session, collection: EvaluationCollection) -> dict:
        """Invited, answered and the response rate of one collection."""
        links = session.exec(select(FormLink.answered_at).where(FormLink.collection_id == collection.id)).all()
        answered = sum(1 for a in links if a is not None)
        return {"invited": len(links), "answered": answered,
                "response_rate": round(answered / len(links), 3) if links else None}


def _shown(form: Form, answers: dict) -> list[list]:
    """An answer as the project officer reads it in the alert: each question (English) and its answer."""
    return [[q.text["en"], answers[q.key]] for q in form.questions if q.key in answers]



def reach_participant(engine, zone, person_id: str):
    """How the recipient directory reaches a participant named `P12`: by email, in the team's zone."""
    from notifications.directory import Recipient

    if not (person_id[:1] in "Pp" and person_id[1:].isdigit() and len(person_id) < 12):
        return None
    with reading(engine) as session:
        row = session.get(Participant, int(person_id[1:]))
    return None if row is None else Recipient(f"P{row.id}", row.name, row.email, None, ("email",), zone,
                                              roles=frozenset({"participant"}))
