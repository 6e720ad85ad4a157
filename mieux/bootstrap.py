"""Wire the engine together from settings: the one place that builds real adapters.

Parts that only some commands need are built on first use: the deadline policy and office
calendar (loading every country's holidays costs a fifth of a second) when a transition or a
flow first needs them, the outbox (apprise) when something is sent. `mieux serve` touches the
policy at start-up, so a wrong policy file stops it there with the file and place named.
"""
from collections.abc import Iterable
from datetime import datetime, timezone
from functools import cached_property
from typing import TYPE_CHECKING

from config.facility import Facility, load_facility
from config.settings import Settings
from domain.clock import Clock, SystemClock
from domain.errors import ConfigError
from mieux.service import ActionService, Effect, Observer
from mieux.subjects import MACHINES, checked_policy, parents_of, people_of
from notifications.directory import Directory
from notifications.planner import TransitionAlerts
from states.action import CLOSED, IMPLEMENTATION, MONITORING
from store.db import check_schema, make_engine

if TYPE_CHECKING:
    from mieux.evaluation import Evaluation
    from mieux.invitations import Invitations
    from mieux.knowledge import Knowledge
    from notifications.links import FormLinks
    from domain.calendar import BusinessCalendar
    from mieux.experts import Roster
    from domain.deadlines import Policy
    from notifications.outbox import Outbox


class App:
    """The running engine's parts."""

    def __init__(self, settings: Settings, facility: Facility, engine, clock: Clock,
                 effects: Iterable[Effect] = (), observers: Iterable[Observer] = ()):
        self.settings, self.facility, self.engine = settings, facility, engine
        self.directory = Directory(facility, held=self._held)
        alerts = TransitionAlerts(self.directory, MACHINES.values(), parents=parents_of, people=people_of)
        self.service = ActionService(engine=engine, facility=facility, clock=clock, observers=observers,
                                     effects=[self._keep_deadlines, self._invitation_links, self._file_knowledge,
                                              alerts, *effects],
                                     spawners=[self._make_checklists, self._open_evaluations, self._draft_news],
                                     prepare=lambda: (self.deadline_keeper, self.checklists))

    def _held(self, person_id: str):
        """The directory's way to people held in the store (experts, participants), loaded on first use."""
        from mieux.evaluation import reach_respondent
        from mieux.experts import reach

        return reach(self.engine, self.facility.zone)(person_id) or reach_respondent(self.engine, self.facility.zone,
                                                                                     person_id)

    def load_everything(self) -> None:
        """Build now what is otherwise built on first use, so a wrong policy or channels file stops
        a long-running process at start-up rather than at its first deadline."""
        _ = (self.policy, self.calendar, self.outbox, self.checklists, self.evaluation)

    @property
    def clock(self) -> Clock:
        return self.service.clock

    @cached_property
    def policy(self) -> "Policy":
        return checked_policy(self.settings.deadlines_file, self.facility)

    @cached_property
    def calendar(self) -> "BusinessCalendar":
        from config.policy import calendar

        return calendar(self.policy, self.facility)

    @cached_property
    def deadline_keeper(self):
        from mieux.deadlines import DeadlineKeeper

        return DeadlineKeeper(self.policy, self.calendar)

    def _keep_deadlines(self, session, action, event) -> None:
        """The deadline effect, built when a transition first needs it."""
        self.deadline_keeper(session, action, event)

    @cached_property
    def checklists(self):
        """Makes activities' logistics checklists, from the checklist file checked against the policy."""
        from mieux.logistics import Checklists, load_catalogue

        return Checklists(load_catalogue(self.settings.logistics_file, self.policy))

    def _make_checklists(self, session, row, event) -> list:
        return self.checklists(session, row, event)

    @cached_property
    def links(self) -> "FormLinks":
        """How form links' tokens are made (the secret: MIEUX_LINK_SECRET, else DATA_DIR/link.secret)."""
        from notifications.links import FormLinks, link_secret

        s = self.settings
        given = s.link_secret.get_secret_value() if s.link_secret else None
        return FormLinks(link_secret(given, s.data_dir), s.web_url or f"http://{s.web_host}:{s.web_port}")

    @cached_property
    def evaluation(self) -> "Evaluation":
        """Evaluation forms: their file, their links, the collections' clock."""
        from config.files import load_model
        from domain.errors import ConfigError
        from domain.forms import Forms
        from mieux.evaluation import Evaluation

        forms = load_model(self.settings.forms_file, Forms, what="the evaluation forms file", error=ConfigError)
        waves = max((len(r.reminders) for r in self.policy.deadlines if r.fire == "collect_forms"), default=0)
        return Evaluation(engine=self.engine, forms=forms, links=self.links, service=self.service, waves=waves)

    @cached_property
    def invitations(self) -> "Invitations":
        """Experts' invitation links: made when an expert is invited, answered through the web."""
        from mieux.invitations import Invitations

        return Invitations(engine=self.engine, links=self.links, service=self.service)

    def _invitation_links(self, session, row, event) -> None:
        if event.subject == "assignment" and event.trigger == "invite":  # else nothing is built
            self.invitations(session, row, event)

    @cached_property
    def knowledge(self) -> "Knowledge":
        """The knowledge register: filed on closure, added to by hand, searched."""
        from mieux.knowledge import Knowledge

        return Knowledge(engine=self.engine, service=self.service)

    def _file_knowledge(self, session, row, event) -> None:
        if event.subject == "action" and event.dest == CLOSED:  # else nothing is built
            self.knowledge(session, row, event)

    def _draft_news(self, session, row, event) -> list:
        if event.subject != "action" or event.dest not in (IMPLEMENTATION, CLOSED):
            return []
        from mieux.communications import draft_news

        return draft_news(session, row, event, facility=self.facility.name)

    def _open_evaluations(self, session, row, event) -> list:
        if not (event.subject == "activity" and event.trigger == "deliver"
                or event.subject == "action" and event.dest in (MONITORING, CLOSED)):
            return []  # nothing to open: the forms file is not even read
        return self.evaluation.open_collections(session, row, event)

    def fire_all_due(self, **kwargs):
        """Fire every due timer (mieux.deadlines.fire_all_due) with the engine's parts, then tell the
        observers what the engine itself fired (a collection closed, its activity evaluated)."""
        from mieux.deadlines import fire_all_due

        events: list = []
        done = fire_all_due(self.engine, policy=self.policy, facility=self.facility, clock=self.clock,
                            evaluation=self.evaluation, events=events, **kwargs)
        if events:
            self.service.notify(*events)
        return done

    @cached_property
    def roster(self) -> "Roster":
        """The Expert and Action Roster."""
        from mieux.experts import Roster

        return Roster(engine=self.engine, facility=self.facility, clock=self.clock, door=self.service.door)

    @cached_property
    def outbox(self) -> "Outbox":
        """The outbox, built on first use (so commands that never send do not load apprise)."""
        from notifications.channels import load_channels
        from notifications.outbox import Outbox, OutboxPolicy

        s = self.settings
        return Outbox(engine=self.engine, facility=self.facility, clock=self.clock, ui_url=s.ui_url,
                      directory=self.directory, links=self.links,
                      channels=load_channels(s.channels_file, secrets_file=s.secrets_file),
                      policy=OutboxPolicy(max_attempts=s.outbox_max_attempts, backoff_seconds=s.outbox_backoff_seconds,
                                          backoff_cap_seconds=s.outbox_backoff_cap_seconds,
                                          lease_seconds=s.outbox_lease_seconds))


def bootstrap(settings: Settings, *, clock: Clock | None = None, effects: Iterable[Effect] = (),
              observers: Iterable[Observer] = (), check: bool = True) -> App:
    """Build the engine; with `check`, refuse a store whose schema is missing or out of date."""
    facility = load_facility(settings.facility_file)
    if settings.database_url is None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database())
    if check:
        check_schema(engine)
        if clock is None:
            clock = store_clock(engine, settings)
    return App(settings, facility, engine, clock or SystemClock(), effects, observers)


def store_clock(engine, settings: Settings, *, record: bool = False) -> Clock:
    """The clock the settings ask for, if the store accepts it. A store keeps the time it was first
    run on: one that has kept real time (any store with a history made before the clock was
    recorded) refuses a simulated clock, whose history would mix with its own; a simulated store
    refuses real time, and keeps its simulation's start and speed for every process that opens it.
    `mieux init` records real time (`record`); a simulation is recorded by the first process to run it."""
    import json

    from sqlalchemy.exc import IntegrityError
    from sqlmodel import select

    from domain.clock import SimulatedClock
    from store.db import reading, transaction
    from store.tables import Audit, Setting

    with reading(engine) as session:  # a read: never waits for a writer
        kept = session.get(Setting, "clock")
        history = kept is None and session.exec(select(Audit.id).limit(1)).first() is not None
    if kept is None and settings.clock == "system" and not record:
        return SystemClock()  # real time needs no record to run on (a read-only command writes nothing)
    if kept is None:  # recorded once; several processes at once agree on the first
        now = datetime.now(timezone.utc)
        value = "system" if settings.clock == "system" or history else json.dumps({
            "start": (settings.clock_start or now).isoformat(), "anchor": now.isoformat(),
            "speed": settings.clock_speed})
        try:
            with transaction(engine) as session:
                if session.get(Setting, "clock") is None:
                    session.add(Setting(key="clock", value=value))
        except IntegrityError:
            pass  # another process recorded it first: theirs stands
        with reading(engine) as session:
            kept = session.get(Setting, "clock")
    if kept.value == "system":
        if settings.clock == "simulated":
            raise ConfigError("this store keeps real time: a simulated clock would mix its made-up history with "
                              "the store's own; run the simulation on a store of its own (another MIEUX_DATA_DIR "
                              "or database)")
        return SystemClock()
    if settings.clock == "system":
        raise ConfigError("this store runs on a simulated clock (MIEUX_CLOCK=simulated): its history cannot go on "
                          "in real time; use a store of its own for real work")
    simulation = json.loads(kept.value)
    return SimulatedClock(datetime.fromisoformat(simulation["start"]), anchor=datetime.fromisoformat(simulation["anchor"]),
                          speed=simulation["speed"])
