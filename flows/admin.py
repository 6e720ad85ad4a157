"""What admins can do from the Prefect UI: fire a trigger, register a request.

Prefect renders each flow's parameter form from its signature: the machine and the trigger are
choice lists, the trigger's data a section per machine (a pydantic model, one field each). The
same service, guards and roles as the CLI apply: a refusal ends the run as Refused, with its reason.
"""
from enum import Enum, StrEnum

from prefect import flow, get_run_logger

from domain.activities import ActivityChanges
from domain.errors import MieuxError
from domain.schemas import ActionChanges, RequestIn
from flows import runtime
from mieux.subjects import MACHINES

Machine = StrEnum("Machine", {name: name for name in MACHINES})
Trigger = StrEnum("Trigger", {t: t for machine in MACHINES.values() for t in machine.triggers})


@flow(name="mieux-fire-trigger", flow_run_name="{subject} {trigger}")
def fire_trigger(subject: str, trigger: Trigger, acting_person: str, machine: Machine = Machine.action,
                 reason: str | None = None, action_data: ActionChanges | None = None,
                 activity_data: ActivityChanges | None = None) -> dict:
    """Fire a trigger on a subject (an Action `2026-07`, an activity `2026-07/3`) as `acting_person`,
    with the data its guards need (the section of the subject's machine)."""
    kind = machine.value if isinstance(machine, Enum) else str(machine)
    name = trigger.value if isinstance(trigger, Enum) else str(trigger)
    data = {"action": action_data, "activity": activity_data}[kind]
    try:
        row = runtime.current().service.transition(kind, subject, name, actor=acting_person, reason=reason,
                                                   changes=data, via=door())
    except MieuxError as refusal:
        return refused(refusal)
    get_run_logger().info("%s %s: now %s", kind, subject, row.state)
    return {"subject": subject, "state": row.state, "version": row.version}


def door() -> str:
    """How the audit names this door: the Prefect flow run the act came through."""
    from prefect.runtime import flow_run

    return f"Prefect flow run {flow_run.id} ({flow_run.flow_name})"


def refused(refusal: MieuxError):
    """A refusal is a business outcome, not a crash: the run ends in a state named Refused that
    carries the one-line reason (no traceback, not counted as a failure, nothing to retry)."""
    from prefect.states import Completed

    get_run_logger().warning("refused: %s", refusal)
    return Completed(name="Refused", message=str(refusal), data={"refused": str(refusal)})


@flow(name="mieux-register-request", flow_run_name="register {request.name}")
def register_request(request: RequestIn, acting_person: str) -> dict:
    """Register a new request; it gets the next reference of its year of receipt."""
    try:
        action = runtime.current().service.register(request, actor=acting_person, via=door())
    except MieuxError as refusal:
        return refused(refusal)
    get_run_logger().info("registered %s %s", action.reference, action.name)
    return {"reference": action.reference, "state": action.state}
