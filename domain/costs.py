"""What an expert's assignment costs: the fee, the daily subsistence allowance (DSA) of the place of
the mission and travel insurance, in euros, with exact decimal arithmetic (no floats).

The DSA comes from an effective-dated rate table (a data file): each rate holds for a country,
or for one city of it, from a date until the next rate of the same place. The date of the
contract picks the rate in force, so a rate change never alters a contract already signed; an
assignment without a contract yet is costed at today's rate and marked as an estimate.

    fee        = fee per working day x working days
    DSA        = the rate x (working days + travel days), nothing for a remote activity
    insurance  = insurance per day x (working days + travel days), nothing for a remote activity
"""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from pydantic import Field, model_validator

from domain.assignments import Euros
from domain.schemas import CountryCode, Day, Strict, Text

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


class Rate(Strict):
    """One DSA rate: a country (or a city of it), in euros a day, from a date."""

    country: CountryCode
    city: Text | None = None
    from_: Day = Field(alias="from")
    eur: Euros


class RateTable(Strict):
    """The DSA rate table and the insurance cost a day (the DSA file)."""

    insurance_per_day: Euros = Decimal("0.00")
    rates: list[Rate] = []

    @model_validator(mode="after")
    def _one_rate_a_day(self) -> "RateTable":
        seen: dict[tuple, int] = {}
        for n, rate in enumerate(self.rates):
            key = (rate.country, (rate.city or "").casefold(), rate.from_)
            if key in seen:
                raise ValueError(f"rates.{n}: {rate.country} {rate.city or ''} from {rate.from_} is rates.{seen[key]} "
                                 "again: one rate a place and day")
            seen[key] = n
        return self

    def rate(self, country: str | None, city: str | None, on: date) -> Rate | None:
        """The rate in force `on` for a city (its own, else its country's), or None if there is none."""
        def latest(found: list[Rate]) -> Rate | None:
            return max((r for r in found if r.from_ <= on), key=lambda r: r.from_, default=None)

        own = [r for r in self.rates if r.country == country]
        city_rates = [r for r in own if city and r.city and r.city.casefold() == city.strip().casefold()]
        return latest(city_rates) or latest([r for r in own if r.city is None])


@dataclass(frozen=True)
class Cost:
    """One assignment's cost, each part exact to the cent, and what it was computed from."""

    fee: Decimal
    dsa: Decimal
    insurance: Decimal
    days: int
    rate: Rate | None
    rate_on: date
    estimate: bool
    """No contract yet: today's rate, and terms that may still change."""
    problem: str | None = None
    """Why a part could not be costed (no rate for the place): the total leaves it out and says so."""

    @property
    def total(self) -> Decimal:
        return self.fee + self.dsa + self.insurance


def cost(*, working_days: int | None, travel_days: int | None, fee_per_day: str | None, contract_on: date | None,
         country: str | None, city: str | None, remote: bool, table: RateTable, today: date) -> Cost:
    """The cost of one assignment on the activity's place, at the rate its contract's date picks."""
    working, travel = working_days or 0, travel_days or 0
    days = working + travel
    fee = (Decimal(fee_per_day) if fee_per_day else ZERO) * working
    on = contract_on or today
    estimate = contract_on is None or fee_per_day is None or working_days is None
    if remote:
        return Cost(fee.quantize(CENT), ZERO, ZERO, days, None, on, estimate)
    rate = table.rate(country, city, on)
    insurance = (table.insurance_per_day * days).quantize(CENT)
    if rate is None:
        return Cost(fee.quantize(CENT), ZERO, insurance, days, None, on, True,
                    problem=f"no DSA rate for {city or '?'} ({country or 'no country'}) on {on}")
    return Cost(fee.quantize(CENT), (rate.eur * days).quantize(CENT), insurance, days, rate, on, estimate)
