"""Reading YAML (or JSON) files and validating them, with errors that name the file and place.

Every file a person or an administrator names is read the same way: it must be a regular file
(not a directory, a device such as /dev/zero, or a pipe), at most `MAX_FILE_BYTES` long, and
UTF-8; YAML mistakes, impossible dates and nesting too deep to read are reported with the
file and, where YAML knows it, the line and column.
"""
import os
import stat
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from domain.errors import MieuxError

M = TypeVar("M", bound=BaseModel)
MAX_FILE_BYTES = 1_000_000
"""The largest request, fiche, configuration or secrets file read (a facility file of a few
hundred people is under 100 kB)."""


MAX_VALUES = 1_000_000
"""The most values a YAML document may expand to: aliases (`*a`) repeat what they name, so a small
file could otherwise stand for billions of values."""


class _Loader(yaml.SafeLoader):
    """yaml's safe loader, except that a value it cannot build (an impossible date such as
    2026-02-30, an integer of thousands of digits) is a YAML error with its place, not a bare
    ValueError, and a document that expands to more than MAX_VALUES values is refused."""

    def get_single_data(self):
        node = self.get_single_node()
        if node is None:
            return None
        if _expanded_size(node, {}) > MAX_VALUES:
            raise yaml.constructor.ConstructorError(
                None, None, f"it stands for more than {MAX_VALUES:,} values (through aliases)", node.start_mark)
        return self.construct_document(node)

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, OverflowError) as problem:
            value = node.value if isinstance(node, yaml.ScalarNode) else ""
            shown = repr(value if len(value) <= 40 else value[:37] + "...")
            raise yaml.constructor.ConstructorError(None, None, f"{shown} cannot be read: {problem}",
                                                    node.start_mark) from None


def _expanded_size(node, seen: dict) -> int:
    """How many values `node` stands for once every alias is repeated; a node that contains itself
    stands for infinitely many."""
    if id(node) not in seen:
        seen[id(node)] = MAX_VALUES + 1  # reached again while being counted: it contains itself
        if isinstance(node, yaml.SequenceNode):
            seen[id(node)] = 1 + sum(_expanded_size(child, seen) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            seen[id(node)] = 1 + sum(_expanded_size(k, seen) + _expanded_size(v, seen) for k, v in node.value)
        else:
            seen[id(node)] = 1
    return seen[id(node)]


def describe(error: ValidationError, names: dict[str, str] | None = None) -> str:
    """Every problem in a pydantic error as `place: message`, separated by semicolons; `names` says
    what a person calls a top-level field (the flag they type: `--type` for requester_type)."""
    def place(loc: tuple) -> str:
        parts = [str(p) for p in loc]
        if parts and names and parts[0] in names:
            parts[0] = names[parts[0]]
        return ".".join(parts) or "input"

    return "; ".join(f"{place(e['loc'])}: {e['msg'].removeprefix('Value error, ')}" for e in error.errors())


def check_readable(path: Path, *, what: str, error: type[MieuxError], limit: int = MAX_FILE_BYTES) -> None:
    """Raise `error` naming the file unless `path` is a regular file of at most `limit` bytes.

    Checked before opening: a pipe would block, and /dev/zero never ends."""
    try:
        found = os.stat(path)
    except OSError as problem:
        raise error(f"cannot read {what} {path}: {problem.strerror or problem}") from None
    except ValueError as problem:  # a NUL in the path
        raise error(f"cannot read {what} {path}: {problem}") from None
    if not stat.S_ISREG(found.st_mode):
        kind = "a directory" if stat.S_ISDIR(found.st_mode) else "not a regular file"
        raise error(f"cannot read {what} {path}: it is {kind}")
    if found.st_size > limit:
        raise error(f"cannot read {what} {path}: it is larger than {limit:,} bytes")


def read_text(path: Path, *, what: str, error: type[MieuxError], limit: int = MAX_FILE_BYTES) -> str:
    """The text of a regular UTF-8 file of at most `limit` bytes (a byte-order mark is dropped);
    anything else raises `error` naming the file."""
    path = Path(path)
    check_readable(path, what=what, error=error, limit=limit)
    try:
        with path.open("rb") as stream:
            data = stream.read(limit + 1)
    except OSError as problem:
        raise error(f"cannot read {what} {path}: {problem.strerror or problem}") from None
    if len(data) > limit:
        raise error(f"cannot read {what} {path}: it is larger than {limit:,} bytes")
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as problem:
        raise error(f"{path}: not UTF-8 (byte {problem.start}); save the file as UTF-8") from None


def parse_yaml(text: str, *, source: object, error: type[MieuxError]) -> object:
    """YAML (or JSON) text parsed; any mistake raises `error` with `source` and, where known, the place."""
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as problem:
        mark = problem.problem_mark or problem.context_mark
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        why = problem.problem or problem.context or "malformed"
        raise error(f"{source}{where}: not valid YAML or JSON: {why}") from None
    except yaml.YAMLError as problem:
        raise error(f"{source}: not valid YAML or JSON: {str(problem).splitlines()[0]}") from None
    except RecursionError:
        raise error(f"{source}: not readable: lists or mappings are nested too deeply") from None


def read_yaml(path: Path, *, what: str, error: type[MieuxError]) -> object:
    """The parsed content of a YAML or JSON file; unreadable or malformed files raise `error`."""
    return parse_yaml(read_text(path, what=what, error=error), source=path, error=error)


def load_model(path: Path, model: type[M], *, what: str, error: type[MieuxError]) -> M:
    """A file validated as `model`."""
    try:
        return model.model_validate(read_yaml(path, what=what, error=error) or {})
    except ValidationError as problem:
        raise error(f"{path}: {describe(problem)}") from None
