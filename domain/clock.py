"""Where the engine gets the time: injected, never read from the system directly."""
from datetime import datetime, timedelta, timezone
from typing import Protocol


class Clock(Protocol):
    """Anything that tells the current time as an aware UTC datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real time."""

    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class FixedClock:
    """A clock that moves only when told to: for tests and simulations."""

    def __init__(self, at: datetime):
        self.at = as_utc(at)

    def now(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> datetime:
        self.at += timedelta(**delta)
        return self.at

    def set(self, at: datetime) -> None:
        self.at = as_utc(at)


class SimulatedClock:
    """Simulated time for a demo or a soak: it began at `start` when the real time was `anchor`, and
    runs `speed` times as fast as real time; `advance` jumps it forward (a day of the simulation in
    a moment). Every process built on the same store agrees on `start`, `anchor` and `speed` (the
    store keeps them: mieux.bootstrap)."""

    def __init__(self, start: datetime, *, anchor: datetime, speed: float = 1.0, real: Clock | None = None):
        self.start, self.anchor, self.speed = as_utc(start), as_utc(anchor), speed
        self.real = real or SystemClock()
        self.jumped = timedelta(0)

    def now(self) -> datetime:
        return self.start + (self.real.now() - self.anchor) * self.speed + self.jumped

    def advance(self, **delta: float) -> datetime:
        self.jumped += timedelta(**delta)
        return self.now()


def as_utc(moment: datetime) -> datetime:
    """The same instant in UTC; a naive datetime is refused rather than guessed."""
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment.isoformat()}: give a time zone")
    return moment.astimezone(timezone.utc)
