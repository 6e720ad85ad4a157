"""What every command shares: the runtime, common options, input parsing."""
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Annotated, Optional

import typer

from domain.errors import InvalidInput

Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
As = Annotated[Optional[str], typer.Option("--as", help="Who is acting (a person id); default $MIEUX_ACTOR.")]
Reason = Annotated[Optional[str], typer.Option("--reason", help="Why; recorded in the audit trail.")]


def sub_app(help_: str) -> typer.Typer:
    return typer.Typer(help=help_, no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)


class Runtime:
    """Settings are read when a command starts; the store is opened only if the command needs it."""

    def __init__(self):
        from config.settings import Settings

        self.settings = Settings()

    @cached_property
    def app(self):
        from mieux.bootstrap import bootstrap

        return bootstrap(self.settings)

    @property
    def service(self):
        return self.app.service

    @property
    def zone(self):
        return self.app.facility.zone

    def actor(self, given: str | None) -> str:
        actor = given or self.settings.actor
        if not actor:
            raise InvalidInput("say who is acting: --as PERSON, or set MIEUX_ACTOR")
        return actor


def runtime(ctx: typer.Context) -> Runtime:
    root = ctx.find_root()
    if root.obj is None:
        root.obj = Runtime()
    return root.obj


def parse_date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{option}: {value!r} is not a date (YYYY-MM-DD)") from None


def validated(model, data: dict, where: str):
    """Validate `data` with a pydantic model; the error names each bad field."""
    from pydantic import ValidationError

    from config.files import describe

    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise InvalidInput(f"{where}: {describe(error)}") from None


def read_structured(path: Path) -> dict:
    """A JSON or YAML file holding an object."""
    from config.files import read_yaml

    data = read_yaml(path, what="the file", error=InvalidInput)
    if not isinstance(data, dict):
        raise InvalidInput(f"{path}: expected an object of fields")
    return data
