"""The README's lifecycle tables say what the machines do."""
from pathlib import Path

from states.action import RULES
from states.activity import ACTIVITY
from states.assignment import ASSIGNMENT
from states.checklist import CHECKLIST_ITEM

README = Path(__file__).resolve().parents[2] / "README.md"


def lifecycle_rows(header: str = "| trigger | from | to |") -> list[dict]:
    lines = README.read_text(encoding="utf-8").split(header, 1)[1].splitlines()[2:]
    rows = []
    for line in lines:
        if not line.startswith("|"):
            break
        trigger, source, dest, who, _ = (cell.strip() for cell in line.strip("|").split("|"))
        who = who.split(" (")[0]  # a remark in brackets after the roles
        rows.append({"trigger": trigger, "from": source, "to": dest, "who": set(who.split(", "))})
    return rows


def test_every_rule_of_the_machine_is_a_row_of_the_readme_table_with_its_roles():
    rows = lifecycle_rows()
    for rule in RULES:
        matching = [r for r in rows if r["trigger"] == rule.trigger
                    and (r["to"] == rule.dest or r["to"] == "the state it left")
                    and (r["from"] == rule.source[0] or r["from"].startswith("any open state"))]
        assert matching, f"README has no row for {rule.trigger} {rule.source[0]} -> {rule.dest}"
        assert matching[0]["who"] == set(rule.roles), f"README roles for {rule.trigger} differ"


def test_the_readme_table_has_no_trigger_the_machine_lacks():
    assert {r["trigger"] for r in lifecycle_rows()} == {r.trigger for r in RULES}


def test_the_activity_table_of_the_readme_is_the_machines():
    rows = lifecycle_rows("| activity trigger | from | to |")
    said = {(r["trigger"], source, r["to"], frozenset(r["who"])) for r in rows for source in r["from"].split(", ")}
    assert said == {(rule.trigger, source, rule.dest, rule.roles) for rule in ACTIVITY.rules for source in rule.source}


def test_the_readme_says_who_may_change_each_field_as_the_machine_does():
    from states.action import ACTION, OWNED

    text = README.read_text(encoding="utf-8").split("| fields | who may set them |", 1)[1].splitlines()[2:]
    said = {}
    for line in text:
        if not line.startswith("|"):
            break
        fields, who = (cell.strip() for cell in line.strip("|").split("|"))
        roles = set(who.removesuffix(" only (the PSG's own decision)").split(", "))
        said |= {field: roles for field in fields.split(", ")}
    assert said == {field: set(roles) for field, roles in ACTION.editors.items()}
    assert all(f"`{field}`" in README.read_text(encoding="utf-8") for field in OWNED)


def test_the_assignment_table_of_the_readme_is_the_machines():
    rows = lifecycle_rows("| assignment trigger | from | to |")
    said = {(r["trigger"], source, r["to"], frozenset(r["who"])) for r in rows for source in r["from"].split(", ")}
    assert said == {(rule.trigger, source, rule.dest, rule.roles) for rule in ASSIGNMENT.rules for source in rule.source}


def test_the_checklist_table_of_the_readme_is_the_machines():
    rows = lifecycle_rows("| checklist trigger | from | to |")
    said = {(r["trigger"], source, r["to"], frozenset(r["who"])) for r in rows for source in r["from"].split(", ")}
    assert said == {(rule.trigger, source, rule.dest, rule.roles) for rule in CHECKLIST_ITEM.rules
                    for source in rule.source}


def test_the_communications_table_of_the_readme_is_the_machines():
    from states.communication import COMMUNICATION_TASK

    rows = lifecycle_rows("| communications trigger | from | to |")
    said = {(r["trigger"], source, r["to"], frozenset(r["who"])) for r in rows for source in r["from"].split(", ")}
    assert said == {(rule.trigger, source, rule.dest, rule.roles)
                    for rule in COMMUNICATION_TASK.rules for source in rule.source}
