"""A whole programme as a folder of CSV files, one per kind of record (`mieux programme export DIR`).

Every file is UTF-8 with a header row; records name each other by their own keys, never by the
store's ids: an Action by its reference (`2026-07`), an activity by its Action and number
(`2026-07/3`), an expert by their email, an evaluation collection by its key (`2026-07/3/C`,
`2026-07/P`, `2026-07/F`). Lists inside a cell are separated by spaces (countries, languages) or
`;` (as in the roster's own CSV); an evaluation answer is its JSON object. Nothing says who
answered a form, and participants are counts by sex, never people.
"""
import csv
import io
import json
from collections.abc import Iterable

from domain.experts import HEADER as EXPERTS_HEADER
from domain.portfolio import HEADER as PORTFOLIO_HEADER

FILES = {
    "actions.csv": [*PORTFOLIO_HEADER, "fiche_submitted_on", "psg_decision_on", "triangular"],
    "activities.csv": ["action", "number", "type", "title", "start", "end", "country", "city", "remote", "languages",
                       "status", "women", "men", "other"],
    "deliverables.csv": ["activity", "type", "title", "link"],
    "experts.csv": EXPERTS_HEADER,
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
