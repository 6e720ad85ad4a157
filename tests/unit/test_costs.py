"""Costs in exact euros: the DSA rate a contract's date picks, a city's own rate before its
country's, nothing for a remote activity, totals to the cent."""
from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError

from config.files import load_model
from config.settings import Settings
from domain.assignments import AssignmentChanges
from domain.costs import RateTable, cost

TABLE = RateTable.model_validate({"insurance_per_day": "3.50", "rates": [
    {"country": "GH", "from": "2024-01-01", "eur": "187"},
    {"country": "GH", "city": "Accra", "from": "2024-01-01", "eur": "215.00"},
    {"country": "GH", "city": "Accra", "from": "2026-07-01", "eur": "228.10"}]})


def accra(contract_on, **terms):
    data = {"working_days": 3, "travel_days": 2, "fee_per_day": "450.00", "contract_on": contract_on,
            "country": "GH", "city": "Accra", "remote": False, **terms}
    return cost(**data, table=TABLE, today=date(2026, 12, 1))


def test_contracts_dated_either_side_of_a_rate_change_get_the_rate_then_in_force():
    before, after = accra(date(2026, 6, 30)), accra(date(2026, 7, 1))
    assert (before.rate.eur, after.rate.eur) == (Decimal("215.00"), Decimal("228.10"))
    assert (before.dsa, after.dsa) == (Decimal("1075.00"), Decimal("1140.50"))  # 5 days on mission
    assert (before.fee, before.insurance, before.total) == (Decimal("1350.00"), Decimal("17.50"), Decimal("2442.50"))
    assert not before.estimate


def test_a_city_without_its_own_rate_takes_its_countrys_and_an_unknown_place_is_named():
    kumasi = accra(date(2026, 8, 3), city="Kumasi")
    assert (kumasi.rate.city, kumasi.dsa) == (None, Decimal("935.00"))
    lima = accra(date(2026, 8, 3), country="PE", city="Lima")
    assert lima.problem == "no DSA rate for Lima (PE) on 2026-08-03" and lima.dsa == 0 and lima.estimate
    assert accra(date(2023, 12, 31)).problem == "no DSA rate for Accra (GH) on 2023-12-31"


def test_no_contract_yet_is_costed_at_todays_rate_as_an_estimate_and_remote_costs_only_the_fee():
    estimate = accra(None)
    assert (estimate.rate_on, estimate.rate.eur, estimate.estimate) == (date(2026, 12, 1), Decimal("228.10"), True)
    remote = accra(date(2026, 8, 3), remote=True)
    assert (remote.dsa, remote.insurance, remote.total) == (0, 0, Decimal("1350.00"))


def test_totals_are_exact_to_the_cent_where_floats_are_not():
    costs = [accra(date(2026, 8, 3), fee_per_day="0.10", working_days=1, travel_days=0) for _ in range(3)]
    assert sum(c.fee for c in costs) == Decimal("0.30")  # 0.1 + 0.1 + 0.1 != 0.3 in floats
    assert 0.1 + 0.1 + 0.1 != 0.3


@pytest.mark.parametrize("given,problem", [("450.125", "more than two decimals"), ("-5", "from 0 to"),
                                           ("lots", "not an amount in euros"), (450.5, "never a float"),
                                           ("NaN", "from 0 to")])
def test_a_fee_is_euros_and_cents_given_exactly(given, problem):
    with pytest.raises(ValidationError, match=problem):
        AssignmentChanges(fee_per_day=given)
    assert AssignmentChanges(fee_per_day="€ 450.5").given() == {"fee_per_day": "450.50"}


def test_the_shipped_dsa_file_loads_and_two_rates_for_one_place_and_day_are_refused():
    assert load_model(Settings().dsa_file, RateTable, what="x", error=ValueError).rate("GH", "Accra", date(2026, 7, 1))
    with pytest.raises(ValidationError, match="rates.1: GH accra from 2024-01-01 is rates.0 again"):
        RateTable.model_validate({"rates": [{"country": "GH", "city": "Accra", "from": "2024-01-01", "eur": "1"},
                                            {"country": "GH", "city": "accra", "from": "2024-01-01", "eur": "2"}]})
