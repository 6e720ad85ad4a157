"""What people may send the engine, validated field by field before anything is stored."""
from datetime import date
from typing import Annotated

import pycountry
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from domain.model import ActivityStatus, ActivityType, Channel, RequesterType, Theme


def country_code(value: str) -> str:
    """An ISO 3166-1 alpha-2 code, upper-cased; anything else is refused by name."""
    code = value.strip().upper()
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code")
    return code


def split_words(value: object) -> object:
    """Accept "GH TG" as well as ["GH", "TG"]."""
    return value.split() if isinstance(value, str) else value


CountryCode = Annotated[str, AfterValidator(country_code)]
Countries = Annotated[list[CountryCode], BeforeValidator(split_words), Field(min_length=1)]
Text = Annotated[str, Field(min_length=1, max_length=300), AfterValidator(str.strip)]
LongText = Annotated[str, Field(min_length=1, max_length=20_000)]


class Strict(BaseModel):
    """Unknown fields are errors, not silently dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PlannedActivity(Strict):
    """One activity the Action Fiche plans."""

    type: ActivityType
    title: Text
    start: date | None = None
    end: date | None = None
    place: str | None = None
    status: ActivityStatus = ActivityStatus.planned

    @model_validator(mode="after")
    def _dates_in_order(self) -> "PlannedActivity":
        if self.start and self.end and self.end < self.start:
            raise ValueError(f"activity {self.title!r} ends ({self.end}) before it starts ({self.start})")
        return self


class Fiche(Strict):
    """The Action Fiche: objective, intervention logic and planned activities."""

    objective: LongText | None = None
    intervention_logic: LongText | None = None
    activities: list[PlannedActivity] = []


class RequestIn(Strict):
    """A request as it arrives: what `mieux request add` takes."""

    name: Text
    requester: Text
    requester_type: RequesterType
    countries: Countries
    region: Text
    theme: Theme
    channel: Channel
    received_on: date
    focal_point: Text | None = None
    project_officer: Text | None = None


class ActionChanges(Strict):
    """Fields a person may set on an Action, alone or as the payload of a trigger."""

    name: Text | None = None
    requester: Text | None = None
    requester_type: RequesterType | None = None
    countries: Countries | None = None
    region: Text | None = None
    theme: Theme | None = None
    channel: Channel | None = None
    focal_point: Text | None = None
    project_officer: Text | None = None
    fiche: Fiche | None = None
    psg_decision_on: date | None = None
    psg_comments: LongText | None = None
    monitoring_completed_on: date | None = None
    final_report: LongText | None = None
    lessons_learnt: LongText | None = None
    forwarded_to: Text | None = None

    def given(self) -> dict:
        """Only the fields the person actually set, as JSON-ready values."""
        return self.model_dump(mode="json", exclude_unset=True)
