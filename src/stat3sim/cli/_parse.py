"""Parsing the options that describe a run of the signaling model: stimuli
(``NAME=VALUE[UNIT][@MIN]``), knock-outs, gene levels, and a user's SBML file with its
stimuli.

What belongs here: turning what a person typed about *the model and its inputs* into
checked values, rejecting anything else with :func:`._common.bad`. Any command that
takes these options (``simulate``, later ``run``, ``scenarios``) uses these functions, so
that the same mistake gets the same message everywhere.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..model.signaling.parameters import LIGANDS
from ..model.units import to_nM
from ._common import allowed, bad, fmt, one_line

#: concentration units accepted by ``--stimulus`` (ng/mL and pg/mL via the ligand's molar mass)
STIMULUS_UNITS = ("pM", "nM", "uM", "µM", "ng/mL", "pg/mL")
_UNIT_ALIASES = {"ng/ml": "ng/mL", "pg/ml": "pg/mL"}

_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_STIM_RE = re.compile(rf"^(?P<name>[^=\s]+)\s*=\s*(?P<value>{_NUMBER})\s*(?P<unit>.*?)\s*$")


@dataclass
class StimulusArg:
    name: str
    value: float
    unit: str
    text: str


def parse_stimulus(text: str, require_unit: bool = True) -> StimulusArg:
    """``NAME=VALUE[UNIT]`` -> parts; the checks on the name are the caller's.

    >>> parse_stimulus("IL6=1nM")
    StimulusArg(name='IL6', value=1.0, unit='nM', text='IL6=1nM')
    """
    m = _STIM_RE.match(text.strip())
    example = "IL6=1nM" if require_unit else "NAME=40"
    if not m:
        bad("--stimulus", f"malformed {text!r}; expected NAME=VALUE, e.g. {example}"
                          + (f" (units: {allowed(STIMULUS_UNITS)})" if require_unit else ""))
    value = float(m["value"])
    if not math.isfinite(value):
        bad("--stimulus", f"value in {text!r} must be a finite number")
    return StimulusArg(m["name"], value, m["unit"], text)


def check_stimuli(texts: list[str]) -> tuple[dict[float, dict[str, float]], list[str]]:
    """Medium ligands of the built-in model -> {time (min): {ligand: nM}}, and how the
    user wrote each. ``NAME=VALUE[UNIT]@MIN`` adds the dose MIN minutes after the start.

    >>> check_stimuli(["IL6=21ng/mL", "IL6=1nM@60"])
    ({0.0: {'IL6': 1.0}, 60.0: {'IL6': 1.0}}, ['IL6 21 ng/mL (1 nM)', 'IL6 1 nM at 60 min'])
    """
    canonical = {k.lower(): k for k in LIGANDS}
    out: dict[float, dict[str, float]] = {}
    shown: list[str] = []
    for full in texts:
        text, at = full, 0.0
        if "@" in full:
            text, _, when = full.rpartition("@")
            try:
                at = float(when)
            except ValueError:
                bad("--stimulus", f"malformed time in {full!r}; expected NAME=VALUE@MINUTES, e.g. IL6=1nM@60")
            if not math.isfinite(at) or at < 0:
                bad("--stimulus", f"time in {full!r} must be ≥ 0 minutes")
        s = parse_stimulus(text)
        name = canonical.get(s.name.lower())
        if name is None:
            bad("--stimulus", f"unknown stimulus {s.name!r}; allowed: {allowed(LIGANDS)}")
        if not s.unit:
            bad("--stimulus", f"{text!r} has no unit; allowed: {allowed(STIMULUS_UNITS)}")
        unit = _UNIT_ALIASES.get(s.unit, s.unit)
        if unit not in STIMULUS_UNITS:
            bad("--stimulus", f"unknown unit {s.unit!r} in {text!r}; allowed: {allowed(STIMULUS_UNITS)}")
        if s.value < 0:
            bad("--stimulus", f"concentration of {name} must be ≥ 0, got {s.value:g} {unit}")
        doses = out.setdefault(at, {})
        if name in doses:
            bad("--stimulus", f"{name} is given twice at {at:g} min; give each dose once")
        doses[name] = to_nM(s.value, unit, LIGANDS[name][0])
        shown.append(f"{name} {s.value:g} {unit}" + ("" if unit == "nM" else f" ({fmt(doses[name])} nM)")
                     + (f" at {at:g} min" if at else ""))
    return out, shown


def check_knockouts(genes: list[str], known: list[str]) -> list[str]:
    canonical = {g.upper(): g for g in known}
    out = []
    for g in genes:
        sym = canonical.get(g.strip().upper())
        if sym is None:
            bad("--knockout", f"unknown gene {g!r}; allowed: {allowed(sorted(known))}")
        if sym not in out:
            out.append(sym)
    return out


def check_gene_levels(texts: list[str], known: list[str]) -> dict[str, float]:
    """``GENE=FACTOR`` -> {gene: level}; 1 = wild type, 0.2 = knock-down, 3 = amplification."""
    canonical = {g.upper(): g for g in known}
    out: dict[str, float] = {}
    for text in texts:
        m = re.match(rf"^\s*([^=\s]+)\s*=\s*({_NUMBER})\s*$", text)
        if not m:
            bad("--gene-level", f"malformed {text!r}; expected GENE=FACTOR, e.g. PTPN2=0.2 or JAK2=3")
        sym = canonical.get(m[1].upper())
        if sym is None:
            bad("--gene-level", f"unknown gene {m[1]!r}; allowed: {allowed(sorted(known))}")
        level = float(m[2])
        if not math.isfinite(level) or level < 0:
            bad("--gene-level", f"level of {sym} must be a finite number ≥ 0 (1 = wild type), got {m[2]}")
        if sym in out:
            bad("--gene-level", f"{sym} is given twice; give each gene once")
        out[sym] = level
    return out


@dataclass
class SBMLInputs:
    """What a user's SBML model accepts: species (added after pre-simulation) and
    global parameters not set by a rule (set before the run); and what ``--select`` can
    name (``ids``: id -> species, compartment, parameter or reaction)."""

    text: str
    species: list[str]
    parameters: list[str]
    stimuli: dict[str, float] = field(default_factory=dict)
    parameter_values: dict[str, float] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)


def check_sbml(path: Path) -> SBMLInputs:
    import libsbml

    if not path.exists():
        bad("--sbml", f"no such file {str(path)!r}")
    if not path.is_file():
        bad("--sbml", f"{str(path)!r} is not a file")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        bad("--sbml", f"cannot read {str(path)!r}: {e}")
    doc = libsbml.readSBMLFromString(text)
    fatal = [doc.getError(i) for i in range(doc.getNumErrors())
             if doc.getError(i).getSeverity() >= libsbml.LIBSBML_SEV_ERROR]
    model = doc.getModel()
    if fatal or model is None:
        why = one_line(fatal[0].getMessage())[:300] if fatal else "no model in the file"
        bad("--sbml", f"{str(path)!r} is not a readable SBML model: {why}")
    if model.getNumPlugins() and doc.isPackageEnabled("comp") and model.getPlugin("comp") is not None \
            and model.getPlugin("comp").getNumSubmodels():
        # hierarchical model composition: the model is flattened here (external model
        # definitions are found beside the file) and libRoadRunner runs the flat model, whose
        # ids carry their submodel's prefix (sub1__k). libRoadRunner's own flattening of the
        # text lost nested submodels' parameters (SBML Test Suite case 01146)
        doc.setLocationURI(path.resolve().as_uri())
        props = libsbml.ConversionProperties()
        props.addOption("flatten comp", True)
        if doc.convert(props) != libsbml.LIBSBML_OPERATION_SUCCESS or doc.getModel() is None:
            errors = [doc.getError(i).getMessage() for i in range(doc.getNumErrors())
                      if doc.getError(i).getSeverity() >= libsbml.LIBSBML_SEV_ERROR]
            bad("--sbml", f"{str(path)!r}: its submodels (SBML comp) cannot be flattened: "
                          f"{one_line(errors[0])[:300] if errors else 'libsbml gave no reason'}")
        model = doc.getModel()
        text = libsbml.writeSBMLToString(doc)
    ruled = {model.getRule(i).getVariable() for i in range(model.getNumRules())}
    species = [s.getId() for s in model.getListOfSpecies() if not s.getConstant() and s.getId() not in ruled]
    params = [p.getId() for p in model.getListOfParameters() if p.getId() not in ruled]
    ids: dict[str, str] = {}
    for kind, items in (("species", model.getListOfSpecies()), ("compartment", model.getListOfCompartments()),
                        ("parameter", model.getListOfParameters()), ("reaction", model.getListOfReactions())):
        ids.update((x.getId(), kind) for x in items if x.getId())
    return SBMLInputs(text, species, params, ids=ids)


@dataclass
class Outputs:
    """The columns ``simulate --sbml`` writes: header -> libRoadRunner selection."""

    headers: list[str]
    selections: list[str]


def _selection(sid: str, kind: str, amount: bool) -> str:
    """libRoadRunner's selection of an id: a species' concentration ``[S]`` or amount
    ``S``; a compartment's size, a parameter's value or a reaction's rate by its id."""
    return sid if kind != "species" or amount else f"[{sid}]"


def check_select(texts: list[str], model: SBMLInputs, option: str = "--select") -> list[str]:
    """``--select a,b --select c`` -> ids, each one the model's (species, compartment,
    parameter or reaction); anything else names the id and a few valid ones."""
    out: list[str] = []
    for text in texts:
        for item in text.split(","):
            sid = item.strip()
            if not sid:
                bad(option, f"empty id in {text!r}; give ids separated by commas, e.g. "
                            f"{','.join(list(model.ids)[:2]) or 'S1,k1'}")
            if sid not in model.ids:
                near = [k for k in model.ids if k.lower() == sid.lower()]
                some = near + [k for k in model.ids if k not in near][:8 - len(near)]
                bad(option, f"unknown id {sid!r}: not a species, compartment, parameter or reaction of the model; "
                            f"e.g. {allowed(some) or '(the model has none)'}"
                            + (f" ({len(model.ids)} in all)" if len(model.ids) > len(some) else ""))
            if sid in out:
                bad(option, f"{sid} is given twice; give each id once")
            out.append(sid)
    return out


def sbml_outputs(ids: list[str], model: SBMLInputs, amounts: bool = False,
                 amount_ids: set[str] = frozenset(), concentration_ids: set[str] = frozenset()) -> Outputs:
    """Columns for ``ids``: species as concentrations, or amounts where ``amounts`` or
    listed in ``amount_ids`` (and not in ``concentration_ids``), as the SBML Test Suite's
    settings ask; other ids by value."""
    sels = [_selection(sid, model.ids.get(sid, "species"),
                       sid in amount_ids or (amounts and sid not in concentration_ids)) for sid in ids]
    return Outputs(list(ids), sels)


@dataclass
class SuiteSettings:
    """An SBML Test Suite settings file (``NNNNN-settings.txt``): the time course from 0 to
    ``duration`` in ``steps`` intervals, the ``variables`` to write, and which species are
    written as amounts or concentrations; ``absolute``/``relative`` are the tolerances its
    results are compared with."""

    duration: float
    steps: int
    variables: list[str]
    amount: set[str]
    concentration: set[str]
    absolute: float
    relative: float


def check_settings(path: Path, option: str = "--settings") -> SuiteSettings:
    """Read an SBML Test Suite settings file; only time courses from time 0 are accepted."""
    if not path.is_file():
        bad(option, f"no such file {str(path)!r}")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        bad(option, f"cannot read {str(path)!r}: {e}")
    keys = {}
    for line in lines:
        if ":" in line:
            k, _, v = line.partition(":")
            keys[k.strip().lower()] = v.strip()

    def number(key: str, default: float | None = None) -> float:
        v = keys.get(key, "")
        if not v and default is not None:
            return default
        try:
            x = float(v)
        except ValueError:
            bad(option, f"{str(path)!r}: {key} must be a number, got {v!r}"
                        + (" (not a time course: flux-balance and steady-state cases are not supported)"
                           if not v else ""))
        if not math.isfinite(x):
            bad(option, f"{str(path)!r}: {key} must be finite, got {v!r}")
        return x

    def names(key: str) -> list[str]:
        return [x.strip() for x in keys.get(key, "").split(",") if x.strip()]

    start = number("start", 0.0)
    if start != 0:
        bad(option, f"{str(path)!r}: start must be 0 (time courses start at the model's initial state), "
                    f"got {start:g}")
    duration, steps = number("duration"), number("steps")
    if duration <= 0 or steps < 1 or steps != int(steps):
        bad(option, f"{str(path)!r}: duration must be > 0 and steps a whole number ≥ 1, got {duration:g} and "
                    f"{steps:g}")
    variables = names("variables")
    if not variables:
        bad(option, f"{str(path)!r}: no variables to write")
    return SuiteSettings(duration, int(steps), variables, set(names("amount")), set(names("concentration")),
                         number("absolute", 0.0), number("relative", 0.0))


def check_sbml_stimuli(texts: list[str], model: SBMLInputs) -> None:
    for text in texts:
        s = parse_stimulus(text, require_unit=False)
        if s.unit:
            bad("--stimulus", f"with --sbml give a plain number in the model's own units, got {text!r}")
        if s.name in model.stimuli or s.name in model.parameter_values:
            bad("--stimulus", f"{s.name} is given twice; give each stimulus once")
        if s.name in model.species:
            if s.value < 0:
                bad("--stimulus", f"amount added to species {s.name} must be ≥ 0, got {s.value:g}")
            model.stimuli[s.name] = s.value
        elif s.name in model.parameters:
            model.parameter_values[s.name] = s.value
        else:
            bad("--stimulus", f"{s.name!r} is neither a species nor a settable global parameter of the model; "
                              f"allowed species: {allowed(model.species) or '(none)'}; "
                              f"allowed parameters: {allowed(model.parameters) or '(none)'}")
