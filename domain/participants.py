"""The people who took part in an activity, as a team registers them for its evaluation forms.

`mieux participants import ACTIVITY FILE.csv` reads a CSV whose header is exactly HEADER; like
every import, the whole file is validated first and one bad row imports nothing, every bad row
listed by line and column.
"""
import csv
import io

from pydantic import ValidationError

from domain.errors import ImportRejected
from domain.experts import Sex
from domain.schemas import Email, Strict, Text

HEADER = ["name", "email", "sex", "institution"]


class ParticipantIn(Strict):
    """One participant: how to reach them, and what the programme's figures count (sex, institution)."""

    name: Text
    email: Email
    sex: Sex
    institution: Text | None = None


def read_participants(text: str, *, source: str) -> list[tuple[int, ParticipantIn]]:
    """Parse and validate the whole file, or raise ImportRejected listing every bad row (line and
    column). Returns (line, participant) pairs."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    rows, problems, emails = [], [], {}
    try:
        header = [h.strip() for h in next(reader, [])]
        if header != HEADER:
            raise ImportRejected(source, [f"line 1: the header must be {','.join(HEADER)}"])
        for line, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(HEADER):
                problems.append(f"line {line}: {len(cells)} columns, expected {len(HEADER)}")
                continue
            values = {column: raw.strip() for column, raw in zip(HEADER, cells) if raw.strip()}
            try:
                participant = ParticipantIn.model_validate(values)
            except ValidationError as error:
                problems += [f"line {line}, column {e['loc'][0] if e['loc'] else 'row'}: "
                             f"{'required' if e['type'] == 'missing' else e['msg'].removeprefix('Value error, ')}"
                             for e in error.errors()]
                continue
            if (first := emails.setdefault(participant.email.lower(), line)) != line:
                problems.append(f"line {line}, column email: {participant.email} is also on line {first}")
                continue
            rows.append((line, participant))
    except csv.Error as error:
        raise ImportRejected(source, [f"line {reader.line_num}: not valid CSV ({error})"]) from None
    if problems:
        raise ImportRejected(source, problems)
    if not rows:
        raise ImportRejected(source, ["the file lists no participant"])
    return rows
