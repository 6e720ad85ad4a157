"""Monitoring and evaluation: forms out on the clock, answered through links, closed.

When an activity is delivered it gets an evaluation collection (states/collection.py); when its
Action enters monitoring the partner authority gets one (`partner`), and when the Action closes a
six-month follow-up one (`follow_up`). The deadline policy keeps their clocks: `dispatch_forms`
gives each participant and each deployed expert (or the partner's focal point) their own link
(their form in the activity's language) and owes each an email; `collect_forms` reminds those who
have not answered, and when due closes the collection as the engine, which evaluates its
activity. A link's token is never stored (notifications/links.py); an answer is stored with the
activity and the respondent's role only. A low average score alerts the Action's project officer
with the answer. `summary` and `period` turn links and answers into figures (domain/figures.py).
"""
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from sqlalchemy import update
from sqlmodel import Session, select

from config.files import read_text
from domain.errors import ImportRejected, InvalidInput, NotPermitted
from domain.figures import Answer, Invitation, headline, summarise
from domain.forms import Form, Forms, check_answers, score
from domain.participants import read_participants
from mieux.subjects import (COLLECTIONS, action_collection, action_of, collection_activity, collection_of, find_action,
                            find_activity)
from notifications.directory import Directory
from notifications.links import SHAPE, FormLinks, digest, new_nonce
from states.action import CLOSED, MONITORING
from states.activity import DELIVERED
from states.collection import OPEN
from store import rows
from store.db import reading, transaction
from store.tables import Action, Activity, Assignment, Deadline, EvaluationCollection, FormAnswer, FormLink, Participant

PARTNER_FORMS = {"partner": "partner", "follow_up": "partner_follow_up"}
"""The form the partner authority answers in each of the Action's own collections."""
OPENED_BY = {MONITORING: "partner", CLOSED: "follow_up"}
"""The Action's own collection that opens when it enters each state."""
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
    role: str = ""
    """Whose form: a partner's answers are theirs alone, so they are not told the answers are anonymous."""


@dataclass(frozen=True)
class Submitted:
    """What became of a submission: `stored`, `invalid` (with the errors by question) or `unavailable`."""

    outcome: str
    errors: dict | None = None


UNAVAILABLE = Submitted("unavailable")


class Evaluation:
    """The evaluation's parts: the forms, the links, and the service the clock closes collections through."""

    def __init__(self, *, engine, forms: Forms, links: FormLinks, service, waves: int = 2):
        self.engine, self.forms, self.links, self.service = engine, forms, links, service
        self.waves = waves
        """How many reminder waves the policy sends: the response rate is given after each."""
        self.directory = Directory(service.facility)

    # -- the collection opens when its activity is delivered ------------------------------------
    def open_collections(self, session: Session, row, event) -> list[tuple]:
        """Spawner: an activity delivered now gets its evaluation collection (once); one recorded as
        delivered long ago (a fiche's history, an import) gets none. An Action entering monitoring
        gets its partner's collection, and closing, its follow-up (each once)."""
        if event.subject == "activity" and event.trigger == "deliver" and event.dest == DELIVERED \
                and collection_of(session, row) is None:
            return [(COLLECTIONS, {"action_id": row.action_id, "activity_id": row.id})]
        purpose = OPENED_BY.get(event.dest) if event.subject == "action" and event.moved else None
        if purpose and action_collection(session, row, purpose) is None:
            return [(COLLECTIONS, {"action_id": row.id, "purpose": purpose})]
        return []

    # -- the clock --------------------------------------------------------------------------------
    def dispatch(self, session: Session, *, deadline, subject: EvaluationCollection, action, now: datetime,
                 **_) -> None:
        """The forms go out: a link and an email for each participant and each expert who went, or for
        the partner's focal point; with nobody to send to, the project officer is told."""
        if subject.dispatched_at is None:
            activity = collection_activity(session, subject)
            language = self._language(session, subject, action)
            recipients = self._recipients(session, subject, activity, action)
            for recipient, form, role in recipients:
                self._send(session, subject, action, recipient, form, role, language, now)
            subject.dispatched_at = now
            if not recipients:
                self._owe(session, subject, action, "evaluation.nobody" if activity else "evaluation.no_partner_email",
                          f"collection:{subject.id}:nobody", self._officer(action),
                          self._facts(session, subject, action), now)
        deadline.status, deadline.stopped_at, deadline.stopped_by = "met", now, "dispatch_forms"
        session.flush()

    def collect(self, session: Session, *, rule, last, deadline, subject: EvaluationCollection, action, now: datetime,
                directory, related, **_) -> list:
        """A reminder to those who have not answered; when due, the collection closes. Returns the
        events of what the engine fired, for after the commit."""
        if last.point == "reminder":
            links = session.exec(select(FormLink).where(FormLink.collection_id == subject.id,
                                                        FormLink.answered_at.is_(None))).all()
            for link in links:
                link.reminders += 1
                self._owe(session, subject, action, "form.reminder", f"form-link:{link.id}:reminder:{last.seq}",
                          [link.recipient], self._link_facts(session, subject, action, link), now)
            subject.reminders_sent = max(subject.reminders_sent, last.seq)
            session.flush()
            return []
        facts = {**self._facts(session, subject, action), **self.figures(session, subject)}
        events = self.service.fire_as_engine(session, COLLECTIONS.name, subject, "close",
                                             reason="its deadline came")
        self._owe(session, subject, action, "evaluation.closed", f"collection:{subject.id}:closed",
                  directory.resolve(rule.on_due.tell, action=action, related=related), facts, now)
        return events

    def _recipients(self, session: Session, collection: EvaluationCollection, activity: Activity | None,
                    action) -> list[tuple[str, str, str]]:
        """Who gets a link, with their form and role: an activity's participants and experts who went,
        or the partner authority's focal point (`F` and the Action's id) when there is an email."""
        if activity is None:
            form = PARTNER_FORMS[collection.purpose]
            return [(f"F{action.id}", form, "partner")] if action.focal_point_email else []
        participants = session.exec(select(Participant.id).where(Participant.activity_id == activity.id)
                                    .order_by(Participant.id)).all()
        experts = session.exec(select(Assignment.expert_id).where(Assignment.activity_id == activity.id,
                                                                  Assignment.state.in_(RESPONDING))
                               .order_by(Assignment.id)).all()
        return [(f"P{p}", "participant", "participant") for p in participants] + \
               [(f"E{e}", "expert", "expert") for e in experts]

    def _language(self, session: Session, collection: EvaluationCollection, action) -> str:
        """The forms' language: the activity's working language; for the partner, the first working
        language of its activities, in their order, that the forms have (else the default)."""
        if collection.activity_id is not None:
            return self.forms.language_for(collection_activity(session, collection).languages)
        spoken = session.exec(select(Activity.languages).where(Activity.action_id == action.id)
                              .order_by(Activity.number)).all()
        return self.forms.language_for([code for languages in spoken for code in languages])

    def _send(self, session, collection, action, recipient, form, role, language, now) -> None:
        nonce = new_nonce()
        link = FormLink(collection_id=collection.id, form=form, role=role, recipient=recipient, language=language,
                        nonce=nonce, token_hash=self.links.token_hash(nonce), created_at=now)
        session.add(link)
        session.flush()
        self._owe(session, collection, action, "form.invitation", f"form-link:{link.id}:invitation", [recipient],
                  self._link_facts(session, collection, action, link), now)

    @staticmethod
    def _owe(session, collection, action, kind: str, source: str, recipients: list[str], data: dict, now) -> None:
        """An alert about a collection, owed once for its source."""
        rows.add_alert(session, action_id=action.id, subject_kind=COLLECTIONS.name, subject_id=collection.id,
                       kind=kind, source=source, recipients=recipients, urgent=False, created_at=now, data=data)

    def _officer(self, action) -> list[str]:
        """The Action's project officer, as the directory resolves the role."""
        return self.directory.resolve(["project_officer"], action=action)

    def _facts(self, session, collection, action) -> dict:
        """What every alert about a collection says: what is evaluated (the activity, else the Action)."""
        activity = collection_activity(session, collection)
        return {"reference": f"{action.reference}/{activity.number}" if activity else action.reference,
                "name": activity.title if activity else action.name,
                "of_action": f"{action.reference} {action.name}", "closes_on": self._closes_on(session, collection)}

    def _link_facts(self, session, collection, action, link: FormLink) -> dict:
        form = self.forms.forms[link.form]
        return {**self._facts(session, collection, action), "link_nonce": link.nonce,
                "form_title": form.title[link.language], "form_intro": form.intro[link.language],
                "language": link.language, "role": link.role}

    @staticmethod
    def _closes_on(session, collection) -> str | None:
        due = session.exec(select(Deadline.due_at).where(Deadline.subject_kind == COLLECTIONS.name,
                                                         Deadline.subject_id == collection.id,
                                                         Deadline.status != "replanned")
                           .order_by(Deadline.due_at.desc())).first()  # the closing is a collection's last
        return due.isoformat() if due else None

    def send_missing(self, key: str, *, actor: str) -> list[str]:
        """Send a collection's form to whoever should have it and has no link yet (a focal point's
        email recorded after the partner's form was due, an expert deployed late); returns who got one."""
        self._may_register(actor)
        now = self.service.clock.now()
        with transaction(self.engine) as session:
            collection = COLLECTIONS.find(session, key, for_update=True)
            if collection.state != OPEN:
                raise InvalidInput(f"{key.strip()} is {collection.state}: its forms can no longer be answered")
            if collection.dispatched_at is None:
                raise InvalidInput(f"{key.strip()}'s forms have not gone out yet: they go out with everyone's "
                                   f"(mieux deadlines shows when)")
            action = action_of(session, collection)
            if collection.activity_id is None and not action.focal_point_email:
                raise InvalidInput(f"{action.reference} has no email for its focal point: record it first (mieux "
                                   f"action update {action.reference} --focal-point-email ADDRESS)")
            linked = {r for r in session.exec(select(FormLink.recipient)
                                              .where(FormLink.collection_id == collection.id)).all()}
            missing = [r for r in self._recipients(session, collection, collection_activity(session, collection), action)
                       if r[0] not in linked]
            language = self._language(session, collection, action)
            for recipient, form, role in missing:
                self._send(session, collection, action, recipient, form, role, language, now)
            if missing:
                rows.add_audit(session, action_id=action.id, subject_kind=COLLECTIONS.name, subject_id=collection.id,
                               at=now, trigger="send_forms", from_state=collection.state, to_state=collection.state,
                               actor=actor, reason=None, payload={"sent_to": [r[0] for r in missing]},
                               via=self.service.door)
        return [r[0] for r in missing]

    def _may_register(self, actor: str) -> None:
        roles = {str(r) for r in self.service.facility.person(actor).roles}
        if not roles & REGISTRARS:
            raise NotPermitted(f"cannot register participants or send forms: only a {' or '.join(sorted(REGISTRARS))} "
                               f"may, and {actor} is {' and '.join(sorted(roles))}")

    # -- participants -----------------------------------------------------------------------------
    def import_participants(self, activity_key: str, path: Path, *, actor: str) -> int:
        """Register every participant of a CSV for an activity, or none; those registered after its
        forms went out get theirs at once."""
        self._may_register(actor)
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
                    self._send(session, collection, action, f"P{p.id}", "participant", "participant", language, now)
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
            activity = collection_activity(session, collection)
            title = activity.title if activity else action_of(session, collection).name
            closes = self._closes_on(session, collection)
        return Page(self.forms.forms[link.form], link.language, title, closes[:10] if closes else "", link.role)

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
                action = action_of(session, collection)
                session.flush()
                self._owe(session, collection, action, "form.low_score", f"form-link:{link.id}:low_score",
                          self._officer(action), {**self._facts(session, collection, action),
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

    def summary(self, reference: str) -> dict:
        """An Action's evaluation: each of its collections' figures, and all of them together."""
        with reading(self.engine) as session:
            action = find_action(session, reference.strip())
            collections = session.exec(select(EvaluationCollection).where(EvaluationCollection.action_id == action.id)
                                       .order_by(EvaluationCollection.activity_id.is_(None),
                                                 EvaluationCollection.id)).all()
            invitations, answers = self._gathered(session, [c.id for c in collections])
            shown = [{"collection": COLLECTIONS.key(session, c), "evaluates": COLLECTIONS.title(session, c),
                      "state": c.state, "forms_sent_on": self._day(c.dispatched_at),
                      "closes_on": (self._closes_on(session, c) or "")[:10] or None,
                      "reminders_sent": c.reminders_sent,
                      "forms": summarise(self.forms, invitations.get(c.id, []), answers.get(c.id, []),
                                         waves=self.waves)} for c in collections]
        every = [i for c in collections for i in invitations.get(c.id, [])]
        return {"action": action.reference, "name": action.name, "collections": shown,
                "overall": summarise(self.forms, every, [a for c in collections for a in answers.get(c.id, [])],
                                     waves=self.waves)}

    def period(self, start: date | None, end: date | None) -> dict:
        """The figures of every form sent between `start` and `end` (inclusive, the team's days): the
        headline shares the forms file names (`participants_skills_enhanced_share` ...) and each
        form's response rates."""
        zone = self.service.facility.zone
        with reading(self.engine) as session:
            sent = [c.id for c in session.exec(select(EvaluationCollection).where(
                EvaluationCollection.dispatched_at.is_not(None))).all()
                if (start is None or self._day(c.dispatched_at, zone) >= start.isoformat())
                and (end is None or self._day(c.dispatched_at, zone) <= end.isoformat())]
            invitations, answers = self._gathered(session, sent)
        figures = summarise(self.forms, [i for c in sent for i in invitations.get(c, [])],
                            [a for c in sent for a in answers.get(c, [])], waves=self.waves)
        return {**{name: headline(figures, *where.split(".")) for name, where in self.forms.headlines.items()},
                "evaluation": {"collections": len(sent), "response_rates": {
                    form: {"invited": f["invited"], "answered": f["answered"], "response_rate": f["response_rate"],
                           "after_each_reminder": f["response_rate_by_wave"]} for form, f in figures.items()}}}

    @staticmethod
    def _gathered(session: Session, collection_ids: list[int]) -> tuple[dict, dict]:
        """The invitations and answers of some collections, by collection id."""
        invitations: dict[int, list] = {}
        answers: dict[int, list] = {}
        for i in range(0, len(collection_ids), 500):
            chunk = collection_ids[i:i + 500]
            for cid, form, reminders, answered_at in session.exec(select(
                    FormLink.collection_id, FormLink.form, FormLink.reminders, FormLink.answered_at)
                    .where(FormLink.collection_id.in_(chunk))):
                invitations.setdefault(cid, []).append(Invitation(form, reminders, answered_at is not None))
            for cid, form, given, after in session.exec(select(
                    FormAnswer.collection_id, FormAnswer.form, FormAnswer.answers, FormAnswer.after_reminders)
                    .where(FormAnswer.collection_id.in_(chunk))):
                answers.setdefault(cid, []).append(Answer(form, given, after))
        return invitations, answers

    def _day(self, moment: datetime | None, zone=None) -> str | None:
        """A stored moment as the team's day (ISO), or None."""
        if moment is None:
            return None
        aware = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
        return aware.astimezone(zone or self.service.facility.zone).date().isoformat()


def _shown(form: Form, answers: dict) -> list[list]:
    """An answer as the project officer reads it in the alert: each question (English) and its answer."""
    return [[q.text["en"], answers[q.key]] for q in form.questions if q.key in answers]



def reach_respondent(engine, zone, person_id: str):
    """How the recipient directory reaches a respondent held in the store by email, in the team's
    zone: a participant named `P12`, an Action's partner focal point `F7` (its email as it is now)."""
    from notifications.directory import Recipient

    letter, number = person_id[:1].upper(), person_id[1:]
    if letter not in "PF" or not number.isdigit() or len(person_id) >= 12:
        return None
    with reading(engine) as session:
        if letter == "P":
            row = session.get(Participant, int(number))
            return None if row is None else Recipient(f"P{row.id}", row.name, row.email, None, ("email",), zone,
                                                      roles=frozenset({"participant"}))
        action = session.get(Action, int(number))
    if action is None or not action.focal_point_email:
        return None
    return Recipient(f"F{action.id}", action.focal_point or f"Focal point of {action.reference}",
                     action.focal_point_email, None, ("email",), zone, roles=frozenset({"partner"}))
