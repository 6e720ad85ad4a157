"""The month's newsletter: the Actions that closed, the activities coming up in the next month, and
the month's figures, as a draft the communications officer reviews.

Like the news items, it is made only from what the programme publishes anyway: partner
institutions, countries, activities, counts. It never names a person.
"""
import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from domain.errors import InvalidInput
from domain.schemas import country_name

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Closed:
    """An Action that closed in the month."""

    name: str
    requester: str
    countries: tuple[str, ...]


@dataclass(frozen=True)
class Coming:
    """An activity that starts in the next month."""

    title: str
    type: str
    start: date
    end: date | None
    place: str | None
    action: str
    """The name of its Action."""


def place(city: str | None, country: str | None, remote: bool = False) -> str | None:
    """Where an activity takes place, as a reader says it: `Lima, Peru`, `remotely`."""
    if remote:
        return "remotely"
    return ", ".join(p for p in (city, country and country_name(country)) if p) or None


def month_of(text: str) -> date:
    """The first day of the month `text` names (`2026-11`), or InvalidInput saying why not."""
    found = MONTH.match(text.strip())
    if not found or not 1 <= int(found.group(2)) <= 12:
        raise InvalidInput(f"{text!r} is not a month: give its year and number, like 2026-11")
    return date(int(found.group(1)), int(found.group(2)), 1)


def last_day(first: date) -> date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def previous_month(today: date) -> date:
    """The first day of the month before the one `today` is in."""
    return date(today.year - (today.month == 1), (today.month - 2) % 12 + 1, 1)


def month_name(first: date) -> str:
    return f"{calendar.month_name[first.month]} {first.year}"


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else many or one + 's'}"


def _days(a: Coming) -> str:
    if a.end is None or a.end == a.start:
        return f"{a.start.day} {calendar.month_abbr[a.start.month]}"
    if (a.end.year, a.end.month) == (a.start.year, a.start.month):
        return f"{a.start.day}-{a.end.day} {calendar.month_abbr[a.start.month]}"
    return (f"{a.start.day} {calendar.month_abbr[a.start.month]} - "
            f"{a.end.day} {calendar.month_abbr[a.end.month]}")


def newsletter(first: date, *, closed: Iterable[Closed], coming: Iterable[Coming], figures: dict,
               facility: str = "MIEUX") -> tuple[str, str]:
    """The title and text of the newsletter of the month starting on `first`; `figures` as
    domain.annual.compute_period gives them for that month."""
    closed, coming = list(closed), sorted(coming, key=lambda a: (a.start, a.title))
    month, following = month_name(first), month_name(next_month(first))
    lines = [f"{facility} newsletter: {month}", "", "Actions closed this month"]
    lines += ([f"- {a.name}, with {a.requester} ({', '.join(map(country_name, a.countries))})" for a in closed]
              or ["- No Action closed this month."])
    lines += ["", f"Coming up in {following}"]
    lines += ([f"- {_days(a)}: {a.title} ({a.type.replace('_', ' ')}"
               + (f", {a.place}" if a.place else "") + f"), part of {a.action}" for a in coming]
              or [f"- No activity is planned to start in {following} yet."])
    people = figures["participants"]
    held = figures["activities_by_type"]
    kinds = ", ".join(_plural(n, t.replace('_', ' ')) for t, n in held.items())
    countries = [country_name(c) for c in figures["countries_benefited"]]
    lines += ["", "The month in figures",
              f"- {_plural(figures['requests_received'], 'new request')} for support",
              f"- {_plural(figures['activities_held'], 'activity', 'activities')} held" + (f" ({kinds})" if kinds else ""),
              f"- {_plural(people['total'], 'participant')}"
              + (f" ({people['women']} women, {people['men']} men)" if people["total"] else ""),
              f"- {_plural(figures['experts_deployed'], 'expert')} deployed",
              f"- {_plural(len(countries), 'country', 'countries')} benefited" + (f": {', '.join(countries)}"
                                                                                 if countries else ""),
              f"- {_plural(figures['actions_completed'], 'Action')} completed",
              "", f"{facility} is funded by the European Union."]
    return f"{facility} newsletter: {month}", "\n".join(lines)
