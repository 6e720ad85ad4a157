"""The facility file: time zone, region labels, and the people with their roles."""
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from config.files import load_model

from domain.errors import ConfigError, NotFound
from domain.model import Role
from domain.schemas import Text


def _zone_name(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{value!r} is not an IANA time zone") from None
    return value


class Person(BaseModel):
    """A team member (or PSG member) who fires triggers and receives alerts."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    name: Text
    email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    chat: str | None = None
    roles: frozenset[Role] = Field(min_length=1)
    timezone: str | None = None
    channels: list[str] = ["email"]
    digest_at: str | None = Field(default=None, pattern=r"^([01]\d|2[0-3]):[0-5]\d$")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        return value if value is None else _zone_name(value)


class Facility(BaseModel):
    """Everything about the facility that is configuration rather than data."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = "MIEUX"
    timezone: str = "Europe/Brussels"
    regions: list[Text] = Field(min_length=1)
    people: list[Person] = Field(min_length=1)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        return _zone_name(value)

    @model_validator(mode="after")
    def _unique(self) -> "Facility":
        for what, values in (("region", self.regions), ("person id", [p.id for p in self.people])):
            dupes = sorted({v for v in values if values.count(v) > 1})
            if dupes:
                raise ValueError(f"duplicate {what}: {', '.join(dupes)}")
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def zone_of(self, person: Person | None) -> ZoneInfo:
        """The time zone a person reads times in: their own, else the team's."""
        return ZoneInfo(person.timezone) if person and person.timezone else self.zone

    def person(self, person_id: str) -> Person:
        """The person with this id, or NotFound naming who exists."""
        for p in self.people:
            if p.id == person_id:
                return p
        known = ", ".join(p.id for p in self.people)
        raise NotFound(f"unknown person {person_id!r}: the facility file knows {known}")

    def with_role(self, role: Role) -> list[Person]:
        """Everyone who holds `role`."""
        return [p for p in self.people if role in p.roles]

    def region(self, label: str) -> str | None:
        """The configured spelling of a region label, matched without regard to case."""
        return next((r for r in self.regions if r.casefold() == label.strip().casefold()), None)


def load_facility(path: Path) -> Facility:
    """Read and validate the facility file; every problem is reported with its place."""
    return load_model(path, Facility, what="the facility file", error=ConfigError)
