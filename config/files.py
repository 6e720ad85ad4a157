"""Reading YAML (or JSON) files and validating them, with errors that name the file and place."""
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from domain.errors import MieuxError

M = TypeVar("M", bound=BaseModel)


def describe(error: ValidationError) -> str:
    """Every problem in a pydantic error as `place: message`, separated by semicolons."""
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'input'}: {e['msg']}" for e in error.errors())


def read_yaml(path: Path, *, what: str, error: type[MieuxError]) -> object:
    """The parsed content of a YAML or JSON file; unreadable or malformed files raise `error`."""
    try:
        return yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as problem:
        raise error(f"cannot read {what} {path}: {problem.strerror}") from None
    except yaml.YAMLError as problem:
        raise error(f"{path}: not valid YAML or JSON: {problem}") from None


def load_model(path: Path, model: type[M], *, what: str, error: type[MieuxError]) -> M:
    """A file validated as `model`."""
    try:
        return model.model_validate(read_yaml(path, what=what, error=error) or {})
    except ValidationError as problem:
        raise error(f"{path}: {describe(problem)}") from None
