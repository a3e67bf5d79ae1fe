"""Run-level scans: readouts of a tumor-microenvironment scenario at one day against a
parameter's value or a regimen's dose (``stat3sim scan``).

Each point is one run of the scenario (``runs.simulate``) with one change: the parameter
set to the point's value (:func:`parameter_points`), or the regimen with the point's dose
(:func:`dose_points`; dose 0 is the untreated run). Points whose Networks have the same
structure share one compiled model (``engine.roadrunner.Simulator.for_network`` caches
compiled models by structure; a parameter value or a dose is not structure), so a scan
compiles (or loads from the disk cache) once per process; :attr:`ScanResult.structures`
counts the models a serial scan had to build. With ``jobs`` the points run in worker
processes (:mod:`stat3sim._parallel`, as ``run``'s therapy arms and ``combo``), with the
same numbers.

Bad input (a malformed range, a template without ``{dose}``, a dose that does not parse)
raises :class:`~stat3sim.analysis.AnalysisError` with the field it concerns.
"""
from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd

from . import AnalysisError

#: the most points a scan takes
MAX_POINTS = 200
#: the placeholder of a dose scan's regimen template
DOSE = "{dose}"
_NUM = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_RANGE = re.compile(rf"^\s*({_NUM})\s*:\s*({_NUM})\s*:\s*(\d+)\s*(log)?\s*$", re.IGNORECASE)


def parse_range(text: str) -> tuple[list[float], bool]:
    """``"a:b:n"`` -> n values evenly spaced from a to b (both included); ``"a:b:nlog"`` ->
    log-spaced (a, b > 0). Returns ``(values, log)``; n from 2 to :data:`MAX_POINTS`."""
    m = _RANGE.match(str(text))
    if not m:
        raise AnalysisError("set", f"malformed range {text!r}; expected a:b:n (n values from a to b) or a:b:nlog "
                                   "(log-spaced), e.g. 0.01:0.03:5 or 0.1:10:5log")
    a, b, n, log = float(m[1]), float(m[2]), int(m[3]), bool(m[4])
    if not (math.isfinite(a) and math.isfinite(b)):
        raise AnalysisError("set", f"range ends must be finite numbers, got {text!r}")
    if not (2 <= n <= MAX_POINTS):
        raise AnalysisError("set", f"the number of points must be from 2 to {MAX_POINTS}, got {n} in {text!r}")
    if a == b:
        raise AnalysisError("set", f"the range's ends are equal ({a:g}) in {text!r}; give two different values")
    if log:
        if a <= 0 or b <= 0:
            raise AnalysisError("set", f"a log-spaced range needs ends > 0, got {text!r}")
        values = np.geomspace(a, b, n)
    else:
        values = np.linspace(a, b, n)
    return [float(f"{v:.10g}") for v in values], log


def parse_doses(text: str) -> list[float]:
    """``"0,1,2,4,8"`` -> distinct finite doses ≥ 0 (0: no drug), 2 to :data:`MAX_POINTS`, in the order given."""
    try:
        vals = [float(v) for v in str(text).split(",") if v.strip()]
    except ValueError:
        raise AnalysisError("doses", f"malformed {text!r}; expected comma-separated doses, e.g. 1,2,4,8") from None
    if len(vals) < 2 or len(vals) > MAX_POINTS:
        raise AnalysisError("doses", f"give 2 to {MAX_POINTS} doses, got {len(vals)} in {text!r}")
    if any(not math.isfinite(v) or v < 0 for v in vals):
        raise AnalysisError("doses", f"doses must be finite and ≥ 0 (0: no drug), got {text!r}")
    if len(set(vals)) != len(vals):
        raise AnalysisError("doses", f"a dose is given twice in {text!r}")
    return vals


def dose_regimen(template: str, dose: float) -> str:
    """The template with ``{dose}`` replaced (``""`` for dose 0: no drug)."""
    return "" if dose == 0 else template.replace(DOSE, f"{dose:g}")


def check_template(template: str) -> str:
    """A dose scan's regimen: one ``{dose}`` where the dose goes."""
    t = " ".join(str(template).split())
    if t.count(DOSE) != 1:
        raise AnalysisError("therapy", f"{template!r} must contain {DOSE} once, where the dose goes, "
                                       "e.g. \"tocilizumab {dose} mg/kg iv q4w\"")
    return t


@dataclass
class ScanResult:
    """A scan: ``values`` of the scanned quantity (``variable``), the readouts at ``day``."""

    scenario: str
    kind: str  # "parameter" or "dose"
    variable: str  # the parameter id, or "dose"
    unit: str  # the parameter's unit, or the dose's (mg/kg)
    log: bool
    values: list[float]
    labels: list[str]  # the change of each point: "k=0.01" or the regimen text ("" = no drug)
    readouts: list[str]
    units: dict[str, str]
    day: float
    data: np.ndarray  # len(values) × len(readouts); NaN where a point failed
    failed: dict[int, str] = field(default_factory=dict)
    seconds: float = 0.0
    workers: int = 1
    structures: int | None = None  # models a serial scan built (compiled or loaded) in this process
    template: str = ""

    def frame(self) -> pd.DataFrame:
        """One row per point: the scanned value (and regimen), the day, each readout, and
        ``error`` when a point failed."""
        d: dict[str, Any] = {self.variable: self.values}
        if self.kind == "dose":
            d["regimen"] = [lab or "no drug" for lab in self.labels]
        d["day"] = [self.day] * len(self.values)
        for j, r in enumerate(self.readouts):
            d[r] = self.data[:, j]
        if self.failed:
            d["error"] = [self.failed.get(i, "") for i in range(len(self.values))]
        return pd.DataFrame(d)


def parameter_points(param: str, values: Sequence[float]) -> list[tuple[float, str, Any]]:
    """``(value, label, Arm)`` of a parameter scan."""
    from ..runs import Arm

    return [(v, f"{param}={v:g}", Arm(f"{param}={v:g}", parameters={param: float(v)})) for v in values]


def dose_points(template: str, doses: Sequence[float]) -> list[tuple[float, str, Any]]:
    """``(dose, regimen, Arm)`` of a dose scan (dose 0: no therapy)."""
    from ..runs import Arm

    out = []
    for d in doses:
        text = dose_regimen(template, d)
        out.append((d, text, Arm(text or "no drug", therapies=[text] if text else [])))
    return out


def _point(sc, arm, day: float, readouts: list[str]) -> tuple[list[float] | None, dict[str, str], str, int]:
    """One point: (readouts at ``day`` or None, their units, failure message, models built)."""
    from ..engine import roadrunner
    from .. import runs

    n0 = len(roadrunner._CACHE)
    try:
        wanted = readouts
        if not arm.therapies:  # the untreated point of a dose scan has no readouts of the drug: 0
            known = {o.name for o in runs.build(sc, arm).observables}
            wanted = [r for r in readouts if r in known]
        r = runs.simulate(sc, arm, days=day, readouts=wanted or ["tumor_volume_mm3"])
    except Exception as e:  # noqa: BLE001 — a failed point is data
        return None, {}, f"{arm.name}: {type(e).__name__}: {' '.join(str(e).split())[:300]}", \
            len(roadrunner._CACHE) - n0
    built = len(roadrunner._CACHE) - n0
    if not r.ok:
        return None, {}, f"{arm.name}: {r.message}", built
    units = {o.name: o.unit for o in r.network.observables}
    vals = [float(r.frame[k].iloc[-1]) if k in r.frame.columns else 0.0 for k in readouts]
    return vals, units, "", built


def run_scan(sc, points: Sequence[tuple[float, str, Any]], *, kind: str, variable: str, unit: str = "",
             log: bool = False, readouts: Sequence[str] = ("tumor_volume_mm3",), day: float | None = None,
             jobs: int = 1, template: str = "", progress: Callable[[int, int], None] | None = None) -> ScanResult:
    """Run every point of a scan (from :func:`parameter_points` or :func:`dose_points`) on
    scenario ``sc`` to ``day`` (default: the scenario's days) and read ``readouts`` there."""
    from .._parallel import run_all, workers_for

    t0 = time.perf_counter()
    day = float(day if day is not None else sc.days)
    if not (day > 0) or math.isinf(day):
        raise AnalysisError("day", f"must be a positive number of days, got {day:g}")
    readouts = list(readouts)
    data = np.full((len(points), len(readouts)), np.nan)
    failed: dict[int, str] = {}
    units: dict[str, str] = {}
    built = 0
    workers = workers_for(jobs, len(points))
    argsets = [(sc, arm, day, readouts) for _, _, arm in points]
    for k, (i, got, error) in enumerate(run_all(_point, argsets, workers), start=1):
        vals, u, message, b = got if got is not None else (None, {}, f"{points[i][2].name}: {error}", 0)
        built += b
        if vals is not None:
            data[i] = vals
            for key in readouts:
                units.setdefault(key, u.get(key, ""))
        else:
            failed[i] = message
        if progress:
            progress(k, len(points))
    return ScanResult(scenario=sc.name, kind=kind, variable=variable, unit=unit, log=log,
                      values=[p[0] for p in points], labels=[p[1] for p in points], readouts=readouts,
                      units={r: units.get(r, "") for r in readouts}, day=day, data=data,
                      failed=dict(sorted(failed.items())), seconds=time.perf_counter() - t0, workers=workers,
                      structures=built if workers == 1 else None, template=template)


__all__ = ["MAX_POINTS", "DOSE", "ScanResult", "parse_range", "parse_doses", "dose_regimen", "check_template",
           "parameter_points", "dose_points", "run_scan"]
