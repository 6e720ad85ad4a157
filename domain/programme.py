"""A whole programme as a folder of CSV files, one per kind of record (`mieux programme export DIR`).

Every file is UTF-8 with a header row; records name each other by their own keys, never by the
store's ids: an Action by its reference (`2026-07`), an activity by its Action and number
(`2026-07/3`), an expert by their email, an evaluation collection by its key (`2026-07/3/C`,
`2026-07/P`, `2026-07/F`). Lists inside a cell are separated by spaces (countries, languages) or
`;` (as in the roster's own CSV); an evaluation answer is its JSON object. Nothing says who
answered a form, and participants are counts by sex, never people (an activity's registered
participants, counted, where it has them; else the counts recorded on it).
"""
import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from domain.experts import HEADER as EXPERTS_HEADER
from domain.portfolio import HEADER as PORTFOLIO_HEADER

FILES = {
    "actions.csv": [*PORTFOLIO_HEADER, "fiche_submitted_on", "psg_decision_on", "triangular"],
    "activities.csv": ["action", "number", "type", "title", "start", "end", "country", "city", "remote", "languages",
                       "status", "women", "men", "other"],
    "deliverables.csv": ["activity", "type", "title", "link"],
    "experts.csv": [*EXPERTS_HEADER, "added_on"],
    "assignments.csv": ["activity", "expert", "status", "working_days", "travel_days", "fee_per_day", "contract_on",
                        "report_on"],
    "collections.csv": ["collection", "purpose", "status", "forms_sent_on", "reminders_sent"],
    "invitations.csv": ["collection", "form", "role", "reminders", "answered"],
    "answers.csv": ["collection", "form", "role", "language", "after_reminders", "submitted_on", "answers"],
}
"""Each file of a programme folder and its header, in the order they are read back."""


def csv_text(header: list[str], rows: Iterable[dict]) -> str:
    """One file's text: the header, then each row's cells in its order (None is an empty cell)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in header])
    return out.getvalue()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def languages_cell(spoken: list[dict]) -> str:
    """An expert's languages as the roster CSV writes them: `en:C2 fr:B1`."""
    return " ".join(f"{s['language']}:{s['level']}" for s in spoken)


def windows_cell(windows: list[dict]) -> str:
    """Availability windows as the roster CSV writes them: `2027-01-04..2027-03-31;...`."""
    return ";".join(f"{w['start']}..{w['end']}" for w in windows)


# -- reading a programme folder back -----------------------------------------------------------
@dataclass
class Read:
    """What a folder holds once every file and row is valid: rows by file, each a dict of typed
    values with its `line`; problems, each naming its file, line and column."""

    rows: dict[str, list[dict]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def read_folder(texts: dict[str, str]) -> Read:
    """Each file's rows as dicts of raw cells with their line, checking headers; problems listed."""
    found = Read()
    for name, header in FILES.items():
        text = texts.get(name)
        if text is None:
            found.problems.append(f"{name}: missing (a programme folder has {', '.join(FILES)})")
            continue
        reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
        try:
            first = [h.strip() for h in next(reader, [])]
            if first != header:
                found.problems.append(f"{name}, line 1: the header must be exactly {','.join(header)}")
                continue
            rows = []
            for cells in reader:
                if not any(c.strip() for c in cells):
                    continue
                if len(cells) != len(header):
                    found.problems.append(f"{name}, line {reader.line_num}: {len(cells)} fields, expected {len(header)}")
                    continue
                rows.append({"line": reader.line_num, **dict(zip(header, (c.strip() for c in cells)))})
        except csv.Error as error:
            found.problems.append(f"{name}, line {reader.line_num}: not readable as CSV ({error})")
            continue
        found.rows[name] = rows
    return found


def yes_no(value: str) -> bool:
    if value not in ("yes", "no"):
        raise ValueError(f"{value!r} is neither yes nor no")
    return value == "yes"


def day_or_none(value: str) -> date | None:
    from domain.schemas import in_years

    if not value:
        return None
    try:
        return in_years(date.fromisoformat(value))
    except ValueError:
        raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def count(value: str) -> int:
    if not value.isdigit():
        raise ValueError(f"{value!r} is not a whole number of 0 or more")
    return int(value)
