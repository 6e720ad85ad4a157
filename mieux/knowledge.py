"""The knowledge register: what the programme learnt, searchable in full text.

When an Action closes, its lessons learnt and each deliverable of its activities are filed in the
same transaction (an effect of the transition service); the knowledge officer adds good practices
and case studies. Search is the store's own full text: SQLite FTS5 (porter stemming, accents
folded) ranked by BM25 with the title weighing ten times the body, PostgreSQL a weighted
`tsvector` (title A, body B, English configuration) ranked by ts_rank; both kept in step by the
store (triggers, a generated column), so an edit or an erasure is searchable as it commits.
"""
import re
from dataclasses import dataclass

from sqlalchemy import text
from sqlmodel import Session, select

from domain.errors import InvalidInput, NotPermitted
from domain.model import ActivityType, Theme
from store.db import reading, transaction
from store.tables import Activity, KnowledgeEntry

KINDS = ("lessons_learnt", "deliverable", "good_practice", "case_study")
ADDED_BY_HAND = ("good_practice", "case_study")
KEEPERS = {"knowledge_officer", "programme_manager"}
"""Who may add to the register by hand."""
WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Hit:
    """One entry found: what it is, where from, and the passage that matched."""

    id: int
    kind: str
    title: str
    passage: str
    theme: str | None
    region: str | None
    activity_type: str | None
    year: int | None
    reference: str | None


class Knowledge:
    """The register: filed on closure, added to by hand, searched."""

    def __init__(self, *, engine, service):
        self.engine, self.service = engine, service

    def __call__(self, session: Session, row, event) -> None:
        """Effect: a closing Action files its lessons learnt and its activities' deliverables."""
        if event.subject != "action" or event.dest != "closed" or not event.moved:
            return
        year = event.at.astimezone(self.service.facility.zone).year
        common = {"action_id": row.id, "theme": row.theme, "region": row.region, "year": year,
                  "created_at": event.at, "created_by": event.actor}
        entries = []
        if (row.lessons_learnt or "").strip():
            entries.append(KnowledgeEntry(kind="lessons_learnt", title=f"Lessons learnt: {row.name}",
                                          body=row.lessons_learnt, **common))
        for activity in session.exec(select(Activity).where(Activity.action_id == row.id)
                                     .order_by(Activity.number)).all():
            for deliverable in activity.deliverables or ():
                body = (f"{deliverable['type'].replace('_', ' ').capitalize()} produced in {activity.title} "
                        f"({row.reference} {row.name})." + (f" {deliverable['link']}" if deliverable.get("link") else ""))
                entries.append(KnowledgeEntry(kind="deliverable", title=deliverable["title"], body=body,
                                              activity_type=activity.type, **common))
        session.add_all(entries)
        session.flush()

    def add(self, *, kind: str, title: str, body: str, actor: str, theme: str | None = None,
            region: str | None = None, activity_type: str | None = None, year: int | None = None) -> int:
        """A good practice or a case study the knowledge officer files; returns its id."""
        roles = {str(r) for r in self.service.facility.person(actor).roles}
        if not roles & KEEPERS:
            raise NotPermitted(f"cannot add to the knowledge register: only a {' or '.join(sorted(KEEPERS))} may, "
                               f"and {actor} is {' and '.join(sorted(roles))}")
        problems = _filters_checked(theme=theme, activity_type=activity_type, year=year)
        if region is not None:
            known = self.service.facility.region(region)
            if known is None:
                problems.append(f"--region: {region!r} is not a region of the facility file "
                                f"({', '.join(self.service.facility.regions)})")
            region = known
        if kind not in ADDED_BY_HAND:
            problems.append(f"--kind: {kind!r} is not one of {', '.join(ADDED_BY_HAND)} (lessons learnt and "
                            "deliverables are filed when their Action closes)")
        if not title.strip() or not body.strip():
            problems.append("--title and --body: both need some text")
        if problems:
            raise InvalidInput("; ".join(problems))
        with transaction(self.engine) as session:
            entry = KnowledgeEntry(kind=kind, title=title.strip(), body=body.strip(), theme=theme, region=region,
                                   activity_type=activity_type, year=year, created_at=self.service.clock.now(),
                                   created_by=actor)
            session.add(entry)
            session.flush()
            return entry.id

    def search(self, words: str, *, theme: str | None = None, region: str | None = None,
               activity_type: str | None = None, year: int | None = None, limit: int = 20) -> list[Hit]:
        """Entries matching every word (stemmed), best first, with the passage that matched."""
        problems = _filters_checked(theme=theme, activity_type=activity_type, year=year)
        terms = WORD.findall(words or "")
        if not terms:
            problems.append("give some words to search for")
        if problems:
            raise InvalidInput("; ".join(problems))
        filters = {"theme": theme, "region": region, "activity_type": activity_type, "year": year}
        where = "".join(f" AND e.{name} = :{name}" for name, value in filters.items() if value is not None)
        params = {name: value for name, value in filters.items() if value is not None} | {"limit": limit}
        with reading(self.engine) as session:
            if session.bind.dialect.name == "sqlite":
                params["q"] = " ".join('"' + t.replace('"', '""') + '"' for t in terms)
                sql = ("SELECT e.id, e.kind, e.title, snippet(knowledge_fts, -1, '[', ']', '...', 16) AS passage, "
                       "e.theme, e.region, e.activity_type, e.year, a.reference FROM knowledge_fts "
                       "JOIN knowledge_entry e ON e.id = knowledge_fts.rowid LEFT JOIN action a ON a.id = e.action_id "
                       f"WHERE knowledge_fts MATCH :q{where} ORDER BY bm25(knowledge_fts, 10.0, 1.0), e.id LIMIT :limit")
            else:
                params["q"] = " ".join(terms)
                sql = ("SELECT e.id, e.kind, e.title, ts_headline('english', e.title || '. ' || e.body, q, "
                       "'StartSel=[, StopSel=], MaxWords=24, MinWords=8') AS passage, e.theme, e.region, "
                       "e.activity_type, e.year, a.reference FROM knowledge_entry e "
                       "CROSS JOIN plainto_tsquery('english', :q) AS q LEFT JOIN action a ON a.id = e.action_id "
                       f"WHERE e.search @@ q{where} ORDER BY ts_rank(e.search, q) DESC, e.id LIMIT :limit")
            return [Hit(*row) for row in session.execute(text(sql), params).all()]


def _filters_checked(*, theme: str | None, activity_type: str | None, year: int | None) -> list[str]:
    problems = []
    if theme is not None and theme not in Theme.__members__:
        problems.append(f"--theme: {theme!r} is not one of {', '.join(Theme.__members__)}")
    if activity_type is not None and activity_type not in ActivityType.__members__:
        problems.append(f"--type: {activity_type!r} is not an activity type ({', '.join(ActivityType.__members__)})")
    if year is not None and not 1900 <= year <= 2999:
        problems.append(f"--year: {year} is not a year")
    return problems
