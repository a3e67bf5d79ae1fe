"""The model layer imports nothing above itself (docs/architecture.md): no module under
``stat3sim/model/`` imports the run layer, the drug layer, the engine, the scenarios,
the analyses, the claims, the reports, the CLI or cohorts — not at the top, not inside a
function. Every import of every module is read with ``ast`` and resolved to its absolute
name."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

import stat3sim

PACKAGE = Path(stat3sim.__file__).resolve().parent
MODEL = PACKAGE / "model"
#: what sits above the model (``stat3sim.<name>``)
ABOVE = frozenset({"runs", "therapy", "engine", "scenarios", "analysis", "claims", "report", "cli", "cohort",
                   "provenance", "_parallel", "_io"})


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(text: str, module: str, is_package: bool) -> list[tuple[int, str]]:
    """(line, absolute name) of every import in ``text``, the source of ``module``;
    ``from X import y`` gives ``X`` and ``X.y`` (``y`` may be a module)."""
    package = module.split(".") if is_package else module.split(".")[:-1]
    out = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            out += [(node.lineno, mod)] + [(node.lineno, f"{mod}.{a.name}") for a in node.names]
    return out


def upward(text: str, module: str, is_package: bool = False) -> list[str]:
    """The imports of ``text`` that reach above the model, as ``line: name``."""
    bad = []
    for line, name in imports(text, module, is_package):
        parts = name.split(".")
        if parts[0] == "stat3sim" and len(parts) > 1 and parts[1] in ABOVE:
            bad.append(f"{line}: {name}")
    return bad


MODULES = sorted(MODEL.rglob("*.py"))


def test_the_model_has_its_modules():
    names = {module_name(p) for p in MODULES}
    assert {"stat3sim.model.network", "stat3sim.model.tme", "stat3sim.model.tme.model",
            "stat3sim.model.signaling.jak_stat", "stat3sim.model.niches.bone"} <= names
    assert len(MODULES) > 20


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(MODEL)))
def test_model_imports_nothing_above_it(path):
    assert upward(path.read_text(encoding="utf-8"), module_name(path), path.name == "__init__.py") == []


def test_the_check_finds_upward_imports():
    # relative imports inside functions, absolute ones, ``from ... import x``; imports within
    # the model and of other packages pass
    text = ("import numpy\n"
            "from ..network import Network\n"
            "from . import model\n"
            "def f():\n"
            "    from ...therapy.pd import add_therapies\n"
            "    import stat3sim.engine.roadrunner\n"
            "    from ... import runs\n"
            "    from stat3sim.model.reduce import reduce_network\n")
    assert upward(text, "stat3sim.model.tme", is_package=True) == [
        "5: stat3sim.therapy.pd", "5: stat3sim.therapy.pd.add_therapies", "6: stat3sim.engine.roadrunner",
        "7: stat3sim.runs"]
    # the same relative import from a plain module one level deeper resolves the same way
    assert upward("from ...scenarios import Vocabulary\n", "stat3sim.model.tme.model") == [
        "1: stat3sim.scenarios", "1: stat3sim.scenarios.Vocabulary"]
    assert upward("from ..bounds import parameter_range\n", "stat3sim.model.tme.model") == []
