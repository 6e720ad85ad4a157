"""Wire the engine together from settings: the one place that builds real adapters."""
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from config.facility import Facility, load_facility
from config.settings import Settings
from domain.clock import Clock, SystemClock
from mieux.service import ActionService, Effect, Observer
from store.db import check_schema, make_engine


@dataclass(frozen=True)
class App:
    """The running engine's parts."""

    settings: Settings
    facility: Facility
    engine: Engine
    service: ActionService


def bootstrap(settings: Settings, *, clock: Clock | None = None, effects: Iterable[Effect] = (),
              observers: Iterable[Observer] = (), check: bool = True) -> App:
    """Build the engine; with `check`, refuse a store whose schema is missing or out of date."""
    facility = load_facility(settings.facility_file)
    if settings.database_url is None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database())
    if check:
        check_schema(engine)
    service = ActionService(engine=engine, facility=facility, clock=clock or SystemClock(),
                            effects=effects, observers=observers)
    return App(settings, facility, engine, service)
