"""What people may send the engine, validated field by field before anything is stored.

Text is single-line (`Text`) or may span lines (`LongText`); neither may hold a NUL (PostgreSQL
refuses it), another control character, or a lone surrogate (what bytes that are not UTF-8
become). Dates people give (`Day`) lie in the years FIRST_YEAR to LAST_YEAR.
"""
import re
from datetime import date
from typing import Annotated

import pycountry
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from domain.model import ActivityStatus, ActivityType, Channel, RequesterType, Theme


FIRST_YEAR, LAST_YEAR = 1900, 2999
"""The years a date people give may fall in: wide enough for any programme's history and plans,
narrow enough that a slip such as 0026 or 20260 is refused, and counting working days from it
cannot overflow the calendar."""
TEXT_MAX = 300
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL_IN_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")  # tab and line ends allowed


def text_problem(value: str, *, lines: bool = False) -> str | None:
    """What is wrong with `value` as text to store, or None: the first NUL, control character or
    lone surrogate, by position."""
    found = (_CONTROL_IN_LINES if lines else _CONTROL).search(value)
    if found is None:
        return None
    char, at = found.group(), found.start() + 1
    if char == "\x00":
        return f"contains a NUL character (at {at})"
    if "\ud800" <= char <= "\udfff":
        return f"is not valid Unicode at {at} (bytes that are not UTF-8?)"
    if char in "\n\r\t":
        return f"must be a single line (a line break or tab at {at})"
    return f"contains the control character U+{ord(char):04X} (at {at})"


def _email(value: str) -> str:
    if len(value) > 254 or not _EMAIL.match(value):
        raise ValueError(f"{value!r} is not an email address")
    return value


Email = Annotated[str, AfterValidator(_email)]


def _text(value: str) -> str:
    if problem := text_problem(value):
        raise ValueError(problem)
    return value


def _lines(value: str) -> str:
    if problem := text_problem(value, lines=True):
        raise ValueError(problem)
    return value


def in_years(value: date) -> date:
    """A date in the years FIRST_YEAR to LAST_YEAR; anything else is refused by name."""
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"{value.isoformat()} is not between the years {FIRST_YEAR} and {LAST_YEAR}")
    return value


def country_code(value: str) -> str:
    """An ISO 3166-1 alpha-2 code, upper-cased; anything else is refused by name."""
    code = value.strip().upper()
    if not re.fullmatch(r"[A-Za-z]{2}", value.strip()) or pycountry.countries.get(alpha_2=code) is None:
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code")
    return code


def country_name(code: str) -> str:
    """How a reader names a country (`Ghana`, `Bolivia`), from its ISO code; the code as given if unknown."""
    found = pycountry.countries.get(alpha_2=code.strip().upper()) if len(code.strip()) == 2 else None
    return getattr(found, "common_name", None) or getattr(found, "name", None) or code


def split_words(value: object) -> object:
    """Accept "GH TG" as well as ["GH", "TG"]."""
    return value.split() if isinstance(value, str) else value


CountryCode = Annotated[str, AfterValidator(country_code)]
Countries = Annotated[list[CountryCode], BeforeValidator(split_words), Field(min_length=1)]
Text = Annotated[str, Field(min_length=1, max_length=TEXT_MAX), AfterValidator(str.strip), AfterValidator(_text)]
Line = Annotated[str, Field(max_length=TEXT_MAX), AfterValidator(_text)]
LongText = Annotated[str, Field(min_length=1, max_length=20_000), AfterValidator(_lines)]
Day = Annotated[date, AfterValidator(in_years)]


class Strict(BaseModel):
    """Unknown fields are errors, not silently dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PlannedActivity(Strict):
    """One activity the Action Fiche plans."""

    type: ActivityType
    title: Text
    start: Day | None = None
    end: Day | None = None
    place: Line | None = None
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
    received_on: Day
    focal_point: Text | None = None
    focal_point_email: Email | None = None
    project_officer: Text | None = None


class Changes(Strict):
    """What a person sends to change a subject: only the fields they set count."""

    def given(self) -> dict:
        """Only the fields the person actually set, as JSON-ready values (money as exact text)."""
        return self.model_dump(mode="json", exclude_unset=True)


class ActionChanges(Changes):
    """Fields a person may set on an Action, alone or as the payload of a trigger."""

    name: Text | None = None
    requester: Text | None = None
    requester_type: RequesterType | None = None
    countries: Countries | None = None
    region: Text | None = None
    theme: Theme | None = None
    channel: Channel | None = None
    focal_point: Text | None = None
    focal_point_email: Email | None = None
    project_officer: Text | None = None
    fiche: Fiche | None = None
    psg_decision_on: Day | None = None
    psg_comments: LongText | None = None
    monitoring_completed_on: Day | None = None
    final_report: LongText | None = None
    lessons_learnt: LongText | None = None
    forwarded_to: Text | None = None
    triangular: bool | None = None
