"""What admins can do from the Prefect UI: fire a trigger, register a request.

Prefect renders each flow's parameter form from its signature; the trigger is a choice list.
The same service, guards and roles as the CLI apply: a refusal fails the run with its reason.
"""
from datetime import date
from enum import Enum, StrEnum

from prefect import flow, get_run_logger

from domain.schemas import ActionChanges, RequestIn
from flows import runtime
from states.action import ACTION

Trigger = StrEnum("Trigger", {name: name for name in ACTION.triggers})


@flow(name="mieux-fire-trigger", flow_run_name="{reference} {trigger}")
def fire_trigger(reference: str, trigger: Trigger, acting_person: str, reason: str | None = None,
                 project_officer: str | None = None, psg_decision_on: date | None = None,
                 psg_comments: str | None = None, forwarded_to: str | None = None,
                 monitoring_completed_on: date | None = None, final_report: str | None = None,
                 lessons_learnt: str | None = None) -> dict:
    """Fire a trigger on an Action, as `acting_person`, with the data its guards need."""
    given = {"project_officer": project_officer, "psg_decision_on": psg_decision_on,
             "psg_comments": psg_comments, "forwarded_to": forwarded_to,
             "monitoring_completed_on": monitoring_completed_on, "final_report": final_report,
             "lessons_learnt": lessons_learnt}
    changes = ActionChanges.model_validate({k: v for k, v in given.items() if v is not None})
    name = trigger.value if isinstance(trigger, Enum) else str(trigger)
    action = runtime.current().service.fire(reference, name, actor=acting_person, reason=reason, changes=changes)
    get_run_logger().info("%s %s: now %s", action.reference, action.name, action.state)
    return {"reference": action.reference, "state": action.state, "version": action.version}


@flow(name="mieux-register-request", flow_run_name="register {request.name}")
def register_request(request: RequestIn, acting_person: str) -> dict:
    """Register a new request; it gets the next reference of its year of receipt."""
    action = runtime.current().service.register(request, actor=acting_person)
    get_run_logger().info("registered %s %s", action.reference, action.name)
    return {"reference": action.reference, "state": action.state}
