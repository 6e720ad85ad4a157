"""The layers import only downward, and the domain does no I/O (every import, function-level too).

    entry points     mieux.cli, mieux.web, flows (people and Prefect come in here)
    application      mieux                       (the service, deadlines, bootstrap ...)
    adapters         notifications, store        (apprise, the database)
    configuration    config
    machines         states
    domain           domain                      (pure: no database, Prefect, apprise or YAML)

Benchmarks and tests sit outside and may import any layer, but the product never imports them,
and the benchmarks do not import the tests (shared real servers live in `loopback`).
"""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYERS = [["mieux.cli", "mieux.web", "flows"], ["mieux"], ["notifications", "store"], ["config"], ["states"], ["domain"]]
PRODUCT = sorted({name.split(".")[0] for layer in LAYERS for name in layer})
IO_LIBRARIES = {"sqlalchemy", "sqlmodel", "prefect", "apprise", "yaml", "alembic", "psycopg", "typer"}


def layer_of(module: str) -> int | None:
    """The index of the layer a module belongs to (most specific match), None outside the product."""
    best = None
    for index, names in enumerate(LAYERS):
        for name in names:
            if module == name or module.startswith(name + "."):
                if best is None or len(name) > len(best[1]):
                    best = (index, name)
    return None if best is None else best[0]


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    return found


def sources(*tops: str) -> list[Path]:
    return sorted(p for top in tops for p in (ROOT / top).rglob("*.py") if "migrations" not in p.parts)


@pytest.mark.parametrize("path", sources(*PRODUCT), ids=lambda p: str(p.relative_to(ROOT)))
def test_a_module_imports_only_its_own_layer_and_those_below(path):
    here = layer_of(module_name(path))
    upward = sorted({m for m in imports(path) if (there := layer_of(m)) is not None and there < here
                     and not m.startswith(module_name(path))})
    assert upward == [], f"{module_name(path)} (layer {LAYERS[here]}) imports from above: {upward}"
    outside = sorted({m for m in imports(path) if m.split(".")[0] in ("tests", "bench", "loopback")})
    assert outside == [], f"{module_name(path)} imports test or benchmark code: {outside}"


@pytest.mark.parametrize("path", sources("domain"), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_domain_imports_no_io_library(path):
    assert sorted({m.split(".")[0] for m in imports(path)} & IO_LIBRARIES) == []


@pytest.mark.parametrize("path", sources("bench"), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_benchmarks_do_not_import_the_tests(path):
    assert sorted({m for m in imports(path) if m.split(".")[0] == "tests"}) == []
