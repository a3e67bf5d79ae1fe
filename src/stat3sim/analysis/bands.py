"""Prediction bands: an ensemble over the calibrated parameters' uncertainty
(``stat3sim run --bands N``).

Each member of the ensemble is one draw of the calibrated parameters
(:mod:`stat3sim.uncertainty`: a seeded Latin hypercube through each row's two-piece
normal, truncated to the parameter's bounds) applied to every arm of the run — the
untreated arms and the treated ones — through the run layer
(:func:`stat3sim.runs.simulate`, as an arm's parameter overrides; an arm's own parameters
and the scenario's win, knock-outs and depletions act after them as in any run). An arm
that changes nothing re-uses its reference's member. A member's run that fails in the
solver (or crawls past :data:`MAX_STEPS` steps per output interval) is recorded with its
message and left out of that arm's quantiles; the others go on.

From the members: per arm, readout and output day the quantiles at the band levels (5 %
and 95 % by default) and the median (:func:`band_table`, ``bands.csv``); and each treated
arm's effect — its day-end value of a summarised readout (:data:`EFFECT_READOUTS`, the
therapy table's) divided by its reference's *in the same member* — with the same quantiles
(:func:`effects`). Quantiles are numpy's (linear interpolation between order statistics).

What a band is: the spread of the model's prediction when the calibrated parameters vary
as the uncertainty file says, every other parameter at its value. It is not a prediction
interval for patients (no between-patient variability: that is ``stat3sim cohort``), and
it leaves out the uncertainty of the assumed parameters (``stat3sim sensitivity``) and of
the model's structure. docs/uncertainty.md.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from . import AnalysisError

#: the band levels (percent) without ``--band-levels``; the median is always added
DEFAULT_LEVELS = (5.0, 95.0)
#: the most members an ensemble may have (a guard against a typo in --bands)
MAX_MEMBERS = 10_000
#: the fewest members that make a band
MIN_MEMBERS = 2
#: CVODE steps per output interval of a member's run (as ``sensitivity.MAX_STEPS``)
MAX_STEPS = 5000
#: readouts whose day-end ratio to the reference is an arm's effect (the therapy table's)
EFFECT_READOUTS = ("tumor_volume_mm3", "tumor.pSTAT3", "tumor.pSTAT3_nuclear_nM", "serum_IL6_pg_mL", "CD8_count",
                   "MDSC_count", "metastatic_burden")


def qname(level: float) -> str:
    """The column of a quantile: ``q05``, ``q50``, ``q95``, ``q2.5``."""
    return f"q{int(level):02d}" if float(level).is_integer() else f"q{level:g}"


def parse_levels(text: str | None, option: str = "--band-levels") -> tuple[float, float]:
    """``"5,95"`` → (5.0, 95.0): two percentages, low below high, within (0, 100), the
    low one below 50 and the high one above."""
    if text is None:
        return DEFAULT_LEVELS
    parts = [p.strip() for p in str(text).split(",")]
    try:
        vals = [float(p) for p in parts]
    except ValueError:
        raise AnalysisError(option, f"must be two percentages LOW,HIGH, e.g. 5,95; got {text!r}") from None
    if len(vals) != 2 or not all(math.isfinite(v) for v in vals):
        raise AnalysisError(option, f"must be two percentages LOW,HIGH, e.g. 5,95; got {text!r}")
    lo, hi = vals
    if not (0 < lo < 50 < hi < 100):
        raise AnalysisError(option, f"needs 0 < LOW < 50 < HIGH < 100 (percent), got {text!r}")
    return lo, hi


def check_members(n: int, option: str = "--bands") -> int:
    if isinstance(n, bool) or int(n) != n or not (MIN_MEMBERS <= n <= MAX_MEMBERS):
        raise AnalysisError(option, f"must be a whole number of ensemble members from {MIN_MEMBERS} to "
                                    f"{MAX_MEMBERS}, got {n}")
    return int(n)


@dataclass
class BandPlan:
    """A checked ensemble: the rows (:class:`stat3sim.uncertainty.Uncertain`), members,
    seed, levels, the draws (one row per member, one column per parameter id), where the
    file came from, and notes (warnings) for the run's summary."""

    rows: list
    n: int
    seed: int
    levels: tuple[float, float]
    draws: pd.DataFrame
    file: str
    file_hash: str
    notes: list[str] = field(default_factory=list)

    def settings(self) -> dict[str, Any]:
        return {"members": self.n, "seed": self.seed, "levels_percent": [self.levels[0], 50.0, self.levels[1]],
                "uncertainty_file": self.file, "uncertainty_sha256_16": self.file_hash,
                "sampling": "scipy.stats.qmc.LatinHypercube (scrambled), seeded; each row's inverse CDF",
                "distribution": "per row, in its scale (ln for log): median = estimate; half-normals below and "
                                "above it with σ = (CI end − estimate) / 1.96 each, so the 2.5/50/97.5 % quantiles "
                                "are the CI's ends and the estimate; truncated to the parameter's bounds",
                "quantiles": "numpy.quantile, linear interpolation, over the members that ran",
                "parameters": [r.record() for r in self.rows]}


def prepare(rows, n: int, seed: int, levels: tuple[float, float], network, scenario, *, file: str = "",
            file_hash: str = "", notes: Sequence[str] = ()) -> BandPlan:
    """Check ``rows`` against the scenario's ``network`` (the scenario's own parameters may
    not be varied) and draw the members (raises ``UncertaintyError`` / AnalysisError)."""
    from ..uncertainty import check, differences, draw

    n = check_members(n)
    checked = check(rows, network, held=set(getattr(scenario, "parameters", {}) or {}))
    notes = list(notes)
    diff = differences(checked, network)
    if diff:
        notes.append(f"{len(diff)} parameter(s) of the uncertainty file have an estimate other than the model's "
                     f"value; the bands centre on the estimates, the nominal run on the model's values "
                     f"({'; '.join(diff[:3])}{' …' if len(diff) > 3 else ''})")
    return BandPlan(checked, n, int(seed), tuple(levels), draw(checked, n, int(seed)), file, file_hash, notes)


# ------------------------------------------------------------------ the ensemble
def run_member(scenario, arm, params: Mapping[str, float], points_per_day: int = 1) -> tuple[Any, str, float]:
    """One member of one arm: (frame or None, failure message, seconds). The draw goes in
    as the arm's parameter overrides under the arm's own."""
    from .. import runs
    from .._io import solver_output_hidden
    from ..engine.roadrunner import step_limit

    t0 = time.perf_counter()
    own = dict(arm.parameters)
    member = runs.Arm(arm.name, arm.description, list(arm.knockouts), list(arm.depletions),
                      {**{k: v for k, v in params.items() if k not in own}, **own}, dict(arm.cells),
                      list(arm.mimics), list(arm.therapies))
    grid = {} if points_per_day == 1 else {"points_per_day": points_per_day}
    try:
        with solver_output_hidden(), step_limit(MAX_STEPS):
            res = runs.simulate(scenario, member, **grid)
    except Exception as e:  # noqa: BLE001 — a failed member is data
        return None, f"{type(e).__name__}: {' '.join(str(e).split())[:300]}", time.perf_counter() - t0
    if not res.ok:
        return None, res.message or "the solver failed", time.perf_counter() - t0
    return res.frame, "", time.perf_counter() - t0


def _unchanged(arm) -> bool:
    return not (arm.knockouts or arm.depletions or arm.parameters or arm.cells or arm.mimics or arm.therapies)


@dataclass
class Ensemble:
    """The members' frames by arm (``frames[arm][member]``), the failures
    (``{"member", "arm", "message"}``), the wall time, the number of runs and the sum of the
    runs' own times (``cpu_seconds``: each run's wall time in its process)."""

    frames: dict[str, dict[int, pd.DataFrame]]
    failed: list[dict]
    seconds: float
    runs: int
    cpu_seconds: float


def run_ensemble(plan: BandPlan, scenario, arms: Sequence, *, points_per_day: int = 1, jobs: int = 1,
                 progress: Callable[[int], None] | None = None) -> Ensemble:
    """Every member of every arm (``arms``: the run's arms in order; an arm that changes
    nothing re-uses the first unchanged arm's member), in ``jobs`` worker processes
    (:func:`stat3sim._parallel.run_all`: 1 = in this process, 0 = one per core)."""
    from .._parallel import run_all

    t0 = time.perf_counter()
    first_plain = next((a.name for a in arms if _unchanged(a)), None)
    distinct = [a for a in arms if not (_unchanged(a) and a.name != first_plain)]
    draws = plan.draws.to_dict("records")
    tasks, keys = [], []
    for m, params in enumerate(draws):
        for a in distinct:
            tasks.append((scenario, a, params, points_per_day))
            keys.append((m, a.name))
    frames: dict[str, dict[int, pd.DataFrame]] = {a.name: {} for a in arms}
    failed = []
    cpu = 0.0
    for k, got, error in run_all(run_member, tasks, jobs):
        m, name = keys[k]
        frame, message, took = got if got is not None else (None, f"worker process failed: {error}", 0.0)
        cpu += took
        if frame is not None:
            frames[name][m] = frame
        else:
            failed.append({"member": m, "arm": name, "message": message})
        if progress is not None:
            progress(1)
    for a in arms:  # unchanged arms share the first one's members
        if a.name != first_plain and _unchanged(a) and first_plain is not None:
            frames[a.name] = frames[first_plain]
            failed += [dict(f, arm=a.name) for f in failed if f["arm"] == first_plain]
    for d in frames.values():
        for m in sorted(d):
            d[m] = d.pop(m)
    failed.sort(key=lambda f: (f["member"], [a.name for a in arms].index(f["arm"])))
    return Ensemble(frames, failed, time.perf_counter() - t0, len(tasks), cpu)


# ------------------------------------------------------------------ quantiles
def quantiles(members: Mapping[int, pd.DataFrame], levels: tuple[float, float] = DEFAULT_LEVELS) -> pd.DataFrame:
    """One arm's band: for each readout and output day the quantiles at ``levels`` and the
    median over ``members`` (each a frame with ``time_days`` and readout columns, on the same
    days); long format: readout, time_days, q<low>, q50, q<high>, members (how many of them
    had a finite value there)."""
    frames = [df for df in members.values() if df is not None and len(df)]
    if not frames:
        return pd.DataFrame(columns=["readout", "time_days", qname(levels[0]), "q50", qname(levels[1]), "members"])
    times = frames[0]["time_days"].to_numpy(float)
    cols = [c for c in frames[0].columns if c != "time_days" and all(c in f.columns for f in frames)]
    out = []
    qs = np.array([levels[0], 50.0, levels[1]]) / 100.0
    for c in cols:
        stack = np.vstack([f[c].to_numpy(float) for f in frames])  # members × times
        ok = np.isfinite(stack)
        count = ok.sum(axis=0)
        with np.errstate(invalid="ignore"):
            q = np.nanquantile(np.where(ok, stack, np.nan), qs, axis=0) if ok.any() else \
                np.full((3, len(times)), np.nan)
        out.append(pd.DataFrame({"readout": c, "time_days": times, qname(levels[0]): q[0], "q50": q[1],
                                 qname(levels[1]): q[2], "members": count}))
    return pd.concat(out, ignore_index=True)


def band_table(ensemble: Ensemble, levels: tuple[float, float] = DEFAULT_LEVELS) -> pd.DataFrame:
    """Every arm's band (:func:`quantiles`), the arm first: ``bands.csv``."""
    parts = [quantiles(m, levels).assign(arm=name) for name, m in ensemble.frames.items() if m]
    if not parts:
        return pd.DataFrame(columns=["arm", "readout", "time_days", qname(levels[0]), "q50", qname(levels[1]),
                                     "members"])
    df = pd.concat(parts, ignore_index=True)
    return df[["arm", *[c for c in df.columns if c != "arm"]]]


def effects(ensemble: Ensemble, pairs: Sequence[tuple[str, str]], nominal: Mapping[str, pd.DataFrame],
            levels: tuple[float, float] = DEFAULT_LEVELS, readouts: Sequence[str] = EFFECT_READOUTS) -> list[dict]:
    """Each (arm, reference) pair's effect on each readout: the arm's last-day value over the
    reference's, per member (both must have run), with its quantiles, and the nominal run's
    ratio (``nominal``: the run's frames by arm)."""
    out = []
    for arm, ref in pairs:
        a, r = ensemble.frames.get(arm, {}), ensemble.frames.get(ref, {})
        both = [m for m in a if m in r]
        for c in readouts:
            if not both or c not in a[both[0]].columns or c not in r[both[0]].columns:
                continue
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = np.array([float(a[m][c].iloc[-1]) / float(r[m][c].iloc[-1]) for m in both])
            ratio = ratio[np.isfinite(ratio)]
            nom = math.nan
            if arm in nominal and ref in nominal and c in nominal[arm] and c in nominal[ref]:
                den = float(nominal[ref][c].iloc[-1])
                nom = float(nominal[arm][c].iloc[-1]) / den if den else math.nan
            q = np.quantile(ratio, np.array([levels[0], 50.0, levels[1]]) / 100.0) if ratio.size else [math.nan] * 3
            day = float(a[both[0]]["time_days"].iloc[-1])
            out.append({"arm": arm, "reference": ref, "readout": c, "day": day,
                        "nominal": nom if math.isfinite(nom) else None,
                        qname(levels[0]): float(q[0]), "q50": float(q[1]), qname(levels[1]): float(q[2]),
                        "members": int(ratio.size)})
    return out


def summary(plan: BandPlan, ensemble: Ensemble, effect_rows: list[dict]) -> dict[str, Any]:
    """The ``bands`` entry of summary.json."""
    def fin(x):
        return float(x) if isinstance(x, (int, float)) and math.isfinite(x) else None

    return {**plan.settings(),
            "outputs": ["bands.csv", "band_draws.csv"],
            "runs": ensemble.runs, "seconds": round(ensemble.seconds, 2),
            "run_seconds_summed": round(ensemble.cpu_seconds, 2),
            "members_ok": {name: len(m) for name, m in ensemble.frames.items()},
            "failed": ensemble.failed,
            "effects": [{k: (fin(v) if isinstance(v, float) else v) for k, v in e.items()} for e in effect_rows],
            "notes": list(plan.notes),
            "meaning": "the spread of the prediction over the calibrated parameters' uncertainty only; assumed "
                       "parameters are at their values, and there is no between-patient variability "
                       "(docs/uncertainty.md)"}


__all__ = ["BandPlan", "DEFAULT_LEVELS", "EFFECT_READOUTS", "Ensemble", "MAX_MEMBERS", "MAX_STEPS", "band_table",
           "check_members", "effects", "parse_levels", "prepare", "qname", "quantiles", "run_ensemble", "run_member",
           "summary"]
