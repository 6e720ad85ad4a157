"""The checklist item machine on its own (the laws of every machine), and the checklist made from the
data file: which items, for whom, and the file checked against the deadline policy."""
from types import SimpleNamespace

import pytest

from config.facility import load_facility
from config.files import load_model
from config.policy import DEFAULT_DEADLINES
from config.settings import DEFAULT_FACILITY, Settings
from domain.errors import ConfigError
from domain.logistics import Catalogue, Expert, checklist, visa
from mieux.logistics import load_catalogue
from mieux.subjects import checked_policy
from states.checklist import CHECKLIST_ITEM
from tests.unit.machine_laws import machine_laws

CATALOGUE = load_model(Settings.model_fields["logistics_file"].default, Catalogue, what="x", error=ConfigError)


def subject(state: str, **changes) -> SimpleNamespace:
    activity = {"state": "preparing", **changes.pop("activity", {})}
    return SimpleNamespace(**{"state": state, "reason": "the partner books it", "changed": frozenset(), **changes,
                              "activity": SimpleNamespace(**activity)})


BREAK = {"reason_given": {"reason": " "}, "activity_under_way": {"activity": {"state": "delivered"}}}

globals().update(machine_laws(CHECKLIST_ITEM, subject, BREAK))


def test_an_expert_needs_no_visa_at_home_nor_where_the_table_lets_them_in():
    assert visa(CATALOGUE, nationality="GH", destination="GH") is None
    assert visa(CATALOGUE, nationality="DE", destination="MA") is None  # EU stands for every Member State
    assert visa(CATALOGUE, nationality="NO", destination="MA") is None
    assert visa(CATALOGUE, nationality="DE", destination="GH") == "needed"


def test_a_destination_missing_from_the_visa_table_is_not_guessed_every_expert_gets_an_item_to_check():
    items = checklist(CATALOGUE, type="workshop", remote=False, country="KE", languages=["en"],
                      experts=[Expert(3, "FR")])
    assert "Visa obtained for E3 (check: KE is not in the visa table)" in [i.label for i in items]


def test_a_study_visit_puts_the_delegations_travel_on_the_list_instead_of_the_experts():
    labels = [i.label for i in checklist(CATALOGUE, type="study_visit", remote=False, country="BE",
                                         languages=["fr", "en"], experts=[Expert(3, "FR")])]
    assert "Flights of the partner's delegation booked" in labels and "Interpretation hired" in labels
    assert not [label for label in labels if "E3" in label]


def test_every_item_kind_needs_its_deadline_rule_or_the_engine_stops_at_start_up(tmp_path):
    policy = checked_policy(DEFAULT_DEADLINES, load_facility(DEFAULT_FACILITY))
    assert load_catalogue(Settings.model_fields["logistics_file"].default, policy).kinds
    extra = tmp_path / "logistics.yaml"
    extra.write_text("items:\n  - {kind: catering, label: Catering ordered, shapes: [mission]}\n")
    with pytest.raises(ConfigError, match="items catering have no deadline rule"):
        load_catalogue(extra, policy)


def test_a_deadline_rule_selecting_on_a_field_the_subject_lacks_is_named_at_start_up(tmp_path):
    wrong = tmp_path / "deadlines.yaml"
    wrong.write_text(DEFAULT_DEADLINES.read_text().replace("where: {kind: venue}", "where: {sort: venue}"))
    with pytest.raises(ConfigError, match=r"\(item_venue\)\.where: checklist_item has no field 'sort'"):
        checked_policy(wrong, load_facility(DEFAULT_FACILITY))
