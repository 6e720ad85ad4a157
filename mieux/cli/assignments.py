"""`mieux assignment`: experts on activities, each a small state machine (proposed ... completed)."""
from typing import Annotated, Optional

import typer

from mieux.cli.common import As, Json, Reason, parse_date, print_subject, print_trail, runtime, sub_app, validated
from mieux.render import as_json, table

app = sub_app("Experts on activities: proposed, invited, contracted, deployed, each a state machine.")
Opt = typer.Option
Key = Annotated[str, typer.Argument(help="The assignment: its activity and expert, e.g. 2026-07/3/E17.")]
Activity = Annotated[str, typer.Argument(help="The activity: its Action and number, e.g. 2026-07/3.")]
Version = Annotated[Optional[int], Opt("--if-version", min=1, max=2_147_483_647,
                                       help="Refuse (conflict) unless the assignment is at this version.")]
WorkingDays = Annotated[Optional[int], Opt("--working-days", help="Working days the expert is contracted for.")]
TravelDays = Annotated[Optional[int], Opt("--travel-days", help="Days of travel on top.")]
Fee = Annotated[Optional[str], Opt("--fee-per-day", help="The fee per working day in euros, e.g. 450 or 450.50.")]
ContractOn = Annotated[Optional[str], Opt("--contract-on", help="The contract's date (YYYY-MM-DD).")]
ReportOn = Annotated[Optional[str], Opt("--report-on", help="The day the post-mission report arrived (YYYY-MM-DD).")]
FLAGS = {"working_days": "--working-days", "travel_days": "--travel-days", "fee_per_day": "--fee-per-day",
         "contract_on": "--contract-on", "report_on": "--report-on"}


def _fields(working_days=None, travel_days=None, fee_per_day=None, contract_on=None, report_on=None) -> dict:
    data = {"working_days": working_days, "travel_days": travel_days, "fee_per_day": fee_per_day,
            "contract_on": parse_date(contract_on, "--contract-on"), "report_on": parse_date(report_on, "--report-on")}
    return {k: v for k, v in data.items() if v is not None}


@app.command("propose")
def propose(ctx: typer.Context, activity: Activity,
            expert: Annotated[str, typer.Argument(help="The expert, e.g. E17 (mieux expert match ACTIVITY).")],
            working_days: WorkingDays = None, travel_days: TravelDays = None, fee_per_day: Fee = None,
            actor: As = None, json_: Json = False) -> None:
    """Propose an expert of the roster for an activity (refused if they are on another activity at those dates)."""
    from domain.assignments import AssignmentIn

    rt = runtime(ctx)
    data = {**_fields(working_days, travel_days, fee_per_day), "expert": expert.strip()}
    row = rt.service.propose_expert(activity, validated(AssignmentIn, data, "assignment", FLAGS), actor=rt.actor(actor))
    key = f"{activity.strip()}/E{row.expert_id}"
    if json_:
        show_assignment(rt, key, as_json=True)
    else:
        typer.echo(f"proposed {key} (state: {row.state})")


@app.command("list")
def list_(ctx: typer.Context, activity: Activity, json_: Json = False) -> None:
    """An activity's experts, in the order they were proposed."""
    rt = runtime(ctx)
    found = rt.service.assignments(activity)
    listed = [public(activity.strip(), a, e) for a, e in found]
    if json_:
        typer.echo(as_json(listed))
        return
    typer.echo(table(["assignment", "expert", "state", "working days", "fee per day", "contract on"],
                     [[x["assignment"], x["expert_name"], x["state"], x["working_days"], x["fee_per_day"],
                       x["contract_on"]] for x in listed]))
    typer.echo(f"{len(listed)} expert{'' if len(listed) == 1 else 's'}")


@app.command("show")
def show(ctx: typer.Context, key: Key, json_: Json = False) -> None:
    """Everything about one assignment, and the triggers that apply now."""
    show_assignment(runtime(ctx), key, as_json=json_)


@app.command("fire")
def fire(ctx: typer.Context, key: Key,
         trigger: Annotated[str, typer.Argument(help="invite, accept, decline, send_contract, sign_contract, deploy, "
                                                     "complete, withdraw.")],
         reason: Reason = None, working_days: WorkingDays = None, travel_days: TravelDays = None,
         fee_per_day: Fee = None, contract_on: ContractOn = None, report_on: ReportOn = None, actor: As = None,
         if_version: Version = None, json_: Json = False) -> None:
    """Fire a trigger on an assignment (send_contract takes --contract-on, complete --report-on)."""
    from domain.assignments import AssignmentChanges

    rt = runtime(ctx)
    who = rt.actor(actor)
    changes = validated(AssignmentChanges, _fields(working_days, travel_days, fee_per_day, contract_on, report_on),
                        trigger, FLAGS)
    before = rt.service.subject("assignment", key).state
    row = rt.service.transition("assignment", key, trigger, actor=who, reason=reason, changes=changes,
                                expected_version=if_version)
    if json_:
        show_assignment(rt, key, as_json=True)
    else:
        typer.echo(f"{key.strip()}: {before} -> {row.state} ({trigger} by {who})")


@app.command("update")
def update(ctx: typer.Context, key: Key, working_days: WorkingDays = None, travel_days: TravelDays = None,
           fee_per_day: Fee = None, contract_on: ContractOn = None, report_on: ReportOn = None, reason: Reason = None,
           actor: As = None, if_version: Version = None, json_: Json = False) -> None:
    """Change an assignment's terms or dates without moving it (audited)."""
    from domain.assignments import AssignmentChanges

    rt = runtime(ctx)
    data = _fields(working_days, travel_days, fee_per_day, contract_on, report_on)
    row = rt.service.edit("assignment", key, validated(AssignmentChanges, data, "assignment", FLAGS),
                          actor=rt.actor(actor), reason=reason, expected_version=if_version)
    if json_:
        show_assignment(rt, key, as_json=True)
    else:
        typer.echo(f"{key.strip()}: updated {', '.join(sorted(data))} (version {row.version})")


@app.command("history")
def history(ctx: typer.Context, key: Key, json_: Json = False) -> None:
    """The assignment's own audit trail, oldest first."""
    rt = runtime(ctx)
    print_trail(rt, rt.service.subject_history("assignment", key), as_json=json_)


def public(activity_key: str, assignment, expert) -> dict:
    return {"assignment": f"{activity_key}/E{assignment.expert_id}", "expert": f"E{assignment.expert_id}",
            "expert_name": expert.name,
            **assignment.model_dump(exclude={"id", "action_id", "activity_id", "expert_id"})}


def show_assignment(rt, key: str, *, as_json: bool) -> None:
    from states.assignment import ASSIGNMENT

    key = key.strip()
    activity_key = key.rpartition("/")[0]
    row = rt.service.subject("assignment", key)
    expert = next(e for a, e in rt.service.assignments(activity_key) if a.id == row.id)
    print_subject(rt, public(activity_key, row, expert), ASSIGNMENT.available(row.state), as_json=as_json)
