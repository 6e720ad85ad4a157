"""`mieux activity`: the activities of an Action, each with its own lifecycle."""
from typing import Annotated, Optional

import typer

from domain.errors import InvalidInput
from mieux.cli.common import As, Json, Reason, parse_date, print_subject, print_trail, runtime, sub_app, validated
from mieux.render import as_json, table

app = sub_app("The activities of an Action (workshops, study visits, trainings ...), each a state machine.")
Opt = typer.Option
Key = Annotated[str, typer.Argument(help="The activity: its Action and number, e.g. 2026-07/3.")]
Ref = Annotated[str, typer.Argument(help="The Action's reference, e.g. 2026-07.")]
Version = Annotated[Optional[int], Opt("--if-version", min=1, max=2_147_483_647,
                                       help="Refuse (conflict) unless the activity is at this version.")]
Start = Annotated[Optional[str], Opt(help="First day (YYYY-MM-DD).")]
End = Annotated[Optional[str], Opt(help="Last day (YYYY-MM-DD).")]
Country = Annotated[Optional[str], Opt(help="Where: the country (ISO code, e.g. GH).")]
City = Annotated[Optional[str], Opt(help="Where: the city.")]
Remote = Annotated[Optional[bool], Opt("--remote/--on-site", help="Held remotely (or on site).")]
Languages = Annotated[Optional[str], Opt(help='Working languages, ISO codes, space-separated: "en fr".')]
Counts = Annotated[Optional[str], Opt(help='"women=12 men=9 other=1".')]
Deliverable = Annotated[Optional[list[str]], Opt(help='"type=strategy title=... link=..." (repeatable; replaces the list).')]


def _fields(start=None, end=None, country=None, city=None, remote=None, languages=None, **more) -> dict:
    data = {"start": parse_date(start, "--start"), "end": parse_date(end, "--end"), "country": country, "city": city,
            "remote": remote, "languages": languages, **more}
    return {k: v for k, v in data.items() if v is not None}


def _pairs(text: str, option: str) -> dict:
    """`a=1 b=2` as a dict; values may be quoted with spaces: title="Action plan"."""
    import shlex

    try:
        words = shlex.split(text)
    except ValueError as error:
        raise InvalidInput(f"{option} {text!r}: {error}") from None
    pairs = {}
    for word in words:
        name, sep, value = word.partition("=")
        if not sep or not name:
            raise InvalidInput(f"{option} {text!r}: expected NAME=VALUE words, e.g. women=12 men=9")
        pairs[name] = value
    return pairs


@app.command("add")
def add(ctx: typer.Context, reference: Ref,
        type_: Annotated[str, Opt("--type", help="workshop, training, study_visit, assessment ... (see README).")],
        title: Annotated[str, Opt(help="What it is called.")],
        start: Start = None, end: End = None, country: Country = None, city: City = None, remote: Remote = None,
        languages: Languages = None, actor: As = None, json_: Json = False) -> None:
    """Add an activity to an Action; it starts planned."""
    from domain.activities import ActivityIn

    rt = runtime(ctx)
    data = _fields(start, end, country, city, remote, languages, type=type_, title=title)
    row = rt.service.add_activity(reference, validated(ActivityIn, data, "activity"), actor=rt.actor(actor))
    key = f"{reference}/{row.number}"
    if json_:
        show_activity(rt, key, as_json=True)
    else:
        typer.echo(f"added {key} {row.title} (state: {row.state})")


@app.command("list")
def list_(ctx: typer.Context, reference: Ref, json_: Json = False) -> None:
    """An Action's activities, in order."""
    rt = runtime(ctx)
    rows = rt.service.activities(reference)
    if json_:
        typer.echo(as_json([public(reference, a) for a in rows]))
        return
    typer.echo(table(["activity", "type", "title", "state", "start", "end", "where"],
                     [[f"{reference}/{a.number}", a.type, a.title, a.state, a.start, a.end, where(a)] for a in rows]))
    typer.echo(f"{len(rows)} activit{'y' if len(rows) == 1 else 'ies'}")


@app.command("show")
def show(ctx: typer.Context, key: Key, json_: Json = False) -> None:
    """Everything about one activity, and the triggers that apply now."""
    show_activity(runtime(ctx), key, as_json=json_)


@app.command("fire")
def fire(ctx: typer.Context, key: Key,
         trigger: Annotated[str, typer.Argument(help="prepare, get_ready, deliver, evaluate, postpone, cancel.")],
         reason: Reason = None, start: Start = None, end: End = None, country: Country = None, city: City = None,
         remote: Remote = None, actor: As = None, if_version: Version = None, json_: Json = False) -> None:
    """Fire a trigger on an activity (postpone takes the new dates); refused with the reason."""
    from domain.activities import ActivityChanges

    rt = runtime(ctx)
    who = rt.actor(actor)
    changes = validated(ActivityChanges, _fields(start, end, country, city, remote), trigger)
    before = rt.service.subject("activity", key).state
    row = rt.service.transition("activity", key, trigger, actor=who, reason=reason, changes=changes,
                                expected_version=if_version)
    if json_:
        show_activity(rt, key, as_json=True)
    else:
        typer.echo(f"{key} {row.title}: {before} -> {row.state} ({trigger} by {who})")


@app.command("update")
def update(ctx: typer.Context, key: Key,
           title: Annotated[Optional[str], Opt(help="A new title.")] = None,
           type_: Annotated[Optional[str], Opt("--type", help="A new type.")] = None,
           start: Start = None, end: End = None, country: Country = None, city: City = None, remote: Remote = None,
           languages: Languages = None,
           planned: Annotated[Optional[str], Opt("--planned-participants", help='"women=12 men=9 other=1".')] = None,
           participants: Counts = None, deliverable: Deliverable = None,
           reason: Reason = None, actor: As = None, if_version: Version = None, json_: Json = False) -> None:
    """Change an activity's data without moving it (audited; changing its dates re-plans its deadlines)."""
    from domain.activities import ActivityChanges

    rt = runtime(ctx)
    data = _fields(start, end, country, city, remote, languages, title=title, type=type_)
    if planned:
        data["planned_participants"] = _pairs(planned, "--planned-participants")
    if participants:
        data["participants"] = _pairs(participants, "--participants")
    if deliverable:
        data["deliverables"] = [_pairs(d, "--deliverable") for d in deliverable]
    row = rt.service.edit("activity", key, validated(ActivityChanges, data, "activity"), actor=rt.actor(actor),
                          reason=reason, expected_version=if_version)
    if json_:
        show_activity(rt, key, as_json=True)
    else:
        typer.echo(f"{key} {row.title}: updated {', '.join(sorted(data))} (version {row.version})")


@app.command("history")
def history(ctx: typer.Context, key: Key, json_: Json = False) -> None:
    """The activity's own audit trail, oldest first."""
    rt = runtime(ctx)
    print_trail(rt, rt.service.subject_history("activity", key), as_json=json_)


def where(activity) -> str:
    if activity.remote:
        return "remote"
    return ", ".join(filter(None, [activity.city, activity.country])) or "to be set"


def public(reference: str, activity) -> dict:
    return {"activity": f"{reference}/{activity.number}",
            **activity.model_dump(exclude={"id", "action_id"})}


def show_activity(rt, key: str, *, as_json: bool) -> None:
    from states.activity import ACTIVITY

    row = rt.service.subject("activity", key)
    fields = public(key.strip().split("/")[0], row)
    if not as_json:
        fields["where"] = where(row)
    print_subject(rt, fields, ACTIVITY.available(row.state), as_json=as_json)
