"""Dose-response of one drug on one cell in culture, and a four-parameter log-logistic fit.

The experiment it mimics: cells pre-incubated with the drug at a constant concentration
(the drug is present from the start of the pre-simulation, so signaling settles with it),
then a cytokine stimulus at t = 0 and a readout ``minutes`` later — the design of the
cellular pSTAT3 IC50 assays the catalog's potencies come from.

Responses (``response=``), both relative to the same run without drug:

* ``"rise"`` (default): the readout's rise over its own pre-stimulus baseline,
  ``(y_c(t) − y_c(0)) / (y_0(t) − y_0(0))`` — what a stimulated-minus-unstimulated assay
  measures;
* ``"level"``: the readout itself, ``y_c(t) / y_0(t)``.

Fit: ``R(c) = bottom + (top − bottom) / (1 + (c / IC50)^h)`` by least squares
(``scipy.optimize.curve_fit``) with ``log10 IC50`` as the parameter, so the 95 %
confidence interval of IC50 is a Wald interval on log10 IC50 (symmetric in log space):
``10^(log10 IC50 ± t(0.975, n − 4)·SE)``, SE from the covariance of the fit. The model is
deterministic, so the residuals are misfit of the 4PL shape, not noise; the intervals say
how tightly the simulated points fix the curve, not experimental uncertainty. IC50 is the
*relative* IC50 (the curve's midpoint between top and bottom). When the response never
falls below 0.5 over the tested concentrations, the IC50 is reported as "not reached"
(and the fitted midpoint is still given, marked as such). A fit that fails is reported
with its message, never hidden.

>>> dr = dose_response("ruxolitinib", concentrations=[0.3, 3, 30, 300, 3000, 30000])  # doctest: +SKIP
>>> dr.fit.ic50_nM, dr.fit.ic50_ci_nM                                                  # doctest: +SKIP
"""
from __future__ import annotations

import math
import re
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import AnalysisError

#: default stimulus: IL-6 1 ng/mL (= 0.0476 nM at 21 kDa; a typical in-vitro dose, assumed)
DEFAULT_STIMULUS = "IL6=1ng/mL"
#: default number of concentrations and span around the drug's cellular potency (× and ÷)
DEFAULT_N = 12
DEFAULT_SPAN = 1000.0
RESPONSES = ("rise", "level")
#: units a stimulus may be written in (as the CLI's ``--stimulus``)
STIMULUS_UNITS = ("pM", "nM", "uM", "µM", "ng/mL", "pg/mL")
_NUM = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"


# --------------------------------------------------------------------- fit
def four_pl(c, bottom: float, top: float, log10_ic50: float, hill: float):
    """Four-parameter log-logistic: ``bottom + (top − bottom)/(1 + (c/IC50)^hill)``."""
    c = np.asarray(c, float)
    return bottom + (top - bottom) / (1.0 + np.power(c / 10.0 ** log10_ic50, hill))


@dataclass(frozen=True)
class HillFit:
    """A 4PL fit. ``status``: ``"fitted"`` (response falls below 0.5 and the fit worked),
    ``"not reached"`` (it never falls below 0.5 in the tested range; ``ic50_nM`` is then the
    fitted midpoint, not an IC50 in the 50 % sense) or ``"fit failed"`` (``message`` says why;
    every number is NaN)."""

    status: str
    message: str = ""
    bottom: float = math.nan
    top: float = math.nan
    ic50_nM: float = math.nan
    hill: float = math.nan
    ic50_ci_nM: tuple[float, float] = (math.nan, math.nan)
    hill_ci: tuple[float, float] = (math.nan, math.nan)
    log10_ic50_se: float = math.nan
    rmse: float = math.nan
    n: int = 0

    @property
    def ok(self) -> bool:
        return self.status != "fit failed"

    def to_dict(self) -> dict:
        def f(x):
            return None if x is None or not math.isfinite(x) else float(x)

        return {"status": self.status, "message": self.message, "bottom": f(self.bottom), "top": f(self.top),
                "ic50_nM": f(self.ic50_nM), "ic50_ci95_nM": [f(v) for v in self.ic50_ci_nM],
                "hill_slope": f(self.hill), "hill_slope_ci95": [f(v) for v in self.hill_ci],
                "log10_ic50_se": f(self.log10_ic50_se), "rmse": f(self.rmse), "n_points": self.n,
                "ci_method": "Wald 95 % interval from the fit covariance, on log10 IC50 (t distribution, n − 4 dof)"}


def fit_log_logistic(conc, resp, *, reached_below: float = 0.5) -> HillFit:
    """Fit :func:`four_pl` to ``resp`` at positive concentrations ``conc`` (nM).

    Needs at least 5 points (4 parameters and one residual degree of freedom for the
    intervals). Hill slope is bounded to 0.05–20 and bottom/top to −1…2 (responses are
    fractions of no drug)."""
    from scipy import optimize, stats

    c = np.asarray(conc, float)
    y = np.asarray(resp, float)
    keep = (c > 0) & np.isfinite(y)
    c, y = c[keep], y[keep]
    n = int(len(c))
    if n < 5:
        return HillFit("fit failed", f"a 4-parameter fit needs ≥ 5 positive concentrations, got {n}", n=n)
    order = np.argsort(c)
    c, y = c[order], y[order]
    reached = bool(np.min(y) < reached_below)
    if float(np.ptp(y)) < 1e-3:
        return HillFit("not reached", f"flat response: it changes by {np.ptp(y):.2g} (< 0.001) over the tested "
                                      "concentrations; no curve to fit", n=n)
    top0, bottom0 = float(y[0]), float(y[-1])
    mid = 0.5 * (top0 + bottom0)
    # the first concentration where the response crosses the midpoint, as the starting IC50
    below = np.nonzero(y <= mid)[0] if top0 >= bottom0 else np.nonzero(y >= mid)[0]
    lc0 = float(np.log10(c[below[0]])) if len(below) else float(np.log10(np.median(c)))
    lo = [-1.0, -1.0, float(np.log10(c[0])) - 3, 0.05]
    hi = [2.0, 2.0, float(np.log10(c[-1])) + 3, 20.0]
    p0 = [min(max(bottom0, -0.99), 1.99), min(max(top0, -0.99), 1.99), min(max(lc0, lo[2]), hi[2]), 1.0]
    try:
        with np.errstate(over="ignore", invalid="ignore"), warnings.catch_warnings():
            # an undefined covariance is reported in the fit's message (NaN intervals)
            warnings.simplefilter("ignore", optimize.OptimizeWarning)
            popt, pcov = optimize.curve_fit(four_pl, c, y, p0=p0, bounds=(lo, hi), maxfev=20000)
    except (RuntimeError, ValueError) as e:
        return HillFit("fit failed", f"curve_fit: {e}", n=n)
    bottom, top, lc, h = (float(v) for v in popt)
    resid = y - four_pl(c, *popt)
    rmse = float(np.sqrt(np.mean(resid ** 2)))
    dof = n - 4
    msg = []
    if dof < 1:
        se = (math.nan,) * 4
        msg.append("no residual degrees of freedom: no confidence intervals")
    else:
        # curve_fit scales pcov by the residual variance (absolute_sigma=False)
        se = tuple(float(math.sqrt(v)) if np.isfinite(v) and v >= 0 else math.nan for v in np.diag(pcov))
    tq = float(stats.t.ppf(0.975, max(dof, 1)))
    ci_lc = (10 ** (lc - tq * se[2]), 10 ** (lc + tq * se[2])) if math.isfinite(se[2]) else (math.nan, math.nan)
    ci_h = (h - tq * se[3], h + tq * se[3]) if math.isfinite(se[3]) else (math.nan, math.nan)
    if not math.isfinite(se[2]):
        msg.append("the covariance of log10 IC50 is undefined (points do not fix the midpoint)")
    at_bound = [name for name, v, a, b in zip(("bottom", "top", "log10 IC50", "Hill slope"), popt, lo, hi)
                if abs(v - a) < 1e-6 * max(1, abs(a)) or abs(v - b) < 1e-6 * max(1, abs(b))]
    if at_bound:
        msg.append(f"at a bound of the fit: {', '.join(at_bound)}")
    status = "fitted" if reached else "not reached"
    if not reached:
        msg.insert(0, f"the response never falls below {reached_below:g} (lowest {np.min(y):.3g}); ic50_nM is the "
                      "fitted midpoint between top and bottom, not a 50 % concentration")
    return HillFit(status, "; ".join(msg), bottom, top, 10 ** lc, h, ci_lc, ci_h, se[2], rmse, n)


# --------------------------------------------------------------- stimulus
def parse_stimuli(stimulus) -> dict[str, float]:
    """``"IL6=1ng/mL"`` (or a list of such, or ``{ligand: nM}``) -> ``{ligand: nM}``."""
    from ..model.signaling.parameters import LIGANDS
    from ..model.units import to_nM

    if isinstance(stimulus, dict):
        out = {}
        for k, v in stimulus.items():
            if k not in LIGANDS:
                raise AnalysisError("stimulus", f"unknown stimulus {k!r}; allowed: {', '.join(LIGANDS)}")
            if not (float(v) >= 0) or math.isinf(float(v)):
                raise AnalysisError("stimulus", f"concentration of {k} must be a finite number ≥ 0 nM")
            out[k] = float(v)
        return out
    texts = [stimulus] if isinstance(stimulus, str) else list(stimulus)
    canonical = {k.lower(): k for k in LIGANDS}
    out: dict[str, float] = {}
    for text in texts:
        m = re.fullmatch(rf"\s*([^=\s]+)\s*=\s*({_NUM})\s*(\S+)\s*", text)
        if not m:
            raise AnalysisError("stimulus", f"malformed {text!r}; expected NAME=VALUEUNIT, e.g. IL6=1ng/mL")
        name = canonical.get(m[1].lower())
        if name is None:
            raise AnalysisError("stimulus", f"unknown stimulus {m[1]!r}; allowed: {', '.join(LIGANDS)}")
        unit = {"ng/ml": "ng/mL", "pg/ml": "pg/mL"}.get(m[3], m[3])
        if unit not in STIMULUS_UNITS:
            raise AnalysisError("stimulus", f"unknown unit {m[3]!r} in {text!r}; allowed: {', '.join(STIMULUS_UNITS)}")
        v = float(m[2])
        if not (v >= 0) or math.isinf(v):
            raise AnalysisError("stimulus", f"concentration of {name} must be a finite number ≥ 0, got {m[2]}")
        out[name] = out.get(name, 0.0) + to_nM(v, unit, LIGANDS[name][0])
    return out


# ------------------------------------------------------------- experiment
@dataclass
class DoseResponse:
    """A dose-response: ``table`` (``concentration_nM``, ``readout_t0``, ``readout_t``,
    ``response``; the first row is no drug, response 1 by definition) and its ``fit``."""

    drug: str
    cell: str
    readout: str
    readout_unit: str
    stimulus: dict[str, float]
    minutes: float
    response: str
    table: pd.DataFrame
    fit: HillFit
    potency_nM: float
    potency_source: str
    acts_on: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return {
            "drug": self.drug, "cell": self.cell, "readout": self.readout, "readout_unit": self.readout_unit,
            "stimulus_nM": self.stimulus, "minutes": self.minutes, "response": self.response,
            "response_definition": _RESPONSE_TEXT[self.response],
            "catalog_potency_nM": self.potency_nM, "catalog_potency_source": self.potency_source,
            "acts_on": self.acts_on,
            "points": [{k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in row.items()}
                       for row in self.table.to_dict(orient="records")],
            "fit": self.fit.to_dict(),
            "seconds": round(self.seconds, 3),
        }


_RESPONSE_TEXT = {
    "rise": "(readout at t − readout at 0) with drug / the same without drug; drug present from the start "
            "of pre-simulation, stimulus at t = 0",
    "level": "readout at t with drug / without drug; drug present from the start of pre-simulation, stimulus at t = 0",
}


def readouts_of(cell: str) -> list[str]:
    """The readouts a dose-response may use for ``cell`` (``pSTAT3``, ``SOCS3_mRNA`` …)."""
    net = _network(cell, None)[0]
    return [o.name.split(".", 1)[1] for o in net.observables if o.name.startswith(f"{cell}.")]


def _network(cell: str, drug):
    """(Network, therapies) of ``cell`` in culture, with ``drug`` as a constant exposure."""
    from ..model.cells import CELL_TYPES
    from ..therapy.pd import cell_network
    from ..therapy.regimen import parse_regimen

    if cell not in CELL_TYPES:
        raise AnalysisError("cell", f"unknown cell type {cell!r}; allowed: {', '.join(CELL_TYPES)}")
    regs = [] if drug is None else [parse_regimen(f"{drug.name} 1 nM continuous")]
    try:
        return cell_network(cell, regs)
    except Exception as e:  # a mechanism whose node is not in a single cell (COX-2 of macrophages in a TME…)
        raise AnalysisError("drug", f"{drug.name} ({drug.mechanism}, target {drug.target}) does not act on a "
                                    f"{cell} cell in culture: {e}") from None


def default_concentrations(potency_nM: float, n: int = DEFAULT_N, span: float = DEFAULT_SPAN) -> list[float]:
    """``n`` log-spaced concentrations from potency/span to potency×span (nM)."""
    return [float(v) for v in np.logspace(np.log10(potency_nM / span), np.log10(potency_nM * span), n)]


def dose_response(drug: str, cell: str = "tumor", readout: str = "pSTAT3", stimulus=DEFAULT_STIMULUS,
                  minutes: float = 30.0, concentrations=None, response: str = "rise") -> DoseResponse:
    """Simulate ``drug`` at ``concentrations`` (nM, free; default 12 log-spaced over
    potency/1000 … potency × 1000, potency from :func:`stat3sim.therapy.pd.potency`) on
    ``cell`` stimulated with ``stimulus`` (default IL-6 1 ng/mL) and fit a 4PL to the
    response at ``minutes``. Bad input raises :class:`AnalysisError`."""
    import time

    from ..engine.roadrunner import Simulator
    from ..therapy import TherapyError, get_drug
    from ..therapy.pd import potency

    t_start = time.perf_counter()
    try:
        d = get_drug(drug)
    except TherapyError as e:
        raise AnalysisError("drug", e.message) from None
    if response not in RESPONSES:
        raise AnalysisError("response", f"unknown response {response!r}; allowed: {', '.join(RESPONSES)}")
    if not (minutes > 0) or math.isinf(minutes):
        raise AnalysisError("minutes", f"must be a positive number of minutes, got {minutes:g}")
    stim = parse_stimuli(stimulus)
    try:
        pot, pot_src = potency(d)
    except TherapyError as e:
        raise AnalysisError("drug", e.message) from None
    if concentrations is None:
        conc = default_concentrations(pot)
    else:
        conc = [float(c) for c in concentrations]
        bad = [c for c in conc if not (c > 0) or math.isinf(c) or c > 1e6]
        if bad:
            raise AnalysisError("concentrations", f"every concentration must be > 0 and ≤ 1e6 nM (1 mM), got {bad[0]:g}")
        conc = sorted(set(conc))
    net, ths = _network(cell, d)
    th = ths[0]
    if not th.acts_on:
        raise AnalysisError("drug", f"{d.name} ({d.mechanism}, target {d.target}) has no target in a {cell} cell "
                                    "in culture")
    label = f"{cell}.{readout}"
    obs = {o.name: o for o in net.observables}
    if label not in obs:
        allowed = [n.split(".", 1)[1] for n in obs if n.startswith(f"{cell}.")]
        raise AnalysisError("readout", f"unknown readout {readout!r} for {cell}; allowed: {', '.join(allowed)}")
    sim = Simulator.for_network(net)
    rows = []
    for c in [0.0] + conc:
        res = sim.run(net, t_end=float(minutes), n_points=2, stimuli=stim, initial_values={th.pk.dose_species: c})
        if not res.ok:
            y0 = yt = math.nan
        else:
            y0, yt = float(res[label][0]), float(res.at(label, float(minutes)))
        rows.append({"concentration_nM": c, "readout_t0": y0, "readout_t": yt, "solver_ok": bool(res.ok)})
    df = pd.DataFrame(rows)
    ref = df.iloc[0]
    if response == "rise":
        denom = ref.readout_t - ref.readout_t0
        num = df.readout_t - df.readout_t0
    else:
        denom = ref.readout_t
        num = df.readout_t
    if not (abs(denom) > 0) or not math.isfinite(denom):
        raise AnalysisError("stimulus", f"{label} does not change with {stimulus} in {minutes:g} min without drug "
                                        f"(reference {response} = {denom:.3g}); choose another stimulus or readout")
    df["response"] = num / denom
    if not df.solver_ok.all():
        failed = df.concentration_nM[~df.solver_ok].tolist()
        fit = HillFit("fit failed", f"the solver failed at {', '.join(f'{c:g}' for c in failed)} nM")
    else:
        fit = fit_log_logistic(df.concentration_nM[1:], df.response[1:])
    return DoseResponse(d.name, cell, readout, obs[label].unit, stim, float(minutes), response, df, fit, pot,
                        pot_src, sorted(set(th.acts_on)), time.perf_counter() - t_start)


__all__ = ["DoseResponse", "HillFit", "dose_response", "fit_log_logistic", "four_pl", "parse_stimuli",
           "default_concentrations", "readouts_of", "RESPONSES", "DEFAULT_STIMULUS"]
