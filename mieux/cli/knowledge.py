"""`mieux knowledge`: the register of what the programme learnt, searched in full text."""
from pathlib import Path
from typing import Annotated, Optional

import typer

from mieux.cli.common import As, Json, runtime, sub_app
from mieux.render import as_json, table

app = sub_app("The knowledge register: lessons learnt and deliverables filed when Actions close, good practices and "
              "case studies added by the knowledge officer; searched in full text.")
Theme = Annotated[Optional[str], typer.Option(help="Only this theme (legal_migration ...).")]
Region = Annotated[Optional[str], typer.Option(help="Only this region, as the facility file names it.")]
Kind = Annotated[Optional[str], typer.Option("--type", help="Only this activity type (workshop ...).")]
Year = Annotated[Optional[int], typer.Option(help="Only this year.")]


@app.command("search")
def search(ctx: typer.Context, words: Annotated[str, typer.Argument(help="What to look for (every word must match; "
                                                                          "plural and singular alike).")],
           theme: Theme = None, region: Region = None, activity_type: Kind = None, year: Year = None,
           limit: Annotated[int, typer.Option(help="At most this many entries.", min=1, max=500)] = 20,
           json_: Json = False) -> None:
    """Entries matching every word, best first (a match in the title first), with the passage that matched."""
    hits = runtime(ctx).app.knowledge.search(words, theme=theme, region=region, activity_type=activity_type,
                                             year=year, limit=limit)
    shown = [{"entry": h.id, "kind": h.kind, "title": h.title, "action": h.reference, "theme": h.theme,
              "region": h.region, "activity_type": h.activity_type, "year": h.year, "passage": h.passage}
             for h in hits]
    if json_:
        typer.echo(as_json({"words": words, "entries": shown}))
        return
    typer.echo(table(["entry", "kind", "title", "action", "year", "passage"],
                     [[h["entry"], h["kind"].replace("_", " "), h["title"], h["action"], h["year"], h["passage"]]
                      for h in shown]))
    typer.echo(f"{len(shown)} entr{'y' if len(shown) == 1 else 'ies'} found")


@app.command("add")
def add(ctx: typer.Context,
        kind: Annotated[str, typer.Option(help="good_practice or case_study.")],
        title: Annotated[str, typer.Option(help="Its title.")],
        body: Annotated[Path, typer.Option(help="A text file with its text.")],
        theme: Theme = None, region: Region = None, activity_type: Kind = None, year: Year = None,
        actor: As = None, json_: Json = False) -> None:
    """File a good practice or a case study (the knowledge officer's)."""
    from config.files import read_text
    from domain.errors import InvalidInput

    rt = runtime(ctx)
    entry = rt.app.knowledge.add(kind=kind, title=title, body=read_text(body, what="the text", error=InvalidInput,
                                                                        limit=200_000),
                                 theme=theme, region=region, activity_type=activity_type, year=year,
                                 actor=rt.actor(actor))
    typer.echo(as_json({"entry": entry, "kind": kind, "title": title}) if json_ else f"filed entry {entry}: {title}")
