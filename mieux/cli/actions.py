"""`mieux action` and `mieux machine`: look at Actions, move them, see the machine."""
from pathlib import Path
from typing import Annotated, Optional

import typer

from domain.errors import InvalidInput
from mieux.cli.common import As, Json, Reason, Runtime, parse_date, read_structured, runtime, sub_app, validated
from mieux.render import as_json, local, table

app = sub_app("Look at Actions and move them through their lifecycle.")
machine_app = sub_app("The state machines themselves (the Action's, the activity's).")
Opt = typer.Option
Ref = Annotated[str, typer.Argument(help="The Action's reference, e.g. 2026-03.")]
Version = Annotated[Optional[int], Opt("--if-version", min=1, max=2_147_483_647,
                                       help="Refuse (conflict) unless the Action is at this version.")]


@app.command("list")
def list_(ctx: typer.Context,
          state: Annotated[Optional[list[str]], Opt(help="Only Actions in this state (repeatable).")] = None,
          json_: Json = False) -> None:
    """The Actions, oldest request first."""
    rt = runtime(ctx)
    actions = rt.service.summaries(state or ())
    if json_:
        typer.echo(as_json([summary(a) for a in actions]))
        return
    now = rt.service.clock.now()
    typer.echo(table(["reference", "name", "state", "days", "officer", "region", "received"],
                     [[a.reference, a.name, a.state, (now - a.state_since).days, a.project_officer, a.region,
                       a.received_on] for a in actions]))
    typer.echo(f"{len(actions)} Action(s)")


@app.command("show")
def show_command(ctx: typer.Context, reference: Ref, json_: Json = False) -> None:
    """Everything about one Action, and the triggers that apply now."""
    rt = runtime(ctx)
    show(rt, rt.service.get(reference), as_json=json_)


@app.command("fire")
def fire(
    ctx: typer.Context, reference: Ref,
    trigger: Annotated[str, typer.Argument(help="accept, reject, forward, submit_fiche, return_fiche, approve, "
                                           "finish_implementation, start_closure, close, withdraw, suspend, resume.")],
    reason: Reason = None,
    facility: Annotated[Optional[str], Opt(help="forward: the facility the request goes to.")] = None,
    comments: Annotated[Optional[str], Opt(help="return_fiche: the PSG's comments.")] = None,
    decision_date: Annotated[Optional[str], Opt(help="approve/reject at PSG: date of the decision.")] = None,
    monitoring_done: Annotated[Optional[str], Opt(help="start_closure: date monitoring was completed.")] = None,
    final_report: Annotated[Optional[str], Opt(help="close: the final report (text or a link).")] = None,
    lessons: Annotated[Optional[str], Opt(help="close: lessons learnt for the knowledge register.")] = None,
    officer: Annotated[Optional[str], Opt(help="accept: assign this project officer.")] = None,
    fiche: Annotated[Optional[Path], Opt(help="submit_fiche: a JSON/YAML Action Fiche to record first.")] = None,
    to: Annotated[Optional[str], Opt("--to", help="resume an Action imported on hold (where it was is not "
                                     "recorded): the state it goes back to.")] = None,
    actor: As = None, if_version: Version = None, json_: Json = False,
) -> None:
    """Fire a trigger; refused with the reason if the state, role or guards do not allow it."""
    from domain.schemas import ActionChanges

    rt = runtime(ctx)
    who = rt.actor(actor)
    data = {"forwarded_to": facility, "psg_comments": comments,
            "psg_decision_on": parse_date(decision_date, "--decision-date"),
            "monitoring_completed_on": parse_date(monitoring_done, "--monitoring-done"),
            "final_report": final_report, "lessons_learnt": lessons, "project_officer": officer,
            "fiche": read_structured(fiche) if fiche else None}
    changes = validated(ActionChanges, {k: v for k, v in data.items() if v is not None}, trigger)
    before = rt.service.get(reference).state
    action = rt.service.fire(reference, trigger, actor=who, reason=reason, changes=changes,
                             expected_version=if_version, to=to)
    if json_:
        show(rt, action, as_json=True)
    else:
        typer.echo(f"{action.reference} {action.name}: {before} -> {action.state} ({trigger} by {who})")


@app.command("update")
def update(
    ctx: typer.Context, reference: Ref,
    officer: Annotated[Optional[str], Opt(help="Assign a project officer.")] = None,
    focal_point: Annotated[Optional[str], Opt(help="Focal point at the partner.")] = None,
    focal_point_email: Annotated[Optional[str], Opt(help="The focal point's email: the partner authority's "
                                                    "evaluation forms go there.")] = None,
    fiche: Annotated[Optional[Path], Opt(help="Replace the Action Fiche with this JSON/YAML file.")] = None,
    set_: Annotated[Optional[list[str]], Opt("--set", help="FIELD=VALUE for another field a person may change "
                                             "(repeatable); the machine's own fields are never set by hand.")] = None,
    reason: Reason = None, actor: As = None, if_version: Version = None, json_: Json = False,
) -> None:
    """Change an Action's data without moving it (audited)."""
    from domain.schemas import ActionChanges
    from states.action import ACTION

    rt = runtime(ctx)
    who = rt.actor(actor)
    data = dict(_pair(item, "--set") for item in set_ or ())
    ACTION.check_fields(data, label=reference)
    data |= {k: v for k, v in {"project_officer": officer, "focal_point": focal_point,
                                 "focal_point_email": focal_point_email}.items() if v is not None}
    if fiche:
        data["fiche"] = read_structured(fiche)
    action = rt.service.update(reference, validated(ActionChanges, data, "update"), actor=who, reason=reason,
                               expected_version=if_version)
    if json_:
        show(rt, action, as_json=True)
    else:
        typer.echo(f"{action.reference} {action.name}: updated {', '.join(sorted(data))} (version {action.version})")


@app.command("history")
def history(ctx: typer.Context, reference: Ref, json_: Json = False) -> None:
    """The audit trail of the Action and its activities: every transition, import and edit, oldest first."""
    rt = runtime(ctx)
    entries = rt.service.history(reference)
    keys = rt.service.subject_keys(reference)
    if json_:
        typer.echo(as_json([{"subject": keys.get((e.subject_kind, e.subject_id))}
                            | e.model_dump(exclude={"id", "action_id", "subject_id"}) for e in entries]))
        return
    typer.echo(table(["when", "subject", "trigger", "from", "to", "by", "reason", "via"],
                     [[local(e.at, rt.zone), keys.get((e.subject_kind, e.subject_id)), e.trigger, e.from_state,
                       e.to_state, e.actor, e.reason, e.via] for e in entries]))


@machine_app.command("diagram")
def diagram(name: Annotated[str, typer.Argument(help="Which machine: action, activity, assignment or checklist_item.")] = "action") -> None:
    """A state machine as Mermaid text, drawn from the machine itself."""
    from mieux.subjects import kind

    typer.echo(kind(name).machine.mermaid())


def summary(action) -> dict:
    from mieux.service import ActionService

    return {name: getattr(action, name) for name in ActionService.SUMMARY}


def show(rt: Runtime, action, *, as_json: bool) -> None:
    """One Action whole: its facts, activities, deadlines (pending, met, missed ...), the alerts it
    caused and how each went, its history, and what can be done next and by whom."""
    from mieux.cli.activities import public, where
    from mieux.render import as_json as to_json
    from states.action import ACTION

    ref = action.reference
    nexts = [{"trigger": t, "by": roles} for t, roles in ACTION.next_steps(action.state).items()]
    activities, keys = rt.service.activities(ref), rt.service.subject_keys(ref)
    deadlines, alerts = rt.service.deadlines_of(ref), rt.service.alerts_of(ref)
    if as_json:  # the flag: the function is to_json here
        typer.echo(to_json(action.model_dump(exclude={"id"}) | {
            "activities": [public(ref, a) for a in activities],
            "deadlines": [{"subject": keys.get((d.subject_kind, d.subject_id)), "kind": d.kind, "deadline": d.label,
                           "due_at": d.due_at, "status": d.status, "stopped_at": d.stopped_at} for d in deadlines],
            "alerts": [{"kind": a.kind, "at": a.created_at, "deliveries": [
                {"person": d.person, "channel": d.channel, "status": d.status, "error": d.last_error} for d in sent]}
                for a, sent in alerts],
            "available_triggers": [n["trigger"] for n in nexts], "next": nexts}))
        return
    fields = {name: getattr(action, name) for name in type(action).model_fields if name not in ("id", "fiche")}
    fields["countries"] = " ".join(action.countries)
    for name in ("state_since", "created_at", "updated_at", "fiche_submitted_at"):
        fields[name] = local(getattr(action, name), rt.zone)
    typer.echo("\n".join(f"{k:24} {'-' if v is None else v}" for k, v in fields.items()))
    fiche = action.fiche or {}
    typer.echo(f"{'fiche objective':24} {fiche.get('objective') or '-'}")
    typer.echo(f"{'fiche intervention logic':24} {fiche.get('intervention_logic') or '-'}")
    for a in activities:
        when = " to ".join(str(d) for d in (a.start, a.end) if d) or "dates to be set"
        typer.echo(f"  activity {ref}/{a.number}: [{a.state}] {a.type} {a.title!r}, {when}, {where(a)}")
    if deadlines:
        typer.echo("\ndeadlines")
        typer.echo(table(["of", "deadline", "due", "status"], [[keys.get((d.subject_kind, d.subject_id)), d.label,
                                                              local(d.due_at, rt.zone), d.status] for d in deadlines]))
    if alerts:
        typer.echo("\nalerts")
        typer.echo(table(["when", "alert", "to"], [[local(a.created_at, rt.zone), a.kind, ", ".join(
            f"{d.person} by {d.channel}: {d.status}" for d in sent) or "not yet routed"] for a, sent in alerts]))
    typer.echo(f"\n{'history':24} {len(rt.service.history(ref))} entries (mieux action history {ref})")
    typer.echo(f"{'triggers now':24} " + ("; ".join(f"{n['trigger']} ({', '.join(n['by'])})" for n in nexts)
                                          or "none (final)"))


def _pair(item: str, option: str) -> tuple[str, str]:
    name, sep, value = item.partition("=")
    if not sep or not name:
        raise InvalidInput(f"{option} {item!r}: expected FIELD=VALUE")
    return name.strip(), value
