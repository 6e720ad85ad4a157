"""Communications and visibility: the news item the engine drafts about an Action, and what people
may change in it.

The draft is made from what the programme publishes anyway: the partner institution and its
countries, the objective in the fiche, the activities (their kind and title, how many took part,
by sex), the deliverables. It never names a person: no focal point, no participant, no expert.
"""
from collections.abc import Iterable
from dataclasses import dataclass

from domain.schemas import Changes, LongText, Text, country_name

OCCASIONS = ("approval", "closure")


@dataclass(frozen=True)
class Held:
    """An activity as the news item tells of it."""

    type: str
    title: str
    state: str
    women: int = 0
    men: int = 0
    other: int = 0
    deliverables: tuple[str, ...] = ()


class CommunicationChanges(Changes):
    """Fields a person may set on a communications task."""

    title: Text | None = None
    draft: LongText | None = None
    eu_funding_acknowledged: bool | None = None
    partner_approved: bool | None = None
    photos_consented: bool | None = None
    published_url: Text | None = None


def news_draft(occasion: str, *, name: str, requester: str, countries: Iterable[str], objective: str | None,
               activities: Iterable[Held], facility: str = "MIEUX") -> tuple[str, str]:
    """The title and text of the news item drafted on the Action's approval or closure."""
    places = ", ".join(map(country_name, countries))
    activities = list(activities)
    goal = f" Its objective: {objective.strip().rstrip('.')}." if objective and objective.strip() else ""
    if occasion == "approval":
        planned = "; ".join(f"{a.title} ({a.type.replace('_', ' ')})" for a in activities)
        title = f"New {facility} Action with {requester}: {name}"
        text = (f"{facility} will support {requester} ({places}) through a new peer-to-peer Action, {name}.{goal}"
                + (f" Planned activities: {planned}." if planned else "")
                + " The Action is funded by the European Union.")
        return title, text
    held = [a for a in activities if a.state in ("delivered", "evaluated")]
    women, men, other = (sum(getattr(a, sex) for a in held) for sex in ("women", "men", "other"))
    people = women + men + other
    produced = sorted({d.replace("_", " ") for a in held for d in a.deliverables})
    title = f"{name}: results of the {facility} Action with {requester}"
    text = (f"The {facility} Action {name} with {requester} ({places}) has closed.{goal}"
            f" {len(held)} activit{'y' if len(held) == 1 else 'ies'} took place"
            + (f", with {people} participants ({women} women, {men} men)" if people else "") + "."
            + (f" It produced: {', '.join(produced)}." if produced else "")
            + " The Action was funded by the European Union.")
    return title, text
