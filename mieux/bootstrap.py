"""Wire the engine together from settings: the one place that builds real adapters."""
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine

from config.facility import Facility, load_facility
from config.policy import calendar as build_calendar
from config.policy import load_policy
from config.settings import Settings
from domain.calendar import BusinessCalendar
from domain.clock import Clock, SystemClock
from domain.deadlines import Policy
from mieux.deadlines import DeadlineKeeper
from mieux.service import ActionService, Effect, Observer
from notifications.planner import TransitionAlerts
from states.action import ACTION
from store.db import check_schema, make_engine

if TYPE_CHECKING:
    from notifications.outbox import Outbox


@dataclass(frozen=True)
class App:
    """The running engine's parts."""

    settings: Settings
    facility: Facility
    policy: Policy
    calendar: BusinessCalendar
    engine: Engine
    service: ActionService

    @cached_property
    def outbox(self) -> "Outbox":
        """The outbox, built on first use (so commands that never send do not load apprise)."""
        from notifications.channels import load_channels
        from notifications.outbox import Outbox, OutboxPolicy

        s = self.settings
        return Outbox(engine=self.engine, facility=self.facility, clock=self.clock, ui_url=s.ui_url,
                      channels=load_channels(s.channels_file, secrets_file=s.secrets_file),
                      policy=OutboxPolicy(max_attempts=s.outbox_max_attempts, backoff_seconds=s.outbox_backoff_seconds,
                                          backoff_cap_seconds=s.outbox_backoff_cap_seconds,
                                          lease_seconds=s.outbox_lease_seconds))

    @property
    def clock(self) -> Clock:
        return self.service.clock


def bootstrap(settings: Settings, *, clock: Clock | None = None, effects: Iterable[Effect] = (),
              observers: Iterable[Observer] = (), check: bool = True) -> App:
    """Build the engine; with `check`, refuse a store whose schema is missing or out of date."""
    facility = load_facility(settings.facility_file)
    policy = load_policy(settings.deadlines_file, machine=ACTION, facility=facility)
    calendar = build_calendar(policy, facility)
    if settings.database_url is None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database())
    if check:
        check_schema(engine)
    clock = clock or SystemClock()
    service = ActionService(engine=engine, facility=facility, clock=clock, observers=observers,
                            effects=[DeadlineKeeper(policy, calendar), TransitionAlerts(facility), *effects])
    return App(settings, facility, policy, calendar, engine, service)
