"""What people may send about an activity, validated field by field before anything is stored."""
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from domain.model import ActivityType
from domain.schemas import Changes, CountryCode, Day, Strict, Text, split_words


class DeliverableType(StrEnum):
    """What an activity may produce."""

    analytical_report = "analytical_report"
    policy = "policy"
    strategy = "strategy"
    action_plan = "action_plan"
    manual = "manual"
    standard_operating_procedures = "standard_operating_procedures"
    survey = "survey"
    legislation_draft = "legislation_draft"
    curriculum = "curriculum"


def language_code(value: str) -> str:
    """An ISO 639-1 code such as en, fr, es, lower-cased."""
    import pycountry

    code = value.strip().lower()
    if len(code) != 2 or pycountry.languages.get(alpha_2=code) is None:
        raise ValueError(f"{value!r} is not an ISO 639-1 language code (en, fr, es ...)")
    return code


Languages = Annotated[list[Annotated[str, AfterValidator(language_code)]], BeforeValidator(split_words)]
Count = Annotated[int, Field(ge=0, le=1_000_000)]


class Participants(Strict):
    """People counted by sex, as the programme reports them."""

    women: Count = 0
    men: Count = 0
    other: Count = 0
    """Other or undisclosed."""


class Deliverable(Strict):
    """Something an activity produced: a report, a strategy, a draft law ..."""

    type: DeliverableType
    title: Text
    link: Text | None = None


class ActivityChanges(Changes):
    """Fields a person may set on an activity, alone or as the data of a trigger."""

    type: ActivityType | None = None
    title: Text | None = None
    start: Day | None = None
    end: Day | None = None
    country: CountryCode | None = None
    city: Text | None = None
    remote: bool | None = None
    languages: Languages | None = None
    planned_participants: Participants | None = None
    participants: Participants | None = None
    deliverables: list[Deliverable] | None = None



class ActivityIn(ActivityChanges):
    """A new activity: its type and title at least."""

    type: ActivityType
    title: Text

    @model_validator(mode="after")
    def _dates_in_order(self) -> "ActivityIn":
        if self.start and self.end and self.end < self.start:
            raise ValueError(f"activity {self.title!r} ends ({self.end}) before it starts ({self.start})")
        return self
