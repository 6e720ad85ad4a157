"""Plain-text tables and JSON for the CLI (no rich: start-up time matters)."""
import json
from datetime import date, datetime
from zoneinfo import ZoneInfo


def table(headers: list[str], rows: list[list[object]]) -> str:
    """Columns aligned on the widest cell; None shows as a dash."""
    cells = [[("-" if v is None else str(v)) for v in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.upper().ljust(w) for h, w in zip(headers, widths)).rstrip()]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
    return "\n".join(lines)


def local(moment: datetime | None, zone: ZoneInfo) -> str | None:
    """A stored UTC time as the team reads it: local date, time and zone abbreviation."""
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z") if moment else None


def percent(share: float | None) -> str:
    """A share as a person reads it: 0.667 -> 67%; nothing to count -> -."""
    return "-" if share is None else f"{share:.0%}"


def as_json(value: object) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=_default)


def _default(value: object) -> object:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"cannot show {type(value).__name__} as JSON")
