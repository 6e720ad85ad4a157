"""A mission's logistics checklist, made from a data file (config/logistics.yaml): pure decisions.

An activity has one of three shapes: a `mission` (experts travel to the partner's country), a
`study_visit` (the partner's delegation travels to the EU host, so travel items are the
delegation's) or `remote`. Each catalogue item names the shapes it belongs to and whether it is
one per activity or one per expert. A visa is needed unless the visa table says the expert's
nationality enters the destination without one, or the expert is a national of it: a
destination missing from the table is not guessed, every expert gets the item and its label says
to check. Interpretation is needed when the activity has more than one working language.
When each item is due is the deadline policy's business (config/deadlines.yaml, one rule per
item kind, counted from the activity's start).
"""
from dataclasses import dataclass
from typing import Literal

from pydantic import Field, model_validator

from domain.model import EU_MEMBER_STATES
from domain.schemas import Changes, Strict

Shape = Literal["mission", "study_visit", "remote"]
KIND = r"^[a-z][a-z0-9_]*$"


class CatalogueItem(Strict):
    """One kind of item, and the activities that get it."""

    kind: str = Field(pattern=KIND)
    label: str = Field(min_length=1, max_length=120)
    shapes: list[Shape] = Field(min_length=1)
    per: Literal["activity", "expert"] = "activity"
    when: Literal["always", "visa_needed", "languages_differ"] = "always"
    owner: str | None = None
    """A role or person id; the catalogue's default owner otherwise."""


class Catalogue(Strict):
    """The whole data file."""

    owner: str = "logistics_assistant"
    items: list[CatalogueItem] = Field(min_length=1)
    visa_free: dict[str, list[str]] = {}
    """Destination country (ISO code) -> the nationalities that enter it without a visa; `EU` stands
    for every EU Member State."""

    @model_validator(mode="after")
    def _kinds_once(self):
        kinds = [i.kind for i in self.items]
        twice = sorted({k for k in kinds if kinds.count(k) > 1})
        if twice:
            raise ValueError(f"items: {', '.join(twice)} listed twice")
        return self

    @property
    def kinds(self) -> list[str]:
        return [i.kind for i in self.items]


class ItemChanges(Changes):
    """Fields a person may set on a checklist item."""

    label: str | None = Field(default=None, min_length=1, max_length=200)
    owner: str | None = Field(default=None, min_length=1, max_length=60)


@dataclass(frozen=True)
class Expert:
    """What the checklist needs of an expert on the activity."""

    id: int
    nationality: str


@dataclass(frozen=True)
class Planned:
    """An item to add to an activity's checklist."""

    kind: str
    label: str
    owner: str
    expert_id: int | None = None


def shape(*, type: str, remote: bool) -> Shape:
    """The shape of an activity, from its type and whether it is held remotely."""
    if remote:
        return "remote"
    return "study_visit" if type == "study_visit" else "mission"


def visa(catalogue: Catalogue, *, nationality: str, destination: str | None) -> str | None:
    """Why an expert needs a visa item for `destination` (None: no visa needed)."""
    if not destination or nationality == destination:
        return None
    if destination not in catalogue.visa_free:
        return f"check: {destination} is not in the visa table"
    free = set(catalogue.visa_free[destination])
    if "EU" in free:
        free |= EU_MEMBER_STATES
    return None if nationality in free else "needed"


def checklist(catalogue: Catalogue, *, type: str, remote: bool, country: str | None, languages: list[str],
              experts: list[Expert]) -> list[Planned]:
    """The items of an activity with these experts, in catalogue order (per-expert items by expert)."""
    planned = []
    form = shape(type=type, remote=remote)
    for item in catalogue.items:
        if form not in item.shapes:
            continue
        if item.when == "languages_differ" and len(set(languages)) < 2:
            continue
        owner = item.owner or catalogue.owner
        if item.per == "activity":
            planned.append(Planned(item.kind, item.label, owner))
            continue
        planned += for_experts(catalogue, item, owner, country=country, experts=experts)
    return planned


def for_experts(catalogue: Catalogue, item: CatalogueItem, owner: str, *, country: str | None,
                experts: list[Expert]) -> list[Planned]:
    """A per-expert item for each expert who needs it."""
    planned = []
    for expert in experts:
        label = f"{item.label} for E{expert.id}"
        if item.when == "visa_needed":
            why = visa(catalogue, nationality=expert.nationality, destination=country)
            if why is None:
                continue
            if why != "needed":
                label = f"{label} ({why})"
        planned.append(Planned(item.kind, label, owner, expert.id))
    return planned


def for_expert(catalogue: Catalogue, *, type: str, remote: bool, country: str | None, expert: Expert) -> list[Planned]:
    """The per-expert items of one expert proposed once the checklist exists."""
    form = shape(type=type, remote=remote)
    return [p for item in catalogue.items if form in item.shapes and item.per == "expert"
            for p in for_experts(catalogue, item, item.owner or catalogue.owner, country=country, experts=[expert])]
