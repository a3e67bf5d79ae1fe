"""Two-drug combinations: a dose matrix and its Bliss, Loewe and HSA excess.

Doses are *fractions of each written regimen* (``grid``, default 0, 0.25, 0.5, 1, 2 × the
written dose; a constant exposure's concentration is scaled the same way), so
"tocilizumab 8 mg/kg iv q4w" × 0.5 is 4 mg/kg q4w. Each cell of the matrix is one run:

* of a tumor-microenvironment scenario (:func:`stat3sim.runs.simulate`), the readout
  at the end of the run (default ``tumor_volume_mm3`` on the scenario's last day); or
* of one cell in culture (``cell=``; constant exposures only), the readout's response at
  ``minutes`` after the stimulus, as in :mod:`.dose_response`.

Effects are fractional inhibition relative to the untreated corner:
``E = 1 − readout / readout_untreated`` (TME), ``E = 1 − response`` (cell; response 1 = no
drug). Positive excess = more effect than the reference model predicts (synergy),
negative = antagonism. Excess is defined for combination cells only (both doses > 0);
single-agent rows are NaN in the excess matrices.

* **Bliss** (independence): ``E_ref = E_a + E_b − E_a·E_b`` at the same doses.
* **HSA** (highest single agent): ``E_ref = max(E_a, E_b)``.
* **Loewe** (additivity): each single agent's effect is fitted with a Hill curve through
  the origin, ``E(d) = Emax·d^h/(D50^h + d^h)``; ``E_ref`` solves
  ``a/D_a(E) + b/D_b(E) = 1`` with ``D(E) = D50·(E/(Emax − E))^(1/h)``. Beyond the weaker
  drug's Emax its dose counts as no contribution (``a/D_a = 0``), so ``E_ref`` stays defined
  up to the stronger drug's Emax. A drug combined with itself has zero Loewe excess.
  Needs ≥ 3 non-zero doses per drug (3 parameters) and two inhibiting drugs (Emax > 0);
  otherwise the Loewe matrix is NaN and ``loewe_message`` says why.

The scores are written here rather than taken from the ``synergy`` package (Wooten &
Albert 2020): that package is GPL-3.0-or-later and stat3sim is MIT, so it cannot be a
runtime dependency without relicensing; the test suite cross-checks these scores
against it when it is installed.
"""
from __future__ import annotations

import math
import re
import time
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import AnalysisError

DEFAULT_GRID = (0.0, 0.25, 0.5, 1.0, 2.0)
#: most doses per axis (a 9 × 9 matrix is 81 runs)
MAX_GRID = 9
_NUM = r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"


# ------------------------------------------------------------------ scores
def _check_matrix(E) -> np.ndarray:
    E = np.asarray(E, float)
    if E.ndim != 2 or E.shape[0] < 2 or E.shape[1] < 2:
        raise ValueError("an effect matrix needs ≥ 2 doses per drug, row 0 / column 0 the single agents")
    return E


def _combos_only(M: np.ndarray) -> np.ndarray:
    M = M.copy()
    M[0, :] = np.nan
    M[:, 0] = np.nan
    return M


def bliss_excess(E) -> tuple[np.ndarray, np.ndarray]:
    """``(expected, excess)`` of an effect matrix ``E[i, j]`` (drug A dose i, drug B dose j;
    ``E[0, 0]`` untreated, row 0 / column 0 the single agents; effects as fractional
    inhibition). Expected: ``E_a + E_b − E_a·E_b``."""
    E = _check_matrix(E)
    ea, eb = E[:, [0]], E[[0], :]
    exp = ea + eb - ea * eb
    return _combos_only(exp), _combos_only(E - exp)


def hsa_excess(E) -> tuple[np.ndarray, np.ndarray]:
    """``(expected, excess)``: expected is the stronger single agent, ``max(E_a, E_b)``."""
    E = _check_matrix(E)
    exp = np.maximum(E[:, [0]], E[[0], :])
    return _combos_only(exp), _combos_only(E - exp)


@dataclass(frozen=True)
class SingleAgentFit:
    """``E(d) = emax·d^hill/(d50^hill + d^hill)`` fitted to one drug's row (doses in the
    grid's units). ``ok`` False: ``message`` says why and the numbers are NaN."""

    ok: bool
    message: str = ""
    emax: float = math.nan
    d50: float = math.nan
    hill: float = math.nan
    rmse: float = math.nan

    def effect(self, d):
        d = np.asarray(d, float)
        return self.emax * d ** self.hill / (self.d50 ** self.hill + d ** self.hill)

    def dose_for(self, e: float) -> float:
        """The dose giving effect ``e``; ``inf`` at or beyond Emax, 0 at e ≤ 0."""
        if e <= 0:
            return 0.0
        if e >= self.emax:
            return math.inf
        return self.d50 * (e / (self.emax - e)) ** (1.0 / self.hill)

    def to_dict(self) -> dict:
        def f(x):
            return None if not math.isfinite(x) else float(x)

        return {"ok": self.ok, "message": self.message, "emax": f(self.emax), "d50_fraction": f(self.d50),
                "hill": f(self.hill), "rmse": f(self.rmse)}


def fit_single_agent(doses, effects) -> SingleAgentFit:
    """Fit a Hill curve through the origin to a single agent's effects (doses > 0 used;
    Emax bounded to −1…1: fractional inhibition of a readout ≥ 0 cannot exceed 1; Hill slope 0.1–10)."""
    from scipy import optimize

    d = np.asarray(doses, float)
    e = np.asarray(effects, float)
    keep = (d > 0) & np.isfinite(e)
    d, e = d[keep], e[keep]
    if len(d) < 3:
        return SingleAgentFit(False, f"needs ≥ 3 non-zero doses to fit Emax, D50 and Hill slope, got {len(d)}")

    def f(x, emax, log_d50, h):
        return emax * x ** h / (10 ** (h * log_d50) + x ** h)

    lo = [-1.0, math.log10(d.min()) - 3, 0.1]
    hi = [1.0, math.log10(d.max()) + 3, 10.0]
    emax0 = float(np.clip(e[np.argmax(np.abs(e))] * 1.2, -0.99, 0.99))
    p0 = [emax0 if emax0 != 0 else 0.1, math.log10(np.median(d)), 1.0]
    try:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", optimize.OptimizeWarning)  # the covariance is not used here
            popt, _ = optimize.curve_fit(f, d, e, p0=p0, bounds=(lo, hi), maxfev=20000)
    except (RuntimeError, ValueError) as exc:
        return SingleAgentFit(False, f"curve_fit: {exc}")
    emax, ld, h = (float(v) for v in popt)
    rmse = float(np.sqrt(np.mean((e - f(d, *popt)) ** 2)))
    return SingleAgentFit(True, "", emax, 10 ** ld, h, rmse)


def _loewe_point(a: float, b: float, fa: SingleAgentFit, fb: SingleAgentFit) -> float:
    from scipy.optimize import brentq

    top = max(fa.emax, fb.emax)

    def g(e: float) -> float:
        s = 0.0
        for dose, fit in ((a, fa), (b, fb)):
            if dose > 0:
                need = fit.dose_for(e)
                s += 0.0 if math.isinf(need) else (math.inf if need == 0 else dose / need)
        return s - 1.0

    lo, hi = top * 1e-12, top * (1 - 1e-12)
    if g(hi) > 0:  # numerically at the stronger drug's Emax already
        return hi
    return float(brentq(g, lo, hi, xtol=1e-12, rtol=1e-10))


def loewe_excess(E, doses_a, doses_b, fit_a: SingleAgentFit | None = None, fit_b: SingleAgentFit | None = None
                 ) -> tuple[np.ndarray, np.ndarray, SingleAgentFit, SingleAgentFit, str]:
    """``(expected, excess, fit_a, fit_b, message)`` of an effect matrix on the dose grid
    ``doses_a`` (rows) × ``doses_b`` (columns), from Hill fits to row 0 / column 0 (or the
    fits given). ``message`` is empty when Loewe could be computed, else says why not."""
    E = _check_matrix(E)
    da, db = np.asarray(doses_a, float), np.asarray(doses_b, float)
    if E.shape != (len(da), len(db)):
        raise ValueError(f"effect matrix {E.shape} does not match the grid {len(da)} × {len(db)}")
    fa = fit_a or fit_single_agent(da, E[:, 0])
    fb = fit_b or fit_single_agent(db, E[0, :])
    nan = np.full(E.shape, np.nan)
    why = []
    for name, fit in (("drug A", fa), ("drug B", fb)):
        if not fit.ok:
            why.append(f"{name}: {fit.message}")
        elif fit.emax <= 0:
            why.append(f"{name}: fitted Emax {fit.emax:.3g} ≤ 0 (no inhibition), Loewe undefined")
    if why:
        return nan, nan.copy(), fa, fb, "; ".join(why)
    exp = nan.copy()
    for i, a in enumerate(da):
        for j, b in enumerate(db):
            if a > 0 and b > 0:
                exp[i, j] = _loewe_point(float(a), float(b), fa, fb)
    return exp, E - exp, fa, fb, ""


# ---------------------------------------------------------------- regimens
def scale_regimen(text: str, fraction: float) -> str:
    """``text`` with its dose (or constant concentration) × ``fraction``, checked by
    :func:`~stat3sim.therapy.parse_regimen` (a scaled dose above the absurd-dose limits is an
    :class:`AnalysisError` on ``grid``)."""
    from ..therapy import TherapyError, parse_regimen

    s = " ".join(text.strip().split())
    m = re.match(r"^(.*?\s+)(" + _NUM + r")(.*)$", s)
    if not m:
        raise AnalysisError("therapy", f"cannot find the dose in {text!r}")
    out = f"{m[1]}{float(m[2]) * fraction:.6g}{m[3]}"
    try:
        parse_regimen(out)
    except TherapyError as e:
        raise AnalysisError("grid", f"{fraction:g} × {text!r} = {out!r}: {e.message}") from None
    return out


def check_grid(grid) -> list[float]:
    """A dose grid: distinct finite fractions ≥ 0, sorted, including 0, 2–``MAX_GRID`` values."""
    try:
        g = [float(v) for v in grid]
    except (TypeError, ValueError):
        raise AnalysisError("grid", f"must be numbers (fractions of the written dose), got {grid!r}") from None
    if any(not math.isfinite(v) or v < 0 for v in g):
        raise AnalysisError("grid", f"fractions must be finite and ≥ 0, got {', '.join(f'{v:g}' for v in g)}")
    g = sorted(set(g))
    if 0.0 not in g:
        g = [0.0] + g
    if len(g) < 2:
        raise AnalysisError("grid", "needs at least one non-zero fraction (e.g. 0,1)")
    if len(g) > MAX_GRID:
        raise AnalysisError("grid", f"at most {MAX_GRID} fractions per drug, got {len(g)}")
    return g


# ------------------------------------------------------------------ result
@dataclass
class ComboResult:
    """A combination matrix: ``readout[i, j]`` and ``effect[i, j]`` for drug A at
    ``grid_a[i]`` × drug B at ``grid_b[j]`` (fractions of ``therapies``), and the scores."""

    therapies: list[str]
    system: str  # "scenario tnbc" or "cell tumor"
    readout: str
    readout_unit: str
    at: str  # "day 180", "30 min after IL6 0.0476 nM"
    grid_a: list[float]
    grid_b: list[float]
    regimens: list[list[str]]  # [drug][dose index] -> regimen text ('' for 0)
    value: np.ndarray
    effect: np.ndarray
    bliss_expected: np.ndarray
    bliss: np.ndarray
    hsa_expected: np.ndarray
    hsa: np.ndarray
    loewe_expected: np.ndarray
    loewe: np.ndarray
    fit_a: SingleAgentFit
    fit_b: SingleAgentFit
    loewe_message: str
    failed: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def frame(self) -> pd.DataFrame:
        """One row per matrix cell (the CSV of ``stat3sim combo --out``)."""
        rows = []
        for i, fa in enumerate(self.grid_a):
            for j, fb in enumerate(self.grid_b):
                rows.append({"fraction_a": fa, "fraction_b": fb, "regimen_a": self.regimens[0][i],
                             "regimen_b": self.regimens[1][j], f"{self.readout}": self.value[i, j],
                             "effect": self.effect[i, j], "bliss_expected": self.bliss_expected[i, j],
                             "bliss_excess": self.bliss[i, j], "hsa_expected": self.hsa_expected[i, j],
                             "hsa_excess": self.hsa[i, j], "loewe_expected": self.loewe_expected[i, j],
                             "loewe_excess": self.loewe[i, j]})
        return pd.DataFrame(rows)

    def summary(self) -> dict:
        def stat(M):
            v = M[1:, 1:][np.isfinite(M[1:, 1:])]
            return {"mean": float(v.mean()), "max": float(v.max()), "min": float(v.min())} if len(v) else None

        return {"bliss": stat(self.bliss), "hsa": stat(self.hsa), "loewe": stat(self.loewe)}

    def to_dict(self) -> dict:
        def mat(M):
            return [[None if not math.isfinite(x) else float(x) for x in row] for row in np.asarray(M, float)]

        return {
            "therapies": self.therapies, "system": self.system, "readout": self.readout,
            "readout_unit": self.readout_unit, "at": self.at, "grid_a": self.grid_a, "grid_b": self.grid_b,
            "regimens_a": self.regimens[0], "regimens_b": self.regimens[1],
            "effect_definition": ("1 − readout/readout(untreated)" if self.system.startswith("scenario")
                                  else "1 − response (response: readout rise relative to no drug)"),
            "readout_matrix": mat(self.value), "effect_matrix": mat(self.effect),
            "bliss_excess": mat(self.bliss), "hsa_excess": mat(self.hsa), "loewe_excess": mat(self.loewe),
            "bliss_expected": mat(self.bliss_expected), "hsa_expected": mat(self.hsa_expected),
            "loewe_expected": mat(self.loewe_expected),
            "loewe_fit_a": self.fit_a.to_dict(), "loewe_fit_b": self.fit_b.to_dict(),
            "loewe_message": self.loewe_message, "summary": self.summary(), "failed_runs": self.failed,
            "seconds": round(self.seconds, 2),
        }


def _scores(therapies, system, readout, unit, at, ga, gb, regimens, value, effect, failed, seconds) -> ComboResult:
    be, b = bliss_excess(effect)
    he, h = hsa_excess(effect)
    le, lx, fa, fb, msg = loewe_excess(effect, ga, gb)
    return ComboResult(list(therapies), system, readout, unit, at, list(ga), list(gb), regimens, value, effect,
                       be, b, he, h, le, lx, fa, fb, msg, failed, seconds)


# -------------------------------------------------------------- experiment
def combo_matrix(therapies, *, scenario=None, cell: str | None = None, readout: str | None = None,
                 days: float | None = None, grid=DEFAULT_GRID, grid_b=None, stimulus=None,
                 minutes: float = 30.0, progress=None, jobs: int = 1) -> ComboResult:
    """The dose matrix of two ``therapies`` (regimen texts) in a TME ``scenario`` (name or
    Scenario) or a ``cell`` in culture. ``readout`` defaults to ``tumor_volume_mm3``
    (scenario) or ``pSTAT3`` (cell). ``grid`` (and ``grid_b`` for drug B, default the
    same) are fractions of the written doses. ``progress(i, n)`` is called after each run.
    ``jobs`` (scenario matrices): worker processes for the runs, 0 = one per CPU core
    (stat3sim._parallel; the numbers equal a serial run's)."""
    from ..therapy import TherapyError, parse_regimen

    t0 = time.perf_counter()
    therapies = list(therapies)
    if len(therapies) != 2:
        raise AnalysisError("therapy", f"a combination needs exactly two therapies, got {len(therapies)}")
    regs = []
    for text in therapies:
        try:
            regs.append(parse_regimen(text))
        except TherapyError as e:
            raise AnalysisError("therapy", f"{text!r}: {e.field}: {e.message}") from None
    if regs[0].drug.name == regs[1].drug.name:
        raise AnalysisError("therapy", f"both therapies are {regs[0].drug.name}; give two different drugs")
    if (scenario is None) == (cell is None):
        raise AnalysisError("scenario", "give either a scenario or a cell")
    ga = check_grid(grid)
    gb = check_grid(grid_b) if grid_b is not None else list(ga)
    if cell is not None:
        return _cell_matrix(therapies, regs, cell, readout or "pSTAT3", ga, gb, stimulus, minutes, t0, progress)
    return _tme_matrix(therapies, scenario, readout or "tumor_volume_mm3", days, ga, gb, t0, progress, jobs)


def _tme_cell(sc, therapies: list[str], days: float, readout: str) -> tuple[float | None, str, str]:
    """One matrix cell: (readout at the end or None, its unit, failure message)."""
    from .. import runs

    arm = runs.Arm(" + ".join(therapies) or "untreated", therapies=therapies)
    r = runs.simulate(sc, arm, days=days, readouts=[readout])
    if not r.ok:
        return None, "", f"{arm.name}: {r.message}"
    return float(r.at(readout)), {o.name: o.unit for o in r.network.observables}.get(readout, ""), ""


def _tme_matrix(therapies, scenario, readout, days, ga, gb, t0, progress, jobs: int = 1) -> ComboResult:
    from .._parallel import run_all
    from .. import runs
    from ..model import tme
    from ..scenarios import load_scenario

    sc = scenario
    if isinstance(scenario, str):
        try:
            sc = load_scenario(scenario)
        except Exception as e:  # unknown name / bad file: the loader's message
            raise AnalysisError("scenario", str(e).splitlines()[0] if str(e) else repr(e)) from None
    known = set(runs.vocabulary().observables) | set(tme.DEFAULT_READOUTS)
    if readout not in known:
        raise AnalysisError("readout", f"unknown readout {readout!r}; allowed: {', '.join(sorted(known))}")
    days = float(days if days is not None else sc.days)
    if not (days > 0) or math.isinf(days):
        raise AnalysisError("days", f"must be a positive number of days, got {days:g}")
    texts = [[scale_regimen(t, f) if f > 0 else "" for f in g] for t, g in zip(therapies, (ga, gb))]
    value = np.full((len(ga), len(gb)), np.nan)
    cells = [(i, j) for i in range(len(ga)) for j in range(len(gb))]
    argsets = [(sc, [t for t in (texts[0][i], texts[1][j]) if t], days, readout) for i, j in cells]
    failures: dict[tuple[int, int], str] = {}
    units: dict[tuple[int, int], str] = {}
    for k, (index, got, error) in enumerate(run_all(_tme_cell, argsets, jobs), start=1):
        i, j = cells[index]
        v, u, message = got if got is not None else (None, "", f"{' + '.join(argsets[index][1]) or 'untreated'}: {error}")
        if v is not None:
            value[i, j] = v
            units[(i, j)] = u
        else:
            failures[(i, j)] = message
        if progress:
            progress(k, len(cells))
    failed = [failures[c] for c in sorted(failures)]  # matrix order, whatever finished first
    unit = next((units[c] for c in sorted(units) if units[c]), "")
    if not math.isfinite(value[0, 0]) or value[0, 0] == 0:  # the work failed, not the input
        raise RuntimeError(f"the untreated run has {readout} = {value[0, 0]:g}"
                           + (f" ({failed[0]})" if failed else "") + "; effects relative to it are undefined")
    effect = 1.0 - value / value[0, 0]
    return _scores(therapies, f"scenario {sc.name}", readout, unit, f"day {days:g}", ga, gb, texts, value, effect,
                   failed, time.perf_counter() - t0)


def _cell_matrix(therapies, regs, cell, readout, ga, gb, stimulus, minutes, t0, progress) -> ComboResult:
    from ..engine.roadrunner import Simulator
    from ..model.cells import CELL_TYPES
    from ..therapy.pd import cell_network
    from .dose_response import DEFAULT_STIMULUS, parse_stimuli

    if cell not in CELL_TYPES:
        raise AnalysisError("cell", f"unknown cell type {cell!r}; allowed: {', '.join(CELL_TYPES)}")
    not_exp = [t for t, r in zip(therapies, regs) if not r.is_exposure]
    if not_exp:
        raise AnalysisError("therapy", f"a cell in culture takes constant exposures, not doses: {not_exp[0]!r}; "
                                       f"write e.g. '{regs[0].drug.name} 300 nM continuous'")
    if not (minutes > 0) or math.isinf(minutes):
        raise AnalysisError("minutes", f"must be a positive number of minutes, got {minutes:g}")
    stim = parse_stimuli(stimulus if stimulus is not None else DEFAULT_STIMULUS)
    try:
        net, ths = cell_network(cell, regs)
    except Exception as e:
        raise AnalysisError("therapy", f"these drugs cannot act on a {cell} cell in culture: {e}") from None
    label = f"{cell}.{readout}"
    obs = {o.name: o for o in net.observables}
    if label not in obs:
        allowed = [k.split(".", 1)[1] for k in obs if k.startswith(f"{cell}.")]
        raise AnalysisError("readout", f"unknown readout {readout!r} for {cell}; allowed: {', '.join(allowed)}")
    sim = Simulator.for_network(net)
    rise = np.full((len(ga), len(gb)), np.nan)
    failed = []
    n, k = len(ga) * len(gb), 0
    for i, fa in enumerate(ga):
        for j, fb in enumerate(gb):
            init = {ths[0].pk.dose_species: regs[0].exposure_nM * fa, ths[1].pk.dose_species: regs[1].exposure_nM * fb}
            res = sim.run(net, t_end=float(minutes), n_points=2, stimuli=stim, initial_values=init)
            if res.ok:
                rise[i, j] = float(res.at(label, float(minutes)) - res[label][0])
            else:
                failed.append(f"{fa:g} × {therapies[0]} + {fb:g} × {therapies[1]}: {res.message}")
            k += 1
            if progress:
                progress(k, n)
    if not math.isfinite(rise[0, 0]) or rise[0, 0] == 0:
        raise AnalysisError("stimulus", f"{label} does not rise with the stimulus without drug; effects undefined")
    value = rise / rise[0, 0]
    texts = [[scale_regimen(t, f) if f > 0 else "" for f in g] for t, g in zip(therapies, (ga, gb))]
    shown = ", ".join(f"{k} {v:.4g} nM" for k, v in stim.items())
    return _scores(therapies, f"cell {cell}", f"{readout}_rise_relative", "fraction of no drug",
                   f"{minutes:g} min after {shown}", ga, gb, texts, value, 1.0 - value, failed,
                   time.perf_counter() - t0)


__all__ = ["combo_matrix", "ComboResult", "bliss_excess", "hsa_excess", "loewe_excess", "fit_single_agent",
           "SingleAgentFit", "scale_regimen", "check_grid", "DEFAULT_GRID"]
