"""Read scenario files and check them against the model; every failure is one ScenarioError line.

``load_scenario`` turns a shipped name or a user's YAML file into a :class:`Scenario`
(form: types, signs, field names, the form of mimics, therapy regimens, patient size);
``validate`` checks its names against a :class:`Vocabulary` of the built model.
``parse_knockout``, ``parse_mimic`` and ``parse_concentration`` are shared with the CLI.
"""
from __future__ import annotations

import difflib
import math
import os
import re
from importlib import resources
from typing import Iterator

import yaml
from pydantic import BaseModel, ValidationError

from stat3sim.model.units import to_nM

from .schema import Arm, Patient, Scenario, ScenarioError, Stimulus, Vocabulary, mir_name, mir_symbol, parse_mimic

_DATA = "data"
_MOLAR_UNITS = ("pM", "nM", "uM", "µM")
_MASS_UNITS = ("ng/mL", "pg/mL")
_NUMBER_UNIT = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(\S.*?)\s*$")


# --- small helpers -------------------------------------------------------------------

def _closest(word: str, allowed, n: int = 1) -> list[str]:
    """The allowed names closest to ``word`` (a case-only difference counts as closest)."""
    allowed = list(allowed)
    same_case = [a for a in allowed if a.lower() == word.lower()]
    by_lower = {a.lower(): a for a in allowed}
    near = [by_lower[m] for m in difflib.get_close_matches(word.lower(), list(by_lower), n=n)]
    return list(dict.fromkeys(same_case + near))[:n]


def _unknown(kind: str, word: str, allowed, list_all: bool = True) -> str:
    """``unknown <kind> 'x'; did you mean 'y'? allowed: a, b, c``."""
    text = f"unknown {kind} {word!r}"
    close = _closest(word, allowed)
    if close:
        text += f"; did you mean {close[0]!r}?"
    if list_all:
        text += f"{'' if close else ';'} allowed: {', '.join(allowed) or '(none)'}"
    return text


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _path(loc: tuple) -> str:
    """pydantic's ``loc`` as a field path: ``('comparisons', 1, 'cells', 'cd8')`` -> ``comparisons[1].cells.cd8``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# --- loading ---------------------------------------------------------------------------

def _shipped():
    return resources.files("stat3sim.scenarios") / _DATA


def _shipped_names() -> list[str]:
    return sorted(f.name.rsplit(".", 1)[0] for f in _shipped().iterdir() if f.name.endswith(".yaml"))


def _is_path(name_or_path: str) -> bool:
    return name_or_path.endswith((".yaml", ".yml")) or "/" in name_or_path or os.sep in name_or_path


def read_source(name_or_path: str, shipped, names: list[str], kind: str, error) -> tuple[str, str]:
    """(source, text) of a shipped ``kind`` by name (a ``.yaml`` file of the resource folder
    ``shipped``; ``names`` lists them) or of a user's file; a missing or unreadable file or an
    unknown name raises ``error(source, where, message)``. Scenarios and trial designs load
    this way."""
    if _is_path(name_or_path):
        try:
            with open(name_or_path, encoding="utf-8") as fh:
                return name_or_path, fh.read()
        except FileNotFoundError:
            raise error(name_or_path, "(file)", f"no such file (looked in {os.getcwd()})") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise error(name_or_path, "(file)", f"cannot read: {exc}") from None
    if name_or_path not in names:
        raise error(name_or_path, kind, _unknown(kind, name_or_path, names) + " (or give a path to a .yaml file)")
    resource = shipped / f"{name_or_path}.yaml"
    return str(resource), resource.read_text(encoding="utf-8")


def parse_mapping(source: str, text: str, error, expected: str, reserved: str) -> dict:
    """The YAML ``text`` as a mapping of fields; invalid YAML (with its line and column), an
    empty file, a non-mapping, or the loader's own field ``reserved`` in the file raise
    ``error(source, where, message)``; ``expected`` names the fields a file starts with."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(file)"
        problem = getattr(exc, "problem", None) or str(exc)
        raise error(source, where, f"invalid YAML: {problem}") from None
    if data is None:
        raise error(source, "(top level)", f"the file is empty; expected {expected}, ...")
    if not isinstance(data, dict):
        raise error(source, "(top level)", f"expected a mapping of fields ({expected}, ...), got {type(data).__name__}")
    if reserved in data:
        raise error(source, reserved, "is set by the loader; remove it from the file")
    return data


def _read(name_or_path: str) -> tuple[str, str]:
    """(source, text) of a shipped scenario name or a user file."""
    return read_source(name_or_path, _shipped(), _shipped_names(), "scenario", ScenarioError)


def _type_message(err: dict) -> str:
    """A plain-words message for one pydantic error."""
    kind, got, ctx = err["type"], _short(err.get("input")), err.get("ctx") or {}
    simple = {
        "float_parsing": "expected a number", "float_type": "expected a number",
        "string_type": "expected text", "list_type": "expected a list",
        "dict_type": "expected a mapping (name: value)", "model_type": "expected a mapping of fields",
        "finite_number": "expected a finite number",
    }
    if kind in simple:
        hint = ' (a number with a unit, e.g. "1 nM")' if err["loc"][-1] == "value" else ""
        return f"{simple[kind]}{hint}, got {got}"
    if kind == "missing":
        return "required field is missing"
    if kind == "greater_than_equal":
        return f"must be >= {ctx['ge']:g}, got {got}"
    if kind == "greater_than":
        return f"must be > {ctx['gt']:g}, got {got}"
    if kind == "string_pattern_mismatch":
        return f"must be lowercase letters, digits and _ starting with a letter, got {got}"
    if kind == "value_error":
        return err["msg"].removeprefix("Value error, ")
    return f"{err['msg']}, got {got}"


def _model_at(loc: tuple) -> type[BaseModel]:
    """Which model an error location sits in (for listing its allowed fields)."""
    names = [p for p in loc[:-1] if isinstance(p, str)]
    return {"comparisons": Arm, "stimuli": Stimulus, "patient": Patient}.get(names[-1] if names else "", Scenario)


def _error_from(source: str, exc: ValidationError) -> ScenarioError:
    """Every pydantic error, each with its field path (and, for a misspelt field, the
    allowed fields), as one ScenarioError."""
    problems = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        if err["type"] == "extra_forbidden":
            allowed = [f for f in _model_at(loc).model_fields if f != "source"]
            message = _unknown("field", str(loc[-1]), allowed)
        else:
            message = _type_message(err)
        problems.append((_path(loc) or "(top level)", message))
    return ScenarioError.of(source, problems)


def load_scenario(name_or_path: str) -> Scenario:
    """Load a shipped scenario by name (``tnbc``) or a user's YAML file (``my.yaml``, ``dir/x``).

    Checks form only (types, signs, field names); call :func:`validate` to check the
    names against the model. Raises :class:`ScenarioError`, never anything else.
    """
    source, text = _read(name_or_path)
    data = parse_mapping(source, text, ScenarioError, "name, description", "source")
    try:
        scenario = Scenario.model_validate({**data, "source": source})
    except ValidationError as exc:
        raise _error_from(source, exc) from None
    if problems := list(_form_problems(scenario)):
        raise ScenarioError.of(source, problems)
    return scenario


def _therapy_problems(arm: Scenario | Arm, prefix: str) -> Iterator[tuple[str, str]]:
    """(field, message) of each therapy regimen that does not parse."""
    if not arm.therapies:
        return
    from stat3sim.therapy import TherapyError, parse_regimen

    for i, text in enumerate(arm.therapies):
        try:
            parse_regimen(text)
        except TherapyError as exc:
            yield f"{prefix}therapies[{i}]", f"{exc.field}: {exc.message}"


def _form_problems(sc: Scenario) -> Iterator[tuple[str, str]]:
    """(field, message) of each problem pydantic cannot see: the form of mimics, therapy
    regimens (parsed with the therapy package), patient size, a detection threshold given
    twice."""
    for prefix, arm in [("", sc)] + [(f"comparisons[{i}].", a) for i, a in enumerate(sc.comparisons or [])]:
        for i, text in enumerate(arm.mimics):
            try:
                parse_mimic(text)
            except ValueError as exc:
                yield f"{prefix}mimics[{i}]", str(exc)
        yield from _therapy_problems(arm, prefix)
    if sc.patient is not None:
        from stat3sim.therapy import TherapyError

        try:
            sc.patient.regimen_patient()
        except TherapyError as exc:
            yield f"patient.{exc.field}", exc.message
    if sc.detection_threshold_cells is not None and "met_detect_cells" in sc.parameters:
        yield ("detection_threshold_cells", "give either detection_threshold_cells or parameters.met_detect_cells,"
                                            " not both (they are the same threshold)")
    size = size_problem(sc.initial_diameter_mm, sc.initial_volume_mm3, "tumor" in sc.cells)
    if size is not None:
        yield size


def scenario_text(name: str) -> str:
    """The YAML text of the shipped scenario ``name`` (``stat3sim scenarios --show NAME``);
    an unknown name raises :class:`ScenarioError` naming the closest and every shipped one."""
    names = _shipped_names()
    if name not in names:
        raise ScenarioError(name, "scenario", _unknown("scenario", name, names))
    return (_shipped() / f"{name}.yaml").read_text(encoding="utf-8")


def size_problem(diameter_mm: float | None, volume_mm3: float | None, tumor_cells: bool,
                 names: tuple[str, str, str] = ("initial_diameter_mm", "initial_volume_mm3", "cells.tumor")
                 ) -> tuple[str, str] | None:
    """(field, message) if a day-0 tumor size is out of range or given more than one way
    (diameter, volume, tumor cell count); ``names`` are how the caller calls them."""
    from .schema import DIAMETER_RANGE_MM

    given = [n for n, v in zip(names, (diameter_mm, volume_mm3, tumor_cells)) if v not in (None, False)]
    if len(given) > 1:
        return given[0], (f"give the day-0 tumor one way ({' or '.join(n for n in names if n)}), "
                          f"not {' and '.join(given)}")
    lo, hi = DIAMETER_RANGE_MM
    if diameter_mm is not None and not lo <= diameter_mm <= hi:
        return names[0], f"must be from {lo:g} to {hi:g} mm, got {diameter_mm:g}"
    vlo, vhi = (math.pi / 6 * d ** 3 for d in DIAMETER_RANGE_MM)
    if volume_mm3 is not None and not vlo <= volume_mm3 <= vhi:
        return names[1], (f"must be from {vlo:.3g} to {vhi:.3g} mm³ (a {lo:g}–{hi:g} mm sphere), "
                          f"got {volume_mm3:g}")
    return None


def list_scenarios() -> list[tuple[str, str]]:
    """(name, description) of every shipped scenario, sorted by name."""
    return [(name, load_scenario(name).description) for name in _shipped_names()]


# --- checking against the model ---------------------------------------------------------

def parse_knockout(text: str) -> tuple[str, str]:
    """``"myeloid:STAT3"`` -> ``("myeloid", "STAT3")``; ValueError if not ``lineage:GENE``."""
    lineage, sep, gene = str(text).partition(":")
    lineage, gene = lineage.strip(), gene.strip()
    if not sep or not lineage or not gene or ":" in gene:
        raise ValueError(f"expected lineage:GENE (e.g. myeloid:STAT3), got {text!r}")
    return lineage, gene


def parse_concentration(text: str, molar_mass_kDa: float | None) -> float:
    """``"20 ng/mL"`` -> nM (mass units need the molar mass); ValueError if malformed or < 0."""
    match = _NUMBER_UNIT.match(str(text).replace("μ", "µ"))  # Greek mu typed for the micro sign
    if not match:
        raise ValueError(f'expected "<number> <unit>" (e.g. "1 nM"), got {text!r}')
    number, unit = float(match.group(1)), match.group(2)
    if unit in _MASS_UNITS and not molar_mass_kDa:
        raise ValueError(f"unit {unit!r} needs a molar mass, which is not known for this species;"
                         f" allowed: {', '.join(_MOLAR_UNITS)}")
    if unit not in _MOLAR_UNITS + _MASS_UNITS:
        raise ValueError(_unknown("unit", unit, _MOLAR_UNITS + _MASS_UNITS))
    if not math.isfinite(number) or number < 0:
        raise ValueError(f"must be a finite number >= 0, got {match.group(1)}")
    return to_nM(number, unit, molar_mass_kDa)


def _niches_note(vocab: Vocabulary, word: str = "") -> str:
    """``niches: bone (IL11RA), host (IL6); metastatic sites: bone, lung, liver`` (empty
    if the vocabulary has no niches)."""
    if not vocab.sites and not vocab.niches:
        return ""
    niches = ", ".join(f"{n} ({', '.join(sorted(vocab.genes.get(n, ()))) or 'no genes'})" for n in vocab.niches)
    text = f"niches that take knock-outs: {niches or '(none)'}; metastatic sites: {', '.join(vocab.sites)}"
    if word and word not in vocab.sites and word not in vocab.lineages and not _closest(word, vocab.lineages):
        text += f" ({word!r} is not a modelled site)"
    return text


def _unknown_cell(cell: str, vocab: Vocabulary) -> str:
    """``unknown cell type ...``; for ``mets_<organ>`` it names the modelled sites."""
    text = _unknown("cell type", cell, vocab.cell_types)
    if cell.startswith("mets_") and vocab.sites:
        organ = cell[len("mets_"):]
        others = [c for c in vocab.cell_types if not c.startswith("mets_")]
        text = (f"unknown metastatic site {organ!r} ({cell!r}); metastatic sites: {', '.join(vocab.sites)}"
                f" (cells {', '.join('mets_' + s for s in vocab.sites)}); other cell types: {', '.join(others)}")
    return text


def _check_knockout(text: str, vocab: Vocabulary) -> str | None:
    """Why a knock-out cannot be applied, or None."""
    try:
        lineage, gene = parse_knockout(text)
    except ValueError as exc:
        return str(exc)
    if lineage not in vocab.lineages:
        note = _niches_note(vocab, lineage)
        if lineage in vocab.sites:  # lung, liver: a site without knockable niche genes
            cells = [lin for lin in vocab.lineages if lin not in vocab.niches]
            return f"the {lineage} niche has no knockable genes; {note}; cell lineages: {', '.join(cells)}"
        return _unknown("lineage", lineage, vocab.lineages) + (f"; {note}" if note else "")
    cells = vocab.lineages[lineage]
    lacking = [c for c in cells if gene not in vocab.genes.get(c, frozenset())]
    if not lacking:
        return None
    everywhere = sorted(set.intersection(*(set(vocab.genes.get(c, ())) for c in cells)))
    close = _closest(gene, everywhere)
    hint = f"; did you mean {close[0]!r}?" if close else ";"
    return (f"gene {gene!r} is not knockable in {', '.join(lacking)} (lineage {lineage!r}){hint}"
            f" knockable in every {lineage} cell type: {', '.join(everywhere) or '(none)'}")


def _check_mimic(text: str, vocab: Vocabulary) -> str | None:
    """Why a miRNA mimic cannot be applied, or None."""
    try:
        cell, mir, _ = parse_mimic(text)
    except ValueError as exc:
        return str(exc)
    carriers = vocab.mirna_cells()
    if cell not in carriers:
        where = ", ".join(carriers) or "(none)"
        if cell in vocab.cell_types or cell in vocab.lineages:
            return f"cell type {cell!r} carries no IL-11-targeting miRNAs (TGF-β/SMAD module); cells that do: {where}"
        return _unknown("cell type", cell, list(carriers))
    names = [mir_name(m) for m in carriers[cell]]
    symbol = mir_symbol(mir)
    if symbol is None or symbol not in carriers[cell]:
        return _unknown("miRNA", mir, names)
    return None


def _arm_problems(arm: Scenario | Arm, prefix: str, vocab: Vocabulary, name: str) -> Iterator[tuple[str, str]]:
    """(field, message) of each problem in the fields a scenario and an arm share."""
    for cell in arm.cells:
        if cell not in vocab.cell_types:
            yield f"{prefix}cells.{cell}", _unknown_cell(cell, vocab)
    for i, text in enumerate(arm.knockouts):
        if problem := _check_knockout(text, vocab):
            yield f"{prefix}knockouts[{i}]", problem
    for i, cell in enumerate(arm.depletions):
        if cell not in vocab.cell_types:
            yield f"{prefix}depletions[{i}]", _unknown_cell(cell, vocab)
    for i, text in enumerate(arm.mimics):
        if problem := _check_mimic(text, vocab):
            yield f"{prefix}mimics[{i}]", problem
    for pid, value in arm.parameters.items():
        if pid not in vocab.parameters:
            close = _closest(pid, vocab.parameters, n=3)
            hint = f"; closest: {', '.join(close)}" if close else ""
            yield (f"{prefix}parameters.{pid}",
                   f"unknown parameter {pid!r}{hint}; see `stat3sim describe --scenario {name}`")
        elif problem := _value_problem(pid, value, vocab):
            yield f"{prefix}parameters.{pid}", problem


def _value_problem(pid: str, value: float, vocab: Vocabulary) -> str | None:
    """Why ``value`` is outside the parameter's own range (``stat3sim.model.bounds``), or None:
    the same check and message whether the value came from a file, ``--set`` or Python."""
    from stat3sim.model.bounds import value_problem

    low, high, what = vocab.parameter_ranges.get(pid, (0.0, math.inf, ""))
    return value_problem(pid, value, low, high, what)


def _check_stimulus(stim: Stimulus, vocab: Vocabulary, days: float) -> tuple[str, str] | None:
    """(field, message) of the first problem in one stimulus."""
    if stim.species not in vocab.stimulus_species:
        return "species", _unknown("stimulus species", stim.species, vocab.stimulus_species)
    try:
        parse_concentration(stim.value, vocab.stimulus_species[stim.species])
    except ValueError as exc:
        return "value", str(exc)
    if stim.day > days:
        return "day", f"day {stim.day:g} is after the end of the simulation (days: {days:g})"
    return None


def problems(sc: Scenario, vocab: Vocabulary) -> list[tuple[str, str]]:
    """(field, message) of every problem in ``sc``: its form (for a Scenario built in code,
    which skipped :func:`load_scenario`), then every name the model does not know and every
    parameter value outside its range."""
    out = list(_form_problems(sc))
    if sc.subtype not in vocab.subtypes:
        out.append(("subtype", _unknown("subtype", sc.subtype, vocab.subtypes)))
    out += _arm_problems(sc, "", vocab, sc.name)
    for i, stim in enumerate(sc.stimuli):
        if problem := _check_stimulus(stim, vocab, sc.days):
            out.append((f"stimuli[{i}].{problem[0]}", problem[1]))
    for i, rid in enumerate(sc.readouts):
        if rid not in vocab.observables:
            out.append((f"readouts[{i}]", _unknown("observable", rid, vocab.observables)))
    for i, arm in enumerate(sc.comparisons or []):
        out += _arm_problems(arm, f"comparisons[{i}].", vocab, sc.name)
    return out


def validate(scenario: Scenario, vocab: Vocabulary) -> Scenario:
    """Check every name and parameter value in ``scenario`` against the model's ``vocab``;
    return it unchanged.

    Raises :class:`ScenarioError` naming the file and, for every problem, the field path
    and the allowed values.
    """
    found = problems(scenario, vocab)
    if found:
        raise ScenarioError.of(scenario.source or scenario.name, found)
    return scenario
