"""Figures of the analyses: a dose-response curve with its fit, a combination heat map, a scan.

Built with :class:`matplotlib.figure.Figure` directly (no pyplot), like
:mod:`stat3sim.report.figures`, and written with its atomic ``save_figure``.
"""
from __future__ import annotations

import math

import numpy as np
from matplotlib.figure import Figure

from .dose_response import DoseResponse, four_pl
from .scan import ScanResult
from .synergy import ComboResult


def dose_response_figure(dr: DoseResponse) -> Figure:
    """Simulated responses (points; no drug as a dashed line at 1) and the 4PL fit with its
    IC50 and 95 % interval."""
    fig = Figure(figsize=(6.0, 4.2))
    ax = fig.add_subplot()
    t = dr.table[dr.table.concentration_nM > 0]
    ax.semilogx(t.concentration_nM, t.response, "o", color="#0072b2", label="simulated")
    ax.axhline(1.0, color="#999999", lw=0.8, ls="--", label="no drug")
    ax.axhline(0.5, color="#cccccc", lw=0.6, ls=":")
    f = dr.fit
    if f.ok:
        c = np.logspace(np.log10(t.concentration_nM.min()), np.log10(t.concentration_nM.max()), 200)
        ax.semilogx(c, four_pl(c, f.bottom, f.top, math.log10(f.ic50_nM), f.hill), color="#d55e00",
                    label=f"4PL fit, Hill {f.hill:.2f} [{f.hill_ci[0]:.2f}, {f.hill_ci[1]:.2f}]")
        if f.status == "fitted":
            lo, hi = f.ic50_ci_nM
            ax.axvspan(lo, hi, color="#d55e00", alpha=0.15, lw=0)
            ax.axvline(f.ic50_nM, color="#d55e00", lw=0.8,
                       label=f"IC50 {f.ic50_nM:.3g} nM (95 % CI {lo:.3g}–{hi:.3g})")
        else:
            ax.plot([], [], " ", label="IC50 not reached (response never < 0.5)")
    else:
        ax.plot([], [], " ", label=f"fit failed: {f.message[:60]}")
    ax.axvline(dr.potency_nM, color="#009e73", lw=0.8, ls="-.", label=f"catalog potency {dr.potency_nM:.3g} nM")
    what = "rise over baseline" if dr.response == "rise" else "level"
    ax.set_xlabel(f"{dr.drug}, free concentration (nM)")
    ax.set_ylabel(f"{dr.cell} {dr.readout} {what}\n(fraction of no drug)")
    stim = ", ".join(f"{k} {v:.3g} nM" for k, v in dr.stimulus.items())
    ax.set_title(f"{dr.drug} on {dr.cell} cells: {dr.readout} at {dr.minutes:g} min after {stim}", fontsize=9)
    ax.legend(fontsize=7, loc="lower left")
    fig.tight_layout()
    return fig


def _heat(ax, M, r: ComboResult, title: str, cmap: str, center: bool, fmt: str = "{:+.3f}") -> None:
    M = np.asarray(M, float)
    finite = M[np.isfinite(M)]
    if center:
        # at least ±0.02 so that numerical noise around 0 stays white rather than saturated
        v = max(float(np.max(np.abs(finite))) if finite.size else 0.0, 0.02)
        im = ax.imshow(M, origin="lower", cmap=cmap, vmin=-v, vmax=v, aspect="auto")
    else:
        im = ax.imshow(M, origin="lower", cmap=cmap, aspect="auto")
    lo, hi = im.get_clim()
    for i in range(M.shape[0]):
        for j in range(M.shape[1]):
            if math.isfinite(M[i, j]):
                x = (M[i, j] - lo) / ((hi - lo) or 1.0)  # dark cells get white text
                dark = abs(2 * x - 1) > 0.6 if center else x < 0.45
                ax.text(j, i, fmt.format(M[i, j]), ha="center", va="center", fontsize=7,
                        color="white" if dark else "black")
    ax.set_xticks(range(len(r.grid_b)), [f"{g:g}" for g in r.grid_b])
    ax.set_yticks(range(len(r.grid_a)), [f"{g:g}" for g in r.grid_a])
    ax.set_xlabel(f"× {r.therapies[1]}", fontsize=8)
    ax.set_ylabel(f"× {r.therapies[0]}", fontsize=8)
    ax.set_title(title, fontsize=9)
    ax.figure.colorbar(im, ax=ax, shrink=0.8)


def combo_figure(r: ComboResult) -> Figure:
    """Three heat maps: effect (fractional inhibition), Bliss excess, Loewe excess (HSA in the
    CSV/JSON). Rows: drug A fraction; columns: drug B fraction."""
    fig = Figure(figsize=(15.0, 4.6))
    axes = fig.subplots(1, 3)
    _heat(axes[0], r.effect, r, f"effect = 1 − {r.readout}/untreated", "viridis", False, "{:.2f}")
    _heat(axes[1], r.bliss, r, "Bliss excess (> 0 synergy)", "RdBu_r", True)
    if np.isfinite(r.loewe).any():
        _heat(axes[2], r.loewe, r, "Loewe excess (> 0 synergy)", "RdBu_r", True)
    else:
        axes[2].axis("off")
        axes[2].text(0.5, 0.5, "Loewe not computed:\n" + r.loewe_message[:200], ha="center", va="center",
                     fontsize=8, wrap=True, transform=axes[2].transAxes)
    fig.suptitle(f"{r.system}: {r.readout} at {r.at}", fontsize=10)
    fig.tight_layout()
    return fig


__all__ = ["dose_response_figure", "combo_figure", "tornado_figure"]


def scan_figure(r: ScanResult) -> Figure:
    """One panel per readout: its value at the scan's day against the scanned parameter or
    dose (log x for a log-spaced range, or doses > 0 over ≥ 10×); failed points left out."""
    n = max(1, len(r.readouts))
    ncol = min(3, n)
    nrow = math.ceil(n / ncol)
    fig = Figure(figsize=(4.6 * ncol, 3.6 * nrow + 0.5), layout="constrained")
    axes = np.atleast_1d(fig.subplots(nrow, ncol)).ravel()
    x = np.asarray(r.values, float)
    pos = x[x > 0]
    logx = r.log or (r.kind == "dose" and len(pos) == len(x) and pos.max() / pos.min() >= 10)
    if r.kind == "dose":
        xlabel = f"dose ({r.unit}) in {r.template}" if r.unit else f"dose in {r.template}"
    else:
        xlabel = f"{r.variable} ({r.unit})" if r.unit and r.unit != "dimensionless" else r.variable
    for ax, (j, key) in zip(axes, enumerate(r.readouts)):
        y = r.data[:, j]
        ok = np.isfinite(y)
        ax.plot(x[ok], y[ok], "o-", color="#0072b2", lw=1.6, ms=5)
        if logx:
            ax.set_xscale("log")
        unit = r.units.get(key, "")
        ax.set_title(key, fontsize=10, loc="left")
        ax.set_ylabel(unit if unit and unit != "dimensionless" else key)
        ax.set_xlabel(xlabel, fontsize=8)
        ax.grid(alpha=0.3)
    for ax in axes[len(r.readouts):]:
        ax.axis("off")
    fig.suptitle(f"{r.scenario}: readouts at day {r.day:g} against "
                 + ("the dose" if r.kind == "dose" else r.variable), fontsize=11)
    return fig


def tornado_figure(doc: dict, readout: str, top: int = 15) -> Figure:
    """A tornado chart of one readout of a sensitivity run (``indices.json``'s content): the
    ``top`` parameters by Sobol' total order (bars, with first order inside; whiskers the
    95 % CIs) or Morris mu* (bars with its CI; sigma as a diamond), largest at the top,
    each labelled with its evidence kind."""
    res = doc["readouts"][readout]
    method = doc["method"]
    names = res.get("ranking", [])[:top][::-1]
    pars = res.get("parameters", {})
    evid = {k: v.get("evidence", "") for k, v in doc.get("parameters", {}).items()}
    colors = {"assumed": "#d55e00", "literature range": "#e69f00", "measured": "#0072b2"}
    fig = Figure(figsize=(9.6, 0.34 * max(len(names), 3) + 1.6), layout="constrained")
    ax = fig.add_subplot()
    y = np.arange(len(names))
    if method == "sobol":
        st = [pars[nm]["ST"] or 0.0 for nm in names]
        st_c = [pars[nm]["ST_conf"] or 0.0 for nm in names]
        s1 = [pars[nm]["S1"] or 0.0 for nm in names]
        s1_c = [pars[nm]["S1_conf"] or 0.0 for nm in names]
        ax.barh(y + 0.19, st, xerr=st_c, color=[colors.get(evid.get(nm), "#999999") for nm in names],
                height=0.38, error_kw={"lw": 0.8, "capsize": 2}, label="total order ST (upper bar)")
        ax.barh(y - 0.19, s1, xerr=s1_c, color=[colors.get(evid.get(nm), "#999999") for nm in names], alpha=0.4,
                height=0.38, hatch="///", error_kw={"lw": 0.8, "capsize": 2}, label="first order S1 (lower bar)")
        ax.axvline(0.0, color="#666666", lw=0.6)
        ax.set_xlabel("Sobol' index (share of the variance; whiskers 95 % CI)")
    else:
        mu = [pars[nm]["mu_star"] or 0.0 for nm in names]
        mu_c = [pars[nm]["mu_star_conf"] or 0.0 for nm in names]
        sg = [pars[nm]["sigma"] or 0.0 for nm in names]
        ax.barh(y, mu, xerr=mu_c, color=[colors.get(evid.get(nm), "#999999") for nm in names], height=0.7,
                error_kw={"lw": 0.8, "capsize": 2}, label="mu* (mean |elementary effect|)")
        ax.plot(sg, y, "D", color="#333333", ms=4, label="sigma (interactions, non-linearity)")
        scale = "log10 " if doc.get("scale") == "log" else ""
        ax.set_xlabel(f"Morris mu* (change of {scale}{readout} over the parameter's range; whiskers 95 % CI)")
    ax.set_yticks(y, [f"{nm}  ({evid.get(nm, '')})" for nm in names], fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    from matplotlib.patches import Patch

    handles, _ = ax.get_legend_handles_labels()
    handles += [Patch(color=c, label=k) for k, c in colors.items()]
    fig.legend(handles=handles, fontsize=7, loc="outside right upper")
    left = res.get("blocks_left_out", 0)
    ax.set_title(f"{doc['scenario']}: {readout} at day {doc['day']:g} ({doc.get('scale', 'log')} scale), "
                 f"{method}, n {doc['n']}" + (f"; {left} blocks left out" if left else ""), fontsize=9, loc="left")
    return fig
