"""Matching experts to an activity: a score made of named factors, and the same factors as reasons.

Each factor gives points (its weight from the matching file, times how well it holds) and says
why in words; an expert who fails a hard rule (cannot work in the activity's languages, is not
available over its dates) is excluded with that reason instead of scored. The explanation a
person reads is the list the score was added up from, so the two cannot disagree.

An expert's assignments count too: one on another activity whose dates overlap excludes them (an
expert cannot be in two places), one on this activity already excludes them from its list, and
each deployment in the last `spread_months` takes points off (fair spread).
"""
from dataclasses import dataclass, field
from datetime import date

from pydantic import Field

from domain.calendar import months_before
from domain.experts import ExpertCategory, Level
from domain.schemas import Strict

WORKING = {Level.B2, Level.C1, Level.C2, Level.native}
"""Levels at which an expert can work in a language (CEFR B2 and above)."""
ADMINISTRATIONS = {ExpertCategory.eu_member_state_administration, ExpertCategory.non_eu_administration}


class Weights(Strict):
    """The points each factor is worth (the matching file)."""

    theme: float = Field(40, ge=0)
    keywords: float = Field(5, ge=0)
    """Per keyword of the expert found in the Action's name, objective or activity title (up to three)."""
    peer: float = Field(30, ge=0)
    """A public administration: MIEUX is peer to peer."""
    member_state: float = Field(10, ge=0)
    """Of an EU Member State administration."""
    languages: float = Field(10, ge=0)
    """Every working language of the activity at C1 or better, not just B2."""
    triangular: float = Field(20, ge=0)
    """A non-EU (Southern) administration, when the Action asks for triangular cooperation."""
    fair_spread: float = Field(10, ge=0)
    """Taken off per deployment in the last `spread_months`: experts deployed often rank lower."""
    spread_months: int = Field(24, ge=1, le=240)


@dataclass(frozen=True)
class Need:
    """What the activity asks for: its Action's theme and words, its languages and dates."""

    theme: str
    words: frozenset[str]
    languages: tuple[str, ...] = ()
    start: date | None = None
    end: date | None = None
    activity: str | None = None
    """The activity's key: an expert already on it is not a candidate for it again."""
    triangular: bool = False
    """The Action asks for triangular cooperation: EU and non-EU administrations together."""


@dataclass(frozen=True)
class Engaged:
    """One of an expert's assignments that still holds them (not declined or withdrawn)."""

    activity: str
    state: str
    start: date | None
    end: date | None

    @property
    def deployed(self) -> bool:
        return self.state in ("deployed", "completed")


@dataclass(frozen=True)
class Candidate:
    """One expert as matching sees them."""

    key: str
    name: str
    category: str
    country: str
    sex: str
    themes: tuple[str, ...]
    keywords: tuple[str, ...]
    languages: dict[str, str]
    available: tuple[tuple[date, date], ...] = ()
    unavailable: tuple[tuple[date, date], ...] = ()
    engaged: tuple[Engaged, ...] = ()


@dataclass
class Match:
    """An expert's score and the reasons it is made of, or why they are excluded."""

    candidate: Candidate
    reasons: list[tuple[float, str]] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)

    @property
    def score(self) -> float:
        return sum(points for points, _ in self.reasons)


def _overlaps(window: tuple[date, date], start: date, end: date) -> bool:
    return window[0] <= end and start <= window[1]


def judge(candidate: Candidate, need: Need, weights: Weights) -> Match:
    """Score one candidate for a need, each point with its reason; or exclude them, saying why."""
    match = Match(candidate)
    missing = [lang for lang in need.languages if candidate.languages.get(lang) not in {str(w) for w in WORKING}]
    if missing:
        match.excluded.append(f"does not work in {', '.join(missing)} (B2 or better)")
    if need.start and need.end:
        if any(_overlaps(w, need.start, need.end) for w in candidate.unavailable):
            match.excluded.append(f"unavailable during {need.start}..{need.end}")
        elif candidate.available and not any(w[0] <= need.start and need.end <= w[1] for w in candidate.available):
            match.excluded.append(f"not available over {need.start}..{need.end}")
    for other in candidate.engaged:
        if other.activity == need.activity:
            match.excluded.append(f"already on this activity ({other.state.replace('_', ' ')})")
        elif need.start and need.end and other.start and other.end and _overlaps((other.start, other.end),
                                                                                 need.start, need.end):
            match.excluded.append(f"on {other.activity} from {other.start} to {other.end}: cannot be in two places")
    if match.excluded:
        return match
    if need.theme in candidate.themes:
        match.reasons.append((weights.theme, f"works on {need.theme.replace('_', ' ')}"))
    found = [k for k in candidate.keywords if set(k.lower().split()) <= need.words][:3]
    if found:
        match.reasons.append((weights.keywords * len(found), f"keywords {', '.join(found)}"))
    if candidate.category in {str(c) for c in ADMINISTRATIONS}:
        match.reasons.append((weights.peer, "a public administration (peer to peer)"))
    if candidate.category == ExpertCategory.eu_member_state_administration:
        match.reasons.append((weights.member_state, f"a Member State administration ({candidate.country})"))
    if need.triangular and candidate.category == ExpertCategory.non_eu_administration:
        match.reasons.append((weights.triangular, f"a non-EU administration ({candidate.country}): triangular "
                                                  "cooperation"))
    if need.languages and all(candidate.languages.get(lang) in ("C1", "C2", "native") for lang in need.languages):
        match.reasons.append((weights.languages, f"fluent in {', '.join(need.languages)}"))
    if need.start and (recent := _recent(candidate, need.start, weights.spread_months)):
        times = "once" if recent == 1 else f"{recent} times"
        match.reasons.append((-weights.fair_spread * recent, f"deployed {times} in the last {weights.spread_months} "
                                                             "months"))
    return match


def _recent(candidate: Candidate, before: date, months: int) -> int:
    """How many times the expert was deployed on activities that started in the `months` before `before`."""
    since = months_before(before, months)
    return sum(1 for e in candidate.engaged if e.deployed and e.start and since <= e.start <= before)


def rank(candidates: list[Candidate], need: Need, weights: Weights) -> list[Match]:
    """Every candidate judged: the scored ones best first (ties by name), then the excluded."""
    judged = [judge(c, need, weights) for c in candidates]
    scored = sorted((m for m in judged if not m.excluded), key=lambda m: (-m.score, m.candidate.name))
    return scored + sorted((m for m in judged if m.excluded), key=lambda m: m.candidate.name)


def mixed(matches: list[Match]) -> bool:
    """Does a team bring EU Member State and non-EU administrations together (triangular cooperation)?"""
    categories = {m.candidate.category for m in matches}
    return {ExpertCategory.eu_member_state_administration, ExpertCategory.non_eu_administration} <= categories


def team(matches: list[Match]) -> dict[str, dict[str, int]]:
    """What a proposed team looks like: how many by sex, category and country."""
    shape: dict[str, dict[str, int]] = {"sex": {}, "category": {}, "country": {}}
    for m in matches:
        for facet, value in (("sex", m.candidate.sex), ("category", m.candidate.category),
                             ("country", m.candidate.country)):
            shape[facet][value] = shape[facet].get(value, 0) + 1
    return shape


def words(*texts: str | None) -> frozenset[str]:
    """The lower-case words of some texts, for keyword fit."""
    return frozenset(w.strip(".,;:()\"'").lower() for t in texts if t for w in t.split())
