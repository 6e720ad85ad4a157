"""The Expert and Action Roster: who the facility can send, validated before anything is stored.

An expert is a person held in the store (not in the facility file): a civil servant of a Member
State administration, most often, who shares practice with peers. Personal fields (name, email,
phone, CV) are kept apart from what programme statistics may keep after erasure (category, sex,
nationality, the administration's country).
"""
import csv
import io
import re
from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, ValidationError, model_validator

from domain.activities import language_code
from domain.errors import ImportRejected
from domain.model import Theme
from domain.schemas import CountryCode, Day, Email, Strict, Text

_PHONE = re.compile(r"^\+?[0-9 ()./-]{6,30}$")


def _phone(value: str) -> str:
    if not _PHONE.match(value):
        raise ValueError(f"{value!r} is not a phone number")
    return value


Phone = Annotated[str, AfterValidator(_phone)]
PERSONAL = ("name", "email", "phone", "cv", "proposed_by")
"""What erasure anonymises; the rest may stay, aggregated, in the programme's figures."""


class ExpertCategory(StrEnum):
    """Where an expert works; public administrations are the peers MIEUX prefers."""

    eu_member_state_administration = "eu_member_state_administration"
    non_eu_administration = "non_eu_administration"
    academia = "academia"
    civil_society = "civil_society"
    private_sector = "private_sector"
    international_organisation = "international_organisation"


class Sex(StrEnum):
    woman = "woman"
    man = "man"
    undisclosed = "undisclosed"


class Level(StrEnum):
    """CEFR levels, and native."""

    A1, A2, B1, B2, C1, C2 = "A1", "A2", "B1", "B2", "C1", "C2"
    native = "native"


class Spoken(Strict):
    """A language and how well the expert works in it."""

    language: Annotated[str, BeforeValidator(language_code)]
    level: Level


class Window(Strict):
    """A span of days, both ends included."""

    start: Day
    end: Day

    @model_validator(mode="after")
    def _in_order(self) -> "Window":
        if self.end < self.start:
            raise ValueError(f"it ends ({self.end}) before it starts ({self.start})")
        return self

    def overlaps(self, start: date, end: date) -> bool:
        return self.start <= end and start <= self.end


class ExpertChanges(Strict):
    """Roster fields a person may set, alone or several at once."""

    name: Text | None = None
    email: Email | None = None
    phone: Phone | None = None
    sex: Sex | None = None
    nationality: CountryCode | None = None
    category: ExpertCategory | None = None
    administration: Text | None = None
    administration_country: CountryCode | None = None
    languages: list[Spoken] | None = None
    themes: list[Theme] | None = None
    keywords: list[Text] | None = None
    cv: Text | None = None
    available: list[Window] | None = None
    unavailable: list[Window] | None = None
    consent_on: Day | None = None
    consent_purpose: Text | None = None
    proposed_by: Text | None = None

    def given(self) -> dict:
        """Only the fields the person actually set, as JSON-ready values."""
        return self.model_dump(mode="json", exclude_unset=True)


class ExpertIn(ExpertChanges):
    """A new expert: who they are, where they work, what they know, and their consent."""

    name: Text
    email: Email
    sex: Sex
    nationality: CountryCode
    category: ExpertCategory
    administration: Text
    administration_country: CountryCode
    languages: list[Spoken] = Field(min_length=1)
    themes: list[Theme] = Field(min_length=1)
    consent_on: Day
    consent_purpose: Text


# -- the roster CSV -------------------------------------------------------------------------------
HEADER = ["name", "email", "phone", "sex", "nationality", "category", "administration", "administration_country",
          "languages", "themes", "keywords", "cv", "available", "unavailable", "consent_on", "consent_purpose",
          "proposed_by"]
"""`languages` is `en:C2 fr:B1`; `themes` and `keywords` are separated by `;`; `available` and
`unavailable` are windows `2027-01-04..2027-03-31`, separated by `;`; empty cells are unset."""


def cell(column: str, raw: str):
    """A cell of the roster CSV (or a flag a person typed) as the model takes it."""
    raw = raw.strip()
    if not raw:
        return None
    if column == "languages":
        pairs = [part.partition(":") for part in raw.replace(";", " ").split()]
        return [{"language": code, "level": level} for code, _, level in pairs]
    if column in ("themes", "keywords"):
        return [part.strip() for part in raw.split(";") if part.strip()]
    if column in ("available", "unavailable"):
        windows = []
        for part in (p.strip() for p in raw.split(";") if p.strip()):
            start, sep, end = part.partition("..")
            if not sep:
                raise ValueError(f"{part!r} is not a window: write START..END, like 2027-01-04..2027-03-31")
            windows.append({"start": start.strip(), "end": end.strip()})
        return windows
    return raw


def read_roster(text: str, *, source: str) -> list[tuple[int, ExpertIn]]:
    """Parse and validate the whole file, or raise ImportRejected listing every bad row (line and
    column): a file with one bad row imports nothing. Returns (line, expert) pairs."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        header = [h.strip() for h in next(reader, [])]
        if header != HEADER:
            raise ImportRejected(source, [f"line 1: the header must be {','.join(HEADER)}"])
        rows, problems, emails = [], [], {}
        for line, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(HEADER):
                problems.append(f"line {line}: {len(cells)} columns, expected {len(HEADER)}")
                continue
            values, bad = {}, []
            for column, raw in zip(HEADER, cells):
                try:
                    if (value := cell(column, raw)) is not None:
                        values[column] = value
                except ValueError as error:
                    bad.append(f"line {line}, column {column}: {error}")
            try:
                expert = ExpertIn.model_validate(values)
            except ValidationError as error:
                bad += [f"line {line}, column {_column(e['loc'])}: {_message(e)}" for e in error.errors()
                        if not any(f"column {_column(e['loc'])}:" in b for b in bad)]
            else:
                if (first := emails.setdefault(expert.email.lower(), line)) != line:
                    bad.append(f"line {line}, column email: {expert.email} is also on line {first}")
                rows.append((line, expert))
            problems += bad
    except csv.Error as error:
        raise ImportRejected(source, [f"line {reader.line_num}: not valid CSV ({error})"]) from None
    if problems:
        raise ImportRejected(source, problems)
    return rows


def _column(loc: tuple) -> str:
    return str(loc[0]) if loc else "row"


def _message(error: dict) -> str:
    where = ".".join(str(part) for part in error["loc"][1:])
    text = error["msg"].removeprefix("Value error, ")
    if error["type"] == "missing":
        text = "required"
    return f"{where}: {text}" if where else text
