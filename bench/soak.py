"""A simulated year of a programme ten times MIEUX's size, through the engine on a simulated clock.

Requests arrive through the year and are walked through their lifecycle as a team would: accepted,
a fiche with six activities, approved; each activity gets two experts (invited, contracted,
deployed, reports received), is prepared (its logistics checklist settled), delivered, its
participants registered; the evaluation forms go out by email, participants and experts answer
through the links they were sent; collections close; Actions finish, are monitored and close.
Every alert goes through the outbox to a loopback SMTP server. Each simulated day: the people's
work, then the sweep and the dispatcher, as `mieux serve` would run them.

At the end the store's invariants are checked (mieux.invariants) and the figures printed: what
was done, the database's size, the peak resident memory, simulated days per wall-clock second.
`make soak` runs the whole year (1,000 requests, 6,000 activities, 3,000 experts, about 50,000
answers); `--quick` is the small sample the test suite runs.
"""
import random
import re
import resource
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

from harness import Report
from sqlalchemy import func
from sqlmodel import select

from config.settings import DEFAULT_FACILITY, Settings
from domain.activities import ActivityChanges
from domain.assignments import AssignmentChanges, AssignmentIn
from domain.errors import MieuxError
from domain.experts import ExpertIn
from domain.schemas import ActionChanges, RequestIn
from loopback.receivers import SMTP_PASSWORD, SmtpServer
from mieux.bootstrap import bootstrap, store_clock
from mieux.invariants import broken_promises
from mieux.logistics import items_of
from store.db import make_engine, reading
from store.migrate import upgrade
from store.tables import Activity, Assignment, Delivery, FormAnswer

START = datetime(2026, 1, 5, 7, 0, tzinfo=timezone.utc)  # a Monday, 08:00 in Brussels
TYPES = ["fact_finding_mission", "assessment", "workshop", "training", "drafting_session", "training_of_trainers"]
FORM_LINK = re.compile(r"http://forms\.soak/f/([A-Za-z0-9_-]{43})")
THEMES = ["legal_migration", "irregular_migration", "international_protection", "migration_development",
          "horizontal"]


class Soak:
    def __init__(self, app, smtp, chance: random.Random, *, experts: int, participants: int, answer_share: float):
        self.app, self.smtp, self.chance = app, smtp, chance
        self.experts, self.participants, self.answer_share = experts, participants, answer_share
        self.todo: dict[int, list] = {}
        """Work due on each simulated day: (what, key, ...)."""
        self.refused: Counter = Counter()
        self.done: Counter = Counter()
        self.folder = Path(tempfile.mkdtemp(prefix="mieux-soak-"))
        self.officers: dict[str, str] = {}

    def officer(self, key: str) -> str:
        """The project officer of the Action `key` (a reference, or an activity's or expert's key) names."""
        return self.officers[key.split("/")[0]]

    # -- the calendar of work --------------------------------------------------------------------
    def later(self, day: int, *work) -> None:
        self.todo.setdefault(day, []).append(work)

    def act(self, what: str, fn, *args, **kwargs):
        try:
            result = fn(*args, **kwargs)
        except MieuxError as error:
            self.refused[f"{what}: {str(error)[:90]}"] += 1
            return None
        self.done[what] += 1
        return result

    def today(self) -> int:
        return (self.app.service.today() - START.date()).days

    # -- people's work ---------------------------------------------------------------------------
    def arrive(self, n: int) -> None:
        s, day = self.app.service, self.app.service.today()
        action = self.act("register", s.register, RequestIn.model_validate(
            {"name": f"Soak {n}", "requester": f"Ministry {n % 97}", "requester_type": "national_authority",
             "countries": [self.chance.choice(["GH", "PE", "PK", "MA", "JO", "KE"])],
             "region": self.chance.choice(["Africa (West)", "Asia", "Latin America and the Caribbean"]),
             "theme": self.chance.choice(THEMES), "channel": "email", "received_on": day.isoformat(),
             "focal_point": "Head of Policy", "focal_point_email": f"focal{n}@partner.soak",
             "project_officer": self.chance.choice(["ana", "jonas"])}), actor="ana")
        if action is not None:
            self.officers[action.reference] = action.project_officer
            self.later(self.today() + 2, "accept", action.reference)

    def accept(self, reference: str) -> None:
        if self.act("accept", self.app.service.fire, reference, "accept", actor=self.officer(reference)):
            self.later(self.today() + 7, "fiche", reference)

    def fiche(self, reference: str) -> None:
        today = self.app.service.today()
        starts = [today + timedelta(days=40 + 12 * k) for k in range(6)]
        fiche = {"objective": "Support the national migration strategy", "intervention_logic": "Peer exchange",
                 "activities": [{"type": TYPES[k], "title": f"{TYPES[k].replace('_', ' ').title()} {k + 1}",
                                 "start": d.isoformat(), "end": (d + timedelta(days=2)).isoformat(),
                                 "place": "Accra"} for k, d in enumerate(starts)]}
        if not self.act("submit_fiche", self.app.service.fire, reference, "submit_fiche", actor="lea",
                        changes=ActionChanges.model_validate({"fiche": fiche})):
            return
        for k, activity in enumerate(self.app.service.activities(reference)):
            key = f"{reference}/{activity.number}"
            self.act("activity update", self.app.service.edit, "activity", key,
                     ActivityChanges(country="GH", languages=["en"]), actor=self.officer(key))
            start = (activity.start - START.date()).days
            self.later(start - 25, "experts", key)
            self.later(start - 24, "prepare", key)
            self.later(start - 6, "get_ready", key)
            self.later(start, "deploy", key)
            self.later(start + 2, "deliver", key)
            self.later(start + 5, "complete", key)
        self.later(self.today() + 7, "approve", reference)

    def approve(self, reference: str) -> None:
        self.act("approve", self.app.service.fire, reference, "approve", actor="psg-devco",
                 changes=ActionChanges.model_validate({"psg_decision_on": self.app.service.today().isoformat()}))

    def experts_for(self, key: str) -> None:
        s = self.app.service
        proposed = 0
        for expert in self.chance.sample(range(1, self.experts + 1), min(self.experts, 20)):
            if proposed == 2:
                break
            assignment = f"{key}/E{expert}"
            try:  # an expert already deployed elsewhere on those dates is refused: the officer picks another
                s.propose_expert(key, AssignmentIn(expert=f"E{expert}", working_days=3, fee_per_day="450.00"),
                                 actor=self.officer(key))
            except MieuxError as error:
                self.done["propose refused (busy elsewhere), another picked" if " is on " in str(error)
                          else "propose refused"] += 1
                if " is on " not in str(error):
                    self.refused[f"propose: {str(error)[:90]}"] += 1
                continue
            proposed += 1
            self.done["propose"] += 1
            for trigger, changes in (("invite", None), ("accept", None),
                                     ("send_contract", AssignmentChanges(contract_on=s.today())),
                                     ("sign_contract", None)):
                if self.act(trigger, s.transition, "assignment", assignment, trigger, actor=self.officer(key),
                            changes=changes) is None:
                    break

    def prepare(self, key: str) -> None:
        self.act("prepare", self.app.service.transition, "activity", key, "prepare", actor=self.officer(key))

    def get_ready(self, key: str) -> None:
        for line in items_of(self.app.engine, key)[1]:
            if line.state == "open":
                self.act("checklist done", self.app.service.transition, "checklist_item", line.item, "done",
                         actor="marta")
        self.act("get_ready", self.app.service.transition, "activity", key, "get_ready", actor="marta")

    def _assignments(self, key: str, state: str) -> list[str]:
        return [f"{key}/E{a.expert_id}" for a, _ in self.app.service.assignments(key) if a.state == state]

    def deploy(self, key: str) -> None:
        for assignment in self._assignments(key, "contract_signed"):
            self.act("deploy", self.app.service.transition, "assignment", assignment, "deploy", actor=self.officer(key))

    def deliver(self, key: str) -> None:
        if not self.act("deliver", self.app.service.transition, "activity", key, "deliver", actor=self.officer(key)):
            return
        path = self.folder / "participants.csv"
        path.write_text("name,email,sex,institution\n" + "".join(
            f"Participant {i},p{i}.{key.replace('/', '-')}@partner.soak,{'woman' if i % 2 else 'man'},Ministry\n"
            for i in range(self.participants)), encoding="utf-8")
        self.act("participants", self.app.evaluation.import_participants, key, path, actor=self.officer(key))

    def complete(self, key: str) -> None:
        s = self.app.service
        for assignment in self._assignments(key, "deployed"):
            self.act("complete", s.transition, "assignment", assignment, "complete", actor=self.officer(key),
                     changes=AssignmentChanges(report_on=s.today()))

    def close_the_done(self) -> None:
        """Actions whose activities are all evaluated go on to monitoring; then closure, then closed."""
        s = self.app.service
        for action in s.actions(["implementation", "monitoring", "closure"]):
            if action.state == "implementation":
                if all(a.state in ("evaluated", "cancelled") for a in s.activities(action.reference)):
                    if self.act("finish_implementation", s.fire, action.reference, "finish_implementation",
                                actor=action.project_officer):
                        self.later(self.today() + 30, "start_closure", action.reference)
            elif action.state == "closure" and (s.today() - action.state_since.date()).days >= 10:
                self.act("close", s.fire, action.reference, "close", actor="pieter", changes=ActionChanges.model_validate(
                    {"final_report": "https://soak.example/report.pdf", "lessons_learnt": "Plan the logistics early"}))

    def start_closure(self, reference: str) -> None:
        self.act("start_closure", self.app.service.fire, reference, "start_closure", actor=self.officer(reference),
                 changes=ActionChanges.model_validate({"monitoring_completed_on": self.app.service.today().isoformat()}))

    def answer_forms(self) -> None:
        """Whoever was sent a form answers it (most do), through the link in their email."""
        for mail in self.smtp.inbox:
            found = FORM_LINK.search(mail.part("plain") or "")
            if not found or self.chance.random() > self.answer_share:
                continue
            page = self.app.evaluation.page(found.group(1))
            if page is None:
                continue
            answers = {}
            for q in page.form.questions:
                if q.kind == "agree5":
                    answers[q.key] = [str(self.chance.choice([3, 4, 4, 5, 5]))]
                elif q.kind == "yes_no":
                    answers[q.key] = [self.chance.choice(["yes", "yes", "no"])]
                elif q.kind == "choice":
                    answers[q.key] = [self.chance.choice(q.options).key]
            outcome = self.app.evaluation.submit(found.group(1), answers).outcome
            self.done[f"answer {outcome}"] += 1
        self.smtp.inbox.clear()

    # -- a day -----------------------------------------------------------------------------------
    def day(self, arrivals: list[int]) -> None:
        for n in arrivals:
            self.arrive(n)
        for what, *args in self.todo.pop(self.today(), []):
            {"accept": self.accept, "fiche": self.fiche, "approve": self.approve, "experts": self.experts_for,
             "prepare": self.prepare, "get_ready": self.get_ready, "deploy": self.deploy, "deliver": self.deliver,
             "complete": self.complete, "start_closure": self.start_closure}[what](*args)
        self.close_the_done()
        self.app.fire_all_due()
        for _ in range(100):
            if not self.app.outbox.dispatch().sent:
                break
        self.answer_forms()


def main() -> int:
    report = Report("soak", __doc__, requests=(1_000, 12, "requests arriving over the year"),
                    days=(365, 120, "simulated days"), experts=(3_000, 40, "experts in the roster"),
                    participants=(8, 4, "participants per activity"))
    args = report.args
    folder = Path(tempfile.mkdtemp(prefix="mieux-soak-store-"))
    smtp = SmtpServer(password=SMTP_PASSWORD).start()
    channels = folder / "channels.yaml"
    channels.write_text(f'version: 1\nurls:\n  - "{smtp.url(SMTP_PASSWORD)}":\n      - tag: email\n'
                        f'  - "{smtp.url(SMTP_PASSWORD)}":\n      - tag: chat\n', encoding="utf-8")
    settings = Settings(data_dir=folder, facility_file=DEFAULT_FACILITY, channels_file=channels, link_secret="s" * 40,
                        web_url="http://forms.soak", clock="simulated", clock_start=START)
    engine = make_engine(settings.database())
    upgrade(engine)
    store_clock(engine, settings, record=True)
    engine.dispose()
    app = bootstrap(settings)
    chance = random.Random(2026)
    started = time.perf_counter()
    for e in range(args.experts):
        app.roster.add(ExpertIn.model_validate(
            {"name": f"Expert {e}", "email": f"e{e}@expert.soak", "sex": chance.choice(["woman", "man"]),
             "nationality": "PT", "category": "eu_member_state_administration", "administration": "AIMA",
             "administration_country": chance.choice(["PT", "ES", "FR", "DE", "SE"]),
             "languages": [{"language": "en", "level": "C1"}], "themes": [chance.choice(THEMES)],
             "consent_on": "2025-12-01", "consent_purpose": "the roster"}), actor="pieter")
    report.line(f"roster: {args.experts:,} experts in {time.perf_counter() - started:.1f} s")
    soak = Soak(app, smtp, chance, experts=args.experts, participants=args.participants, answer_share=0.8)
    arrivals = sorted(chance.randrange(args.days) for _ in range(args.requests))
    per_day = Counter(arrivals)
    n = 0
    started = time.perf_counter()
    for day in range(args.days):
        soak.day(list(range(n, n + per_day[day])))
        n += per_day[day]
        app.clock.advance(days=1)
        if day % 30 == 29:
            report.line(f"day {day + 1}: {sum(soak.done.values()):,} acts, {sum(soak.refused.values())} refused, "
                        f"{time.perf_counter() - started:.0f} s")
    wall = time.perf_counter() - started
    problems = broken_promises(app.engine, app.policy)
    with reading(app.engine) as session:
        def count(table, *where) -> int:
            return session.exec(select(func.count()).select_from(table).where(*where)).one()

        activities, assignments, answers = count(Activity), count(Assignment), count(FormAnswer)
        sent, unsent = count(Delivery, Delivery.status == "sent"), count(Delivery, Delivery.status != "sent")
    size = sum(p.stat().st_size for p in folder.glob("mieux.db*"))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report.line(f"a simulated {args.days} days: {n:,} requests, {activities:,} activities, {assignments:,} assignments, "
                f"{answers:,} form answers, {sent:,} messages sent ({unsent:,} not), {sum(soak.done.values()):,} acts")
    report.line("Actions by state: " + ", ".join(f"{k} {v}" for k, v in sorted(Counter(
        a.state for a in app.service.actions()).items())))
    report.line(f"refused: {sum(soak.refused.values())} ({'; '.join(f'{k} x{v}' for k, v in soak.refused.most_common(5))})")
    report.line(f"invariants: {'all hold' if not problems else f'{len(problems)} broken: ' + '; '.join(problems[:5])}")
    report.line(f"database {size / 1e6:.1f} MB, peak resident memory {peak:.0f} MB, "
                f"{args.days / wall:.2f} simulated days per wall-clock second ({wall:.0f} s)")
    report.target("every invariant holds at the end", met=not problems)
    report.target("no unexpected refusal", met=not soak.refused, detail=f"{sum(soak.refused.values())} refused")
    smtp.stop()
    app.engine.dispose()
    return report.done({"requests": n, "activities": activities, "answers": answers, "sent": sent,
                        "problems": len(problems), "refused": sum(soak.refused.values()), "db_mb": round(size / 1e6, 1),
                        "peak_mb": round(peak), "days_per_second": round(args.days / wall, 3)})


if __name__ == "__main__":
    sys.exit(main())
