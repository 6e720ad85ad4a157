"""The figures the programme reports, computed from the Actions themselves."""
from collections import Counter
from collections.abc import Iterable
from datetime import date
from statistics import median
from zoneinfo import ZoneInfo

FICHE_TARGET_DAYS = 21
"""The programme's published target: the Action Fiche within three weeks of the request."""

GROUPS = {
    "completed": ("closed",),
    "ongoing": ("implementation", "monitoring", "closure"),
    "in_preparation": ("request", "pre_implementation", "approval"),
    "rejected": ("rejected",),
    "forwarded": ("forwarded",),
    "withdrawn": ("withdrawn",),
    "on_hold": ("on_hold",),
}


def compute_report(actions: Iterable, *, zone: ZoneInfo, start: date | None = None,
                   end: date | None = None) -> dict:
    """Counts over requests received between `start` and `end` (inclusive), by current status.

    Each action needs received_on, state, region, requester_type, theme, countries and
    fiche_submitted_at (aware datetime or None).
    """
    chosen = [a for a in actions
              if (start is None or a.received_on >= start) and (end is None or a.received_on <= end)]
    states = Counter(a.state for a in chosen)
    fiche_days = sorted((a.fiche_submitted_at.astimezone(zone).date() - a.received_on).days
                        for a in chosen if a.fiche_submitted_at is not None)
    return {
        "period": {"from": start.isoformat() if start else None, "to": end.isoformat() if end else None},
        "requests_received": len(chosen),
        **{group: sum(states[s] for s in members) for group, members in GROUPS.items()},
        "by_region": _count(a.region for a in chosen),
        "by_requester_type": _count(a.requester_type for a in chosen),
        "by_theme": _count(a.theme for a in chosen),
        "countries_requesting": sorted({c for a in chosen for c in a.countries}),
        "fiche_timeliness": {
            "fiches_submitted": len(fiche_days),
            "median_days": median(fiche_days) if fiche_days else None,
            f"share_within_{FICHE_TARGET_DAYS}_days":
                round(sum(d <= FICHE_TARGET_DAYS for d in fiche_days) / len(fiche_days), 3) if fiche_days else None,
        },
    }


def _count(labels: Iterable[str]) -> dict[str, int]:
    return dict(sorted(Counter(labels).items(), key=lambda kv: (-kv[1], kv[0])))
