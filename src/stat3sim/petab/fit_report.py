"""What ``stat3sim fit`` writes: the waterfall of the starts, the fit per observable and
condition, the profiles, the parameter table, results.json and a self-contained
report.html (figures embedded as base64 PNG, inline CSS, all input text escaped).

Every file goes through ``write`` (the command's atomic writer), so that a failure leaves
no half-written file.
"""
from __future__ import annotations

import base64
import html
import io
import math
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from .fit import FitResult, Nllh, ci_ratio, to_linear

#: points of the simulated curve in the fit figures
CURVE_POINTS = 200
#: starts whose nllh is within this of the best are "at the best" in the waterfall
BEST_TOL = 0.1


def _figure(w: float, h: float):
    from matplotlib.figure import Figure

    return Figure(figsize=(w, h), dpi=100, layout="constrained")


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    return buf.getvalue()


# ---------------------------------------------------------------- figures
def waterfall_figure(fit: FitResult):
    fv = np.array(sorted(s.fval for s in fit.starts), float)
    best = np.nanmin(fv[np.isfinite(fv)]) if np.isfinite(fv).any() else math.nan
    fig = _figure(6.5, 4.0)
    ax = fig.add_subplot()
    ok = np.isfinite(fv)
    y = fv[ok] - best
    idx = np.arange(1, len(fv) + 1)[ok]
    near = (fv[ok] - best) <= BEST_TOL
    ax.plot(idx, y, "-", color="0.6", lw=1)
    ax.plot(idx[near], y[near], "o", color="tab:red", label=f"within {BEST_TOL:g} of the best ({near.sum()})")
    ax.plot(idx[~near], y[~near], "o", color="tab:blue", label="other local optima")
    ax.set_yscale("symlog", linthresh=0.01)
    ax.set_ylim(0, max(1.0, 2 * float(np.max(y))) if len(y) else 1.0)
    ax.axhline(BEST_TOL, color="tab:red", ls=":", lw=0.8)
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("start (sorted by final value)")
    ax.set_ylabel("nllh − best (symlog)")
    n_fail = int((~ok).sum())
    ax.set_title(f"Waterfall: {len(fv)} starts, best nllh {best:.6g}" + (f", {n_fail} failed" if n_fail else ""))
    ax.legend(loc="upper left", fontsize=8)
    return fig


def profile_figure(fit: FitResult):
    n = len(fit.profiles)
    cols = min(3, max(n, 1))
    rows = max(1, math.ceil(n / cols))
    fig = _figure(3.2 * cols, 2.6 * rows)
    level = ci_ratio()
    best = fit.best
    for k, p in enumerate(fit.profiles):
        ax = fig.add_subplot(rows, cols, k + 1)
        i = fit.spec.ids.index(p.id)
        ax.plot(p.x, p.ratio, "-", color="tab:blue")
        ax.axhline(level, color="tab:red", ls="--", lw=0.8)
        ax.axvline(best.x[i], color="0.5", ls=":", lw=0.8)
        for b in (p.lower, p.upper):
            if b is not None:
                ax.axvline(b, color="tab:red", lw=0.8)
        lo, hi = min(p.x), max(p.x)
        pad = max(0.1 * (hi - lo), 1e-3 * (fit.spec.ub[i] - fit.spec.lb[i]))
        ax.set_xlim(max(lo - pad, fit.spec.lb[i]), min(hi + pad, fit.spec.ub[i]))
        ax.set_ylim(0, 1.05)
        ax.set_title(p.id, fontsize=9)
        ax.set_xlabel(f"{fit.spec.scales[i]}({p.id})" if fit.spec.scales[i] != "lin" else p.id, fontsize=8)
        if k % cols == 0:
            ax.set_ylabel("likelihood ratio")
    fig.suptitle("Profile likelihoods (red dashed: 95 % level; red lines: CI; dotted: best fit)", fontsize=9)
    return fig


def _dense_rows(mdf: pd.DataFrame) -> pd.DataFrame:
    """Rows at CURVE_POINTS times from 0 to the last finite time of each observable and
    condition (the overrides of its first row)."""
    keys = ["observableId", "preequilibrationConditionId", "simulationConditionId"]
    out = []
    for _, g in mdf.groupby(keys, sort=False):
        t = g["time"].to_numpy(float)
        t = t[np.isfinite(t)]
        if not len(t):
            continue
        first = g.iloc[0]
        times = np.unique(np.concatenate([np.linspace(0.0, float(t.max()), CURVE_POINTS), t]))
        rows = pd.DataFrame({c: [first[c]] * len(times) for c in mdf.columns})
        rows["time"] = times
        out.append(rows)
    return pd.concat(out, ignore_index=True) if out else mdf.iloc[:0]


def fit_figures(fit: FitResult, nllh: Nllh) -> dict[str, object]:
    """One figure per observable: a panel per (pre-equilibration:)condition with the data
    (± their noise sd at the best fit) and the simulation at the best fit."""
    problem, spec, simulator, _ = nllh._load()
    values = spec.values(fit.best.x)
    y, s, failed, _ = simulator.simulate_rows(values)
    mdf = simulator.mdf
    dense = _dense_rows(mdf)
    curve = None
    if len(dense):
        saved = (simulator.mdf, getattr(simulator, "_groups", None), getattr(simulator, "_times", None),
                 simulator.__dict__.get("_override_cache"))
        try:
            simulator.mdf, simulator._groups, simulator._times = dense, None, None
            simulator.__dict__["_override_cache"] = {}
            curve, _, _, _ = simulator.simulate_rows(values)
        finally:
            simulator.mdf, simulator._groups, simulator._times = saved[:3]
            simulator.__dict__["_override_cache"] = saved[3] or {}
    figs = {}
    for oid in pd.unique(mdf["observableId"]):
        sel = (mdf["observableId"] == oid).to_numpy()
        sub = mdf[sel]
        labels = [(str(p), str(c)) for p, c in sub[["preequilibrationConditionId", "simulationConditionId"]]
                  .drop_duplicates().itertuples(index=False)]
        n = len(labels)
        cols = min(4, n)
        rows_n = math.ceil(n / cols)
        fig = _figure(3.2 * cols, 2.6 * rows_n)
        log = str(problem.observable_df.loc[oid].get("observableTransformation", "lin")) in ("log", "log10")
        for k, (pre, cid) in enumerate(labels):
            ax = fig.add_subplot(rows_n, cols, k + 1)
            m = sel & (mdf["preequilibrationConditionId"] == pre).to_numpy() & \
                (mdf["simulationConditionId"] == cid).to_numpy()
            t = mdf["time"].to_numpy(float)[m]
            data = mdf["measurement"].to_numpy(float)[m]
            sd = s[m]
            finite = np.isfinite(t)
            yerr = None
            if not log and np.isfinite(sd).all():
                yerr = sd[finite]
            ax.errorbar(t[finite], data[finite], yerr=yerr, fmt="o", ms=3, color="k", elinewidth=0.7,
                        label="data (± sd)")
            if curve is not None:
                dm = ((dense["observableId"] == oid) & (dense["preequilibrationConditionId"] == pre)
                      & (dense["simulationConditionId"] == cid)).to_numpy()
                ax.plot(dense["time"].to_numpy(float)[dm], curve[dm], "-", color="tab:red", label="best fit")
            else:
                order = np.argsort(t[finite])
                ax.plot(t[finite][order], y[m][finite][order], "-", color="tab:red", label="best fit")
            if (~finite).any():
                ax.plot([], [], " ", label=f"{int((~finite).sum())} steady-state points not shown")
            if log:
                ax.set_yscale("log")
            ax.set_title(f"{pre + ' → ' if pre else ''}{cid}", fontsize=8)
            ax.set_xlabel("time", fontsize=8)
            if k == 0:
                ax.legend(fontsize=7)
        fig.suptitle(f"{oid}", fontsize=10)
        figs[str(oid)] = fig
    return figs


# ----------------------------------------------------------------- tables
def parameter_table(fit: FitResult) -> pd.DataFrame:
    """Best value and 95 % profile-likelihood CI of each fitted parameter (linear scale)."""
    prof = {p.id: p for p in fit.profiles}
    rows = []
    for i, pid in enumerate(fit.spec.ids):
        sc = fit.spec.scales[i]
        p = prof.get(pid)
        lo = to_linear(p.lower, sc) if p is not None and p.lower is not None else math.nan
        hi = to_linear(p.upper, sc) if p is not None and p.upper is not None else math.nan
        if p is None:
            ident = "not profiled"
        elif p.lower is not None and p.upper is not None:
            ident = "identifiable"
        elif p.lower is None and p.upper is None:
            ident = "not identifiable (flat)"
        else:
            ident = "not identifiable (open " + ("below" if p.lower is None else "above") + ")"
        rows.append({"parameterId": pid, "parameterScale": sc, "estimate": to_linear(fit.best.x[i], sc),
                     "estimate_scaled": fit.best.x[i], "ci95_lower": lo, "ci95_upper": hi,
                     "lowerBound": to_linear(fit.spec.lb[i], sc), "upperBound": to_linear(fit.spec.ub[i], sc),
                     "nominalValue": to_linear(fit.spec.nominal[i], sc) if np.isfinite(fit.spec.nominal[i])
                     else math.nan, "identifiability": ident})
    return pd.DataFrame(rows)


def _num(x) -> str:
    return "–" if x is None or (isinstance(x, float) and not math.isfinite(x)) else f"{x:.4g}"


def render_html(summary: dict, table: pd.DataFrame, images: dict[str, bytes]) -> str:
    e = html.escape
    rows = "".join(
        f"<tr><td>{e(r.parameterId)}</td><td>{e(r.parameterScale)}</td><td>{_num(r.estimate)}</td>"
        f"<td>{_num(r.ci95_lower)}</td><td>{_num(r.ci95_upper)}</td><td>{_num(r.nominalValue)}</td>"
        f"<td>{_num(r.lowerBound)} – {_num(r.upperBound)}</td><td>{e(r.identifiability)}</td></tr>"
        for r in table.itertuples())
    imgs = "".join(f"<h3>{e(name)}</h3><img alt='{e(name)}' src='data:image/png;base64,"
                   f"{base64.b64encode(png).decode()}'>" for name, png in images.items())
    b = summary["best"]
    s = summary["settings"]
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>stat3sim fit {e(summary['problem'])}</title>
<style>body{{font-family:sans-serif;max-width:1100px;margin:2em auto}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:3px 6px;font-size:13px}}img{{max-width:100%}}</style></head><body>
<h1>Fit of {e(summary['problem'])}</h1>
<p>{s['starts']} starts (seed {s['seed']}, uniform in the bounds on the parameter scale), {e(s['optimizer'])};
gradients: {e(s['gradient'])}. Best negative log-likelihood <b>{b['nllh']:.6f}</b> (start {e(str(b['start']))});
{summary['starts_at_best']} of {s['starts']} starts within {BEST_TOL:g} of it.
Optimisation {summary['timing']['optimize_s']:.1f} s, profiles {summary['timing']['profile_s']:.1f} s
on {e(str(s['workers']))} worker(s); {summary['timing']['objective_evaluations']} objective evaluations.</p>
<h2>Parameters (linear scale; 95 % profile-likelihood CI)</h2>
<table><tr><th>parameter</th><th>scale</th><th>best</th><th>CI lower</th><th>CI upper</th><th>nominal</th>
<th>bounds</th><th>identifiability</th></tr>{rows}</table>
<p>A CI bound shown as – is open: the profile stays above the 95 % level up to the parameter's bound.
Priors of the parameter table are not part of the objective.</p>
<h2>Figures</h2>{imgs}
</body></html>"""


def write_outputs(out: Path, fit: FitResult, nllh: Nllh, summary: dict, write: Callable[[Path, bytes], None]) -> list[str]:
    """Everything into ``out``; returns the file names written."""
    names = []

    def put(name: str, data: bytes) -> None:
        write(out / name, data)
        names.append(name)

    images: dict[str, bytes] = {}
    png = _png(waterfall_figure(fit))
    put("waterfall.png", png)
    images["Waterfall of the starts"] = png
    for oid, fig in fit_figures(fit, nllh).items():
        png = _png(fig)
        fname = f"fit_{''.join(c if c.isalnum() or c in '_-.' else '_' for c in oid)}.png"
        put(fname, png)
        images[f"Fit: {oid}"] = png
    if fit.profiles:
        png = _png(profile_figure(fit))
        put("profiles.png", png)
        images["Profiles"] = png
    table = parameter_table(fit)
    put("parameters.tsv", table.to_csv(sep="\t", index=False, float_format="%.10g").encode())
    import json

    put("results.json", (json.dumps(summary, indent=2, allow_nan=False, default=_jsonable) + "\n").encode())
    put("report.html", render_html(summary, table, images).encode())
    return names


def _jsonable(x):
    if isinstance(x, (np.floating,)):
        return float(x)
    if isinstance(x, (np.integer,)):
        return int(x)
    raise TypeError(type(x).__name__)


def summary(fit: FitResult, problem: str, seed: int, workers: str, evaluations: int) -> dict:
    """results.json: settings, the best start, every start, the parameters with their CIs,
    the profiles and the timings."""
    from . import fit as F

    best = fit.best
    fmin = best.fval
    table = parameter_table(fit)

    def fin(x):
        return float(x) if x is not None and math.isfinite(x) else None

    return {
        "problem": problem,
        "settings": {"starts": len(fit.starts), "seed": seed, "workers": workers,
                     "optimizer": f"pyPESTO ScipyOptimizer L-BFGS-B (maxiter {F.MAX_ITER})",
                     "gradient": f"central finite differences, step {F.FD_STEP:g} on the parameter scale "
                                 f"(CVODE rtol {F.FIT_RTOL:g}, atol {F.FIT_ATOL:g})",
                     "start_sampling": "numpy default_rng(seed).uniform(lower, upper) on the parameter scale",
                     "ci": "95 % profile likelihood: nllh rise of chi2(1, 0.95)/2 = 1.92"},
        "best": {"nllh": fin(fmin), "start": best.id,
                 "parameters_scaled": dict(zip(fit.spec.ids, map(float, best.x))),
                 "parameters": {r.parameterId: float(r.estimate) for r in table.itertuples()}},
        "starts_at_best": int(sum(1 for s in fit.starts if math.isfinite(s.fval) and s.fval - fmin <= BEST_TOL)),
        "starts": [{"id": s.id, "nllh": fin(s.fval), "nllh_start": fin(s.fval0), "n_fval": s.n_fval,
                    "n_grad": s.n_grad, "seconds": round(s.seconds, 3), "message": s.message,
                    "x0": s.x0, "x": [fin(v) for v in s.x]} for s in fit.starts],
        "parameters": [{k: (fin(v) if isinstance(v, float) else v) for k, v in r.items()}
                       for r in table.to_dict(orient="records")],
        "profiles": [{"id": p.id, "x": p.x, "nllh": [fin(v) for v in p.nllh], "ci95_scaled": [p.lower, p.upper],
                      "seconds": round(p.seconds, 3)} for p in fit.profiles],
        "timing": {"optimize_s": round(fit.seconds, 3), "profile_s": round(fit.profile_seconds, 3),
                   "objective_evaluations": evaluations},
    }
