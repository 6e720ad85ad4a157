"""What people may send about an expert's assignment, validated field by field before anything is stored.

Money is a `Decimal` with at most two decimals (euros and cents), never a float; the store keeps
its exact text.
"""
from decimal import Decimal, InvalidOperation
from typing import Annotated

from pydantic import BeforeValidator, Field, PlainSerializer

from domain.schemas import Changes, Day

MAX_EUROS = Decimal("1000000")


def euros(value: object) -> Decimal:
    """An amount in euros: `450`, `450.5`, `450.50`; at most two decimals, not negative."""
    if isinstance(value, float):
        raise ValueError("give an amount as text or a whole number, never a float (it is not exact)")
    try:
        amount = Decimal(str(value).strip().replace("€", "").replace("EUR", "").strip())
    except InvalidOperation:
        raise ValueError(f"{value!r} is not an amount in euros, like 450 or 450.50") from None
    if not amount.is_finite() or amount < 0 or amount >= MAX_EUROS:
        raise ValueError(f"{value!r} is not an amount from 0 to {MAX_EUROS:,} euros")
    if amount.as_tuple().exponent < -2:
        raise ValueError(f"{value!r} has more than two decimals: euros have cents, nothing smaller")
    return amount.quantize(Decimal("0.01"))


Euros = Annotated[Decimal, BeforeValidator(euros), PlainSerializer(lambda d: f"{d:.2f}", return_type=str)]
Days = Annotated[int, Field(ge=0, le=366)]


class AssignmentChanges(Changes):
    """Fields a person may set on an assignment, alone or as the data of a trigger."""

    working_days: Days | None = None
    travel_days: Days | None = None
    fee_per_day: Euros | None = None
    contract_on: Day | None = None
    report_on: Day | None = None



class AssignmentIn(AssignmentChanges):
    """A new assignment: the expert proposed for an activity, with the terms if known yet."""

    expert: Annotated[str, Field(pattern=r"^[Ee]\d{1,9}$")]
