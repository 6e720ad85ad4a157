"""`mieux expert`: the Expert and Action Roster."""
from pathlib import Path
from typing import Annotated, Optional

import typer

from mieux.cli.common import As, Json, read_structured, runtime, sub_app, validated
from mieux.render import as_json, table

app = sub_app("The Expert and Action Roster: import, add, find, show and change experts.")
Opt = typer.Option
Key = Annotated[str, typer.Argument(help="The expert, E and a number: E17.")]
FLAGS = {"administration_country": "--country", "consent_on": "--consent-on", "consent_purpose": "--consent-purpose",
         "proposed_by": "--proposed-by", **{f: f"--{f}" for f in (
             "name", "email", "phone", "sex", "nationality", "category", "administration", "languages", "themes",
             "keywords", "cv", "available", "unavailable")}}
"""What a person typed for each field, to name it in an error."""

File = Annotated[Optional[Path], Opt(help="A JSON or YAML file with the expert's fields; flags override it.")]
Name = Annotated[Optional[str], Opt(help="Full name.")]
Email = Annotated[Optional[str], Opt(help="Email address (invitations go there).")]
Phone = Annotated[Optional[str], Opt(help="Phone number.")]
SexOpt = Annotated[Optional[str], Opt("--sex", help="woman, man or undisclosed.")]
Nationality = Annotated[Optional[str], Opt(help="ISO country code: DE.")]
Category = Annotated[Optional[str], Opt(help="eu_member_state_administration, non_eu_administration, academia, "
                                        "civil_society, private_sector or international_organisation.")]
Administration = Annotated[Optional[str], Opt(help="The administration they work for.")]
Country = Annotated[Optional[str], Opt("--country", help="The administration's country, ISO code.")]
Languages = Annotated[Optional[str], Opt(help='Working languages with CEFR level: "en:C2 fr:B1" (or native).')]
Themes = Annotated[Optional[str], Opt(help='Themes, ";"-separated: "legal_migration;horizontal".')]
Keywords = Annotated[Optional[str], Opt(help='Free keywords, ";"-separated.')]
Cv = Annotated[Optional[str], Opt(help="Where the CV is: a file path or URL.")]
Available = Annotated[Optional[str], Opt(help='Availability windows: "2027-01-04..2027-03-31;...".')]
Unavailable = Annotated[Optional[str], Opt(help="Unavailability windows, the same way.")]
ConsentOn = Annotated[Optional[str], Opt("--consent-on", help="Date of the data-protection consent (YYYY-MM-DD).")]
ConsentPurpose = Annotated[Optional[str], Opt("--consent-purpose", help="What the expert consented to.")]
ProposedBy = Annotated[Optional[str], Opt("--proposed-by", help="The Member State focal point who proposed them.")]


def _fields(file: Path | None, typed: dict) -> dict:
    from domain.errors import InvalidInput
    from domain.experts import cell

    data = read_structured(file, "the expert file") if file else {}
    for field, raw in typed.items():
        if raw is None:
            continue
        try:
            data[field] = cell(field, raw)
        except ValueError as error:
            raise InvalidInput(f"expert: {FLAGS.get(field, field)}: {error}") from None
    return data


@app.command("import")
def import_(ctx: typer.Context, file: Annotated[Path, typer.Argument(help="A roster CSV file (header in the README).")],
            actor: As = None) -> None:
    """Import a roster CSV; one bad row imports nothing, and every bad row is listed."""
    rt = runtime(ctx)
    count = rt.app.roster.import_file(file, actor=rt.actor(actor))
    typer.echo(f"imported {file}: {count} expert(s) added to the roster")


@app.command("add")
def add(ctx: typer.Context, file: File = None, name: Name = None, email: Email = None, phone: Phone = None,
        sex: SexOpt = None, nationality: Nationality = None, category: Category = None,
        administration: Administration = None, country: Country = None, languages: Languages = None,
        themes: Themes = None, keywords: Keywords = None, cv: Cv = None, available: Available = None,
        unavailable: Unavailable = None, consent_on: ConsentOn = None, consent_purpose: ConsentPurpose = None,
        proposed_by: ProposedBy = None, actor: As = None, json_: Json = False) -> None:
    """Add an expert to the roster."""
    typed = {k: v for k, v in locals().items() if k in FLAGS}  # the field flags, before any other local
    from domain.experts import ExpertIn

    rt = runtime(ctx)
    who = rt.actor(actor)
    data = _fields(file, typed | {"administration_country": country})
    row = rt.app.roster.add(validated(ExpertIn, data, "expert", None if file else FLAGS), actor=who)
    _print(row, json_, added=True)


@app.command("update")
def update(ctx: typer.Context, key: Key, file: File = None, name: Name = None, email: Email = None,
           phone: Phone = None, sex: SexOpt = None, nationality: Nationality = None, category: Category = None,
           administration: Administration = None, country: Country = None, languages: Languages = None,
           themes: Themes = None, keywords: Keywords = None, cv: Cv = None, available: Available = None,
           unavailable: Unavailable = None, consent_on: ConsentOn = None, consent_purpose: ConsentPurpose = None,
           proposed_by: ProposedBy = None,
           expected_version: Annotated[Optional[int], Opt("--expected-version", help="Refuse unless the expert is "
                                                          "still at this version.")] = None,
           actor: As = None, json_: Json = False) -> None:
    """Change some fields of an expert."""
    typed = {k: v for k, v in locals().items() if k in FLAGS}  # the field flags, before any other local
    from domain.experts import ExpertChanges

    rt = runtime(ctx)
    who = rt.actor(actor)
    data = _fields(file, typed | {"administration_country": country})
    row = rt.app.roster.update(key, validated(ExpertChanges, data, "expert", None if file else FLAGS), actor=who,
                               expected_version=expected_version)
    _print(row, json_, zone=rt.zone)


@app.command("list")
def list_(ctx: typer.Context,
          theme: Annotated[Optional[str], Opt(help="Only experts of this theme.")] = None,
          language: Annotated[Optional[str], Opt(help="Only experts working in this language (ISO code).")] = None,
          category: Annotated[Optional[str], Opt(help="Only experts of this category.")] = None,
          country: Annotated[Optional[str], Opt(help="Only experts whose administration is in this country.")] = None,
          json_: Json = False) -> None:
    """The roster, by name, optionally filtered."""
    from mieux.experts import summaries

    found = summaries(runtime(ctx).app.roster.find(theme=theme, language=language, category=category, country=country))
    if json_:
        typer.echo(as_json(found))
    elif found:
        typer.echo(table(list(found[0]), [list(row.values()) for row in found]))
    else:
        typer.echo("no expert matches")


@app.command("match")
def match(ctx: typer.Context,
          activity: Annotated[str, typer.Argument(help="The activity, by its Action and number: 2026-07/3.")],
          count: Annotated[int, Opt(min=1, max=100, help="How many candidates to show.")] = 5,
          all_: Annotated[bool, Opt("--all", help="Also list the experts excluded, with why.")] = False,
          json_: Json = False) -> None:
    """Rank the roster for an activity, each candidate with the reasons their score is made of."""
    from config.files import load_model
    from domain.errors import ConfigError
    from domain.matching import Weights, mixed, team
    from mieux.experts import match as ranked

    rt = runtime(ctx)
    weights = load_model(rt.settings.matching_file, Weights, what="the matching file", error=ConfigError)
    row, action, judged = ranked(rt.service, activity, weights)
    shown = [m for m in judged if not m.excluded][:count]
    excluded = [m for m in judged if m.excluded] if all_ else []
    if json_:
        typer.echo(as_json({"activity": activity, "candidates": [
            {"expert": m.candidate.key, "name": m.candidate.name, "score": m.score,
             "reasons": [{"points": p, "why": why} for p, why in m.reasons]} for m in shown],
            "team": team(shown), "triangular": action.triangular, "mixed": mixed(shown),
            "excluded": [{"expert": m.candidate.key, "name": m.candidate.name, "why": m.excluded}
                         for m in excluded]}))
        return
    typer.echo(f"{activity} {row.title} ({action.reference} {action.name}, {action.theme}; "
               f"{' to '.join(str(d) for d in (row.start, row.end) if d) or 'dates to be set'}; "
               f"languages {' '.join(row.languages) or 'not set'})")
    if not shown:
        typer.echo("no expert in the roster fits" + ("" if all_ else " (--all shows why)"))
    for rank_, m in enumerate(shown, 1):
        terms = "".join(f" {'-' if p < 0 else '+'} {abs(p):g} ({why})" for p, why in m.reasons)
        terms = terms[3:] if terms.startswith(" +") else "-" + terms[3:]  # 40 (...) - 10 (...); -10 (...)
        typer.echo(f"{rank_}. {m.candidate.key} {m.candidate.name}: {m.score:g} = {terms}"
                   if m.reasons else f"{rank_}. {m.candidate.key} {m.candidate.name}: 0 (nothing in favour)")
    if shown:
        shape = team(shown)
        typer.echo("team: " + "; ".join(f"{facet} " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
                                       for facet, counts in shape.items()))
        if action.triangular:
            typer.echo("triangular cooperation: " + ("EU and non-EU administrations together" if mixed(shown) else
                                                     "no mix of EU and non-EU administrations among these"))
    for m in excluded:
        typer.echo(f"excluded: {m.candidate.key} {m.candidate.name}: {'; '.join(m.excluded)}")


@app.command("show")
def show(ctx: typer.Context, key: Key, json_: Json = False) -> None:
    """One expert, whole."""
    rt = runtime(ctx)
    _print(rt.app.roster.get(key), json_, zone=rt.zone)


def _print(row, json_: bool, *, added: bool = False, zone=None) -> None:
    from mieux.experts import expert_key
    from mieux.render import local

    columns = [c.key for c in row.__table__.columns if c.key != "id"]
    if json_:
        typer.echo(as_json({"expert": expert_key(row)} | {name: getattr(row, name) for name in columns}))
    elif added:
        typer.echo(f"added {expert_key(row)} {row.name} to the roster")
    else:
        fields = {"expert": expert_key(row)} | {name: getattr(row, name) for name in columns}
        for name in ("created_at", "updated_at"):
            fields[name] = local(fields[name], zone) if zone else fields[name]
        fields["languages"] = " ".join(f"{s['language']}:{s['level']}" for s in row.languages)
        for name in ("themes", "keywords"):
            fields[name] = "; ".join(fields[name]) or None
        for name in ("available", "unavailable"):
            fields[name] = "; ".join(f"{w['start']}..{w['end']}" for w in fields[name]) or None
        typer.echo("\n".join(f"{k:24} {'-' if v is None else v}" for k, v in fields.items()))


@app.command("export")
def export(ctx: typer.Context, key: Key,
           out: Annotated[Optional[Path], Opt(help="Write the JSON to this file (default: print it).")] = None,
           actor: As = None) -> None:
    """Everything held about an expert (roster, assignments, messages, audit rows) as JSON: their right of access."""
    from mieux.experts import KEEPERS
    from mieux.privacy import export as held

    rt = runtime(ctx)
    rt.service.require(rt.actor(actor), KEEPERS, "export an expert's personal data")
    document = as_json(held(rt.service.engine, key))
    if out is None:
        typer.echo(document)
        return
    out.write_text(document + "\n", encoding="utf-8")
    typer.echo(f"wrote everything held about {key.strip().upper()} to {out}")


@app.command("erase")
def erase(ctx: typer.Context, key: Key,
          confirm: Annotated[str, Opt("--confirm", help="The expert's key again: erasure cannot be undone.")],
          actor: As = None) -> None:
    """Erase an expert's personal data everywhere (statistics keep their counts); recorded without the data."""
    from domain.errors import InvalidInput
    from mieux.cli.common import door
    from mieux.privacy import erase as erased

    rt = runtime(ctx)
    if confirm.strip().upper() != key.strip().upper():
        raise InvalidInput(f"--confirm {confirm!r} is not {key.strip().upper()}: give the expert's key again to erase")
    changed = erased(rt.service.engine, key, facility=rt.service.facility, clock=rt.service.clock,
                     actor=rt.actor(actor), via=door("command line"))
    where = ", ".join(f"{column} {n}" for column, n in changed.items()) or "nowhere else"
    typer.echo(f"erased {key.strip().upper()}'s personal data: the roster row, and values in {where}")


@app.command("history")
def history(ctx: typer.Context, key: Key, json_: Json = False) -> None:
    """The expert's own audit trail: added or imported, each change, an erasure; oldest first."""
    from mieux.render import local

    rt = runtime(ctx)
    entries = rt.app.roster.history(key)
    if json_:
        typer.echo(as_json([e.model_dump(exclude={"id", "action_id", "subject_id"}) for e in entries]))
        return
    typer.echo(table(["when", "what", "by", "fields", "via"],
                     [[local(e.at, rt.zone), e.trigger, e.actor, ", ".join(sorted(e.payload)), e.via] for e in entries]))
