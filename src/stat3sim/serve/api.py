"""What the explorer offers and what it accepts: the choices (``options``) and the check of
a run request (``check_run``).

A request names only choices and numbers: a shipped scenario, a subtype, catalog drugs
with a dose (or, for a drug without human PK, a constant exposure) and a start day,
model parameter ids with values within their bounds, days and output points per day.
Nothing in it is a file path or model text: names are looked up in fixed tables, numbers
are checked finite and within the limits below. A bad request raises
:class:`RequestError` (HTTP status, field, one-line message naming the allowed values);
nothing runs.

The checked request (:class:`RunSpec`) is what the worker runs through the run layer
(:mod:`stat3sim.runs`), the same API as ``stat3sim run`` and ``simulate --scenario``:
a scenario (``Scenario``, validated against the model's vocabulary) and its arms
(``runs.Arm`` with regimen texts that ``therapy.parse_regimen`` accepts).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

#: the most days a run may simulate (a year; the shipped scenarios run 180)
MAX_DAYS = 365.0
#: days a new page starts with (short enough to come back in seconds)
DEFAULT_DAYS = 84.0
#: the most output points per day (24: a drug's within-day peaks; every arm's frame is sent to the page)
MAX_POINTS_PER_DAY = 24
#: the most treated arms besides the untreated reference
MAX_ARMS = 6
#: the most regimens in one arm
MAX_REGIMENS = 4
#: the most parameter overrides in one request
MAX_PARAMETERS = 20
#: a parameter override may be from default / this to default × this (and within the model's range)
MAX_PARAMETER_FOLD = 100.0
#: a dose may be up to this multiple of the catalog's standard dose (``therapy.regimen.MAX_FOLD_OVER_LABEL``)
MAX_DOSE_FOLD = 10.0
#: the untreated reference arm every run has
REFERENCE_ARM = "no treatment"

_KEYS = {"scenario", "subtype", "days", "points_per_day", "diameter_mm", "parameters", "arms"}
_ARM_KEYS = {"regimens"}
_REGIMEN_KEYS = {"drug", "dose", "start_day"}
_NUM = r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"


class RequestError(ValueError):
    """A request the explorer refuses: ``status`` (400, 404, 413 …), ``field``, a one-line message."""

    def __init__(self, field: str, message: str, status: int = 400):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = " ".join(str(message).split())
        self.status = status

    def as_dict(self) -> dict[str, Any]:
        return {"error": f"{self.field}: {self.message}", "field": self.field}


def _allowed(values) -> str:
    values = list(values)
    return ", ".join(values) if len(values) <= 12 else ", ".join(values[:12]) + f" … ({len(values)} in all)"


# ------------------------------------------------------------------ choices
@dataclass(frozen=True)
class DrugChoice:
    """A catalog drug as the explorer offers it: its standard regimen with the dose as the
    number to choose (``kind`` "dose"), or, without human PK, a constant free exposure in
    nM (``kind`` "exposure")."""

    name: str
    kind: str  # "dose" | "exposure"
    standard: str  # the catalog's standard regimen ("tocilizumab 8 mg/kg iv q4w"), or the exposure form
    dose: float  # the default: the standard dose, or 3× the drug's potency (nM)
    unit: str  # "mg/kg", "mg", "mg/m2" … or "nM"
    low: float  # exclusive
    high: float  # inclusive
    schedule: str  # what follows the dose and unit ("iv q4w"; "continuous")
    target: str
    mechanism: str
    description: str

    def text(self, dose: float, start_day: float = 0.0) -> str:
        """The regimen text for ``dose`` (in :attr:`unit`) from ``start_day``."""
        out = f"{self.name} {_number(dose)} {self.unit} {self.schedule}"
        return out + (f" @day{_number(start_day)}" if start_day else "")

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "standard": self.standard, "dose": self.dose,
                "unit": self.unit, "min": self.low, "max": self.high, "schedule": self.schedule,
                "target": self.target, "mechanism": self.mechanism.replace("_", " "),
                "description": self.description}


def _number(x: float) -> str:
    """A number for a regimen text: the shortest form that reads back as ``x``."""
    return repr(float(x)).removesuffix(".0") if float(x).is_integer() and abs(x) < 1e15 else repr(float(x))


@lru_cache(maxsize=1)
def drug_choices() -> dict[str, DrugChoice]:
    """Every catalog drug (``therapy/data/drugs.yaml``), by name, in catalog order."""
    from ..therapy import load_catalog, parse_regimen
    from ..therapy.regimen import MAX_EXPOSURE_NM

    out: dict[str, DrugChoice] = {}
    for d in load_catalog().drugs:
        desc = " ".join((d.description or "").split())
        if d.dosable:
            std = d.pk.regimen
            m = re.match(rf"^(\S+)\s+({_NUM})\s*(mg/kg|mg/m2|mg|g|ug)\s+(.+)$", std)
            if not m or m[1] != d.name:  # a standard regimen the explorer cannot vary: offer it as written
                continue
            dose = float(m[2])
            choice = DrugChoice(d.name, "dose", std, dose, m[3], 0.0, dose * MAX_DOSE_FOLD, m[4].strip(),
                                d.target, d.mechanism, desc)
            # the text the explorer writes for the standard dose is the standard regimen
            if replace(parse_regimen(choice.text(dose)), text="") != replace(parse_regimen(std), text=""):
                continue
        else:
            p = d.pd_potency
            dose = float(f"{3 * p.nM:.3g}") if p is not None else 1000.0
            choice = DrugChoice(d.name, "exposure", f"{d.name} {_number(dose)} nM continuous", dose, "nM", 0.0,
                                float(MAX_EXPOSURE_NM), "continuous", d.target, d.mechanism, desc)
        out[d.name] = choice
    return out


@lru_cache(maxsize=1)
def scenario_choices() -> dict[str, Any]:
    """The shipped scenarios (``stat3sim scenarios``), by name, loaded and validated."""
    from ..scenarios import list_scenarios, load_scenario, validate

    vocab = vocabulary()
    return {name: validate(load_scenario(name), vocab) for name, _ in list_scenarios()}


@lru_cache(maxsize=1)
def vocabulary():
    from .. import runs

    return runs.vocabulary()


@lru_cache(maxsize=1)
def parameter_choices() -> dict[str, dict[str, Any]]:
    """Model parameters the explorer may set: id -> default (the default network's value),
    unit, description and the bounds (the model's range, within ``MAX_PARAMETER_FOLD`` of the
    default). Parameters whose default is 0 are left out (no fold range around zero)."""
    from ..model.bounds import parameter_range
    from ..model.tme import default_network

    out = {}
    for p in sorted(default_network().parameters, key=lambda p: p.id):
        low, high, _ = parameter_range(p)
        if not (p.value > 0 and math.isfinite(p.value)):
            continue
        lo, hi = max(low, p.value / MAX_PARAMETER_FOLD), min(high, p.value * MAX_PARAMETER_FOLD)
        out[p.id] = {"id": p.id, "default": p.value, "min": lo, "max": hi, "unit": p.unit or "",
                     "description": " ".join((p.description or "").split())}
    return out


@lru_cache(maxsize=1)
def presets() -> list[dict[str, Any]]:
    """tnbc's shipped therapy arms (``runs.THERAPY_ARMS``) that the explorer's choices can
    express exactly (each regimen a catalog drug at a dose on its standard schedule)."""
    from .. import runs
    from ..therapy import parse_regimen

    drugs = drug_choices()
    out = []
    for name, description, texts in runs.THERAPY_ARMS.get("tnbc", []):
        regs = []
        for text in texts:
            reg = parse_regimen(text)
            choice = drugs.get(reg.drug.name)
            dose = reg.exposure_nM if reg.is_exposure else reg.dose
            if choice is None or (choice.kind == "exposure") != reg.is_exposure:
                break
            if replace(parse_regimen(choice.text(dose)), text="") != replace(reg, text=""):
                break
            regs.append({"drug": choice.name, "dose": dose, "start_day": 0})
        else:
            if regs:
                out.append({"name": name, "description": description, "regimens": regs})
    return out


def options() -> dict[str, Any]:
    """What ``GET /api/options`` returns: every choice and limit the page offers."""
    from ..model.tme import SUBTYPES
    from ..scenarios.schema import DIAMETER_RANGE_MM

    scen = scenario_choices()
    return {
        "scenarios": [{"name": n, "description": s.description, "subtype": s.subtype, "days": s.days,
                       "therapies": list(s.therapies)} for n, s in scen.items()],
        "default_scenario": "tnbc" if "tnbc" in scen else next(iter(scen)),
        "subtypes": list(SUBTYPES),
        "drugs": [c.as_dict() for c in drug_choices().values()],
        "presets": presets(),
        "parameters": list(parameter_choices().values()),
        "limits": {"max_days": MAX_DAYS, "default_days": DEFAULT_DAYS, "max_points_per_day": MAX_POINTS_PER_DAY,
                   "max_arms": MAX_ARMS, "max_regimens": MAX_REGIMENS, "max_parameters": MAX_PARAMETERS,
                   "diameter_mm": list(DIAMETER_RANGE_MM), "max_dose_fold": MAX_DOSE_FOLD,
                   "max_parameter_fold": MAX_PARAMETER_FOLD},
        "reference_arm": REFERENCE_ARM,
    }


# ------------------------------------------------------------------ checking
@dataclass
class RunSpec:
    """A checked request: the scenario (with the request's subtype, days, size and
    parameters), the arms to run (the untreated reference first), the output grid."""

    scenario: Any
    arms: list = field(default_factory=list)
    days: float = DEFAULT_DAYS
    points_per_day: int = 1
    request: dict = field(default_factory=dict)  # the request as checked (echoed to the page)


def _number_field(value: Any, name: str, low: float, high: float, *, low_open: bool = False,
                  integer: bool = False) -> float:
    """``value`` as a finite number within [low, high] (``(low, high]`` with ``low_open``)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise RequestError(name, f"must be a number, got {type(value).__name__}")
    v = float(value)
    if not math.isfinite(v):
        raise RequestError(name, f"must be a finite number, got {value!r}")
    if integer and not v.is_integer():
        raise RequestError(name, f"must be a whole number, got {value!r}")
    if (v <= low if low_open else v < low) or v > high:
        interval = f"{'(' if low_open else '['}{low:g}, {high:g}]"
        raise RequestError(name, f"must be within {interval}, got {v:g}")
    return v


def _choice(value: Any, choices, name: str, what: str) -> str:
    if not isinstance(value, str):
        raise RequestError(name, f"must be a {what} name (a string), got {type(value).__name__}")
    choices = list(choices)
    if value not in choices:
        raise RequestError(name, f"unknown {what} {value[:60]!r}; allowed: {_allowed(choices)}", 400)
    return value


def _keys(obj: Any, allowed: set[str], name: str, required: tuple[str, ...] = ()) -> dict:
    if not isinstance(obj, dict):
        raise RequestError(name, f"must be a JSON object, got {type(obj).__name__}")
    unknown = sorted(k for k in obj if k not in allowed)
    if unknown:
        raise RequestError(f"{name}.{unknown[0][:40]}" if name else unknown[0][:40],
                           f"unknown field; allowed: {', '.join(sorted(allowed))}")
    for k in required:
        if k not in obj:
            raise RequestError(f"{name}.{k}" if name else k, "is required")
    return obj


def check_run(body: Any) -> RunSpec:
    """A run request (the JSON of ``POST /api/runs``) checked field by field; the first
    problem raises :class:`RequestError`."""
    from .. import runs
    from ..scenarios import ScenarioError, validate
    from ..scenarios.loader import size_problem
    from ..scenarios.schema import DIAMETER_RANGE_MM
    from ..therapy import TherapyError, parse_regimen

    body = _keys(body, _KEYS, "", required=("scenario",))
    scen = scenario_choices()
    name = _choice(body["scenario"], scen, "scenario", "scenario")
    sc = scen[name]
    update: dict[str, Any] = {}
    if "subtype" in body:
        update["subtype"] = _choice(body["subtype"], vocabulary().subtypes, "subtype", "subtype")
    days = _number_field(body.get("days", min(sc.days, MAX_DAYS)), "days", 0.0, MAX_DAYS, low_open=True)
    update["days"] = days
    ppd = int(_number_field(body.get("points_per_day", 1), "points_per_day", 1, MAX_POINTS_PER_DAY, integer=True))
    if "diameter_mm" in body:
        lo, hi = DIAMETER_RANGE_MM
        d = _number_field(body["diameter_mm"], "diameter_mm", lo, hi)
        if (problem := size_problem(d, None, False, names=("diameter_mm", "", ""))):
            raise RequestError(*problem)
        update.update({"initial_diameter_mm": d, "initial_volume_mm3": None,
                       "cells": {k: v for k, v in sc.cells.items() if k != "tumor"}})

    params = body.get("parameters", {})
    if not isinstance(params, dict):
        raise RequestError("parameters", f"must be a JSON object of parameter id -> value, got {type(params).__name__}")
    if len(params) > MAX_PARAMETERS:
        raise RequestError("parameters", f"at most {MAX_PARAMETERS} overrides, got {len(params)}")
    known = parameter_choices()
    checked_params = {}
    for pid, value in params.items():
        if pid not in known:
            raise RequestError("parameters", f"unknown or unsettable parameter {pid[:60]!r}; the settable ids are "
                                             "in GET /api/options (parameters with a positive default)")
        p = known[pid]
        checked_params[pid] = _number_field(value, f"parameters.{pid}", p["min"], p["max"])
    if checked_params:
        update["parameters"] = {**sc.parameters, **checked_params}

    arms_in = body.get("arms", [])
    if not isinstance(arms_in, list):
        raise RequestError("arms", f"must be a JSON array, got {type(arms_in).__name__}")
    if len(arms_in) > MAX_ARMS:
        raise RequestError("arms", f"at most {MAX_ARMS} arms besides the untreated reference, got {len(arms_in)}")
    drugs = drug_choices()
    own = {parse_regimen(t).drug.name for t in sc.therapies}
    arms = [runs.Arm(REFERENCE_ARM, "the scenario as set, untreated" if not sc.therapies
                     else "the scenario's own regimens only")]
    seen: dict[tuple, int] = {}
    checked_arms = []
    for i, arm in enumerate(arms_in):
        where = f"arms[{i}]"
        arm = _keys(arm, _ARM_KEYS, where, required=("regimens",))
        regs = arm["regimens"]
        if not isinstance(regs, list) or not 1 <= len(regs) <= MAX_REGIMENS:
            raise RequestError(f"{where}.regimens", f"must be an array of 1 to {MAX_REGIMENS} regimens")
        texts, names, checked_regs = [], set(), []
        for j, reg in enumerate(regs):
            rw = f"{where}.regimens[{j}]"
            reg = _keys(reg, _REGIMEN_KEYS, rw, required=("drug",))
            choice = drugs[_choice(reg["drug"], drugs, f"{rw}.drug", "drug")]
            if choice.name in names:
                raise RequestError(f"{rw}.drug", f"{choice.name} is given twice in this arm; one regimen per drug")
            if choice.name in own:
                raise RequestError(f"{rw}.drug", f"{choice.name} is already given by scenario {name!r}")
            names.add(choice.name)
            dose = _number_field(reg.get("dose", choice.dose), f"{rw}.dose", choice.low, choice.high, low_open=True)
            start = _number_field(reg.get("start_day", 0), f"{rw}.start_day", 0.0, days)
            if start >= days:
                raise RequestError(f"{rw}.start_day", f"must be before the last day ({days:g}), got {start:g}")
            text = choice.text(dose, start)
            try:
                parse_regimen(text)
            except TherapyError as e:
                raise RequestError(f"{rw}.dose", f"{text!r}: {e.field}: {e.message}") from None
            texts.append(text)
            checked_regs.append({"drug": choice.name, "dose": dose, "start_day": start, "text": text})
        key = tuple(sorted(texts))
        if key in seen:
            raise RequestError(where, f"gives the same regimens as arms[{seen[key]}]")
        seen[key] = i
        arm_name = " + ".join(texts)
        arms.append(runs.Arm(arm_name, "explorer arm", therapies=texts))
        checked_arms.append({"name": arm_name, "regimens": checked_regs})

    new = sc.model_copy(update=update)
    try:
        new = validate(new, vocabulary())
    except ScenarioError as e:  # a combination the model refuses (a parameter against a subtype …)
        raise RequestError(e.field, e.message) from None
    request = {"scenario": name, "subtype": new.subtype, "days": days, "points_per_day": ppd,
               "diameter_mm": update.get("initial_diameter_mm"), "parameters": checked_params, "arms": checked_arms}
    return RunSpec(new, arms, days, ppd, request)


__all__ = ["DEFAULT_DAYS", "DrugChoice", "MAX_ARMS", "MAX_DAYS", "MAX_DOSE_FOLD", "MAX_PARAMETERS",
           "MAX_PARAMETER_FOLD", "MAX_POINTS_PER_DAY", "MAX_REGIMENS", "REFERENCE_ARM", "RequestError", "RunSpec",
           "check_run", "drug_choices", "options", "parameter_choices", "presets", "scenario_choices"]
