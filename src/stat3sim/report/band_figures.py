"""Figures of the prediction bands of ``stat3sim run --bands`` (:mod:`stat3sim.analysis.bands`).

Inputs: the nominal runs (arm -> frame, as the other figures), the band table
(``bands.csv``: arm, readout, time_days, q<low>, q50, q<high>, members), the effects (one
dict per arm and readout) and the number of members and levels. Every band is drawn as a
shaded area between its low and high quantiles around the nominal time course (a line),
and every legend says what the shading is: "5–95 % band over N draws of the calibrated
parameters". Figures are :class:`matplotlib.figure.Figure` objects (no pyplot).
"""
from __future__ import annotations

import math
from typing import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from . import tme_figures as tf
from .therapy_figures import PANELS
from .therapy_figures import styles as therapy_styles  # noqa: F401 (more arms than tme_figures has colours)

#: colours of the treated arms in :func:`therapy_bands_figure` (tab10 without its grey, which
#: is the reference's band there)
_TREATED_COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#bcbd22",
                   "#17becf", "#393b79", "#637939")
#: the readouts of the band figures (the therapy table's, with units and log axes)
BAND_PANELS = PANELS


def _plain(v: float, _pos=None) -> str:
    if not (v > 0 and math.isfinite(v)):
        return ""
    if v >= 1e6:
        return tf._plain(v)
    return f"{v:,.0f}" if v >= 1000 else f"{v:.3g}"


def _ticks(axis, lo: float, hi: float) -> None:
    """Plain-number ticks on a log axis from ``lo`` to ``hi``: evenly spaced ones within
    less than a decade, 1-2-5 over up to 2.6 decades, powers of ten beyond."""
    from matplotlib import ticker

    if not (lo > 0 and hi > lo):
        return
    decades = math.log10(hi / lo)
    if decades < 0.7:
        vals = [v for v in ticker.MaxNLocator(5).tick_values(lo, hi) if lo <= v <= hi and v > 0]
        axis.set_major_locator(ticker.FixedLocator(vals))
    else:
        subs = (1.0, 2.0, 5.0) if decades <= 2.6 else (1.0,)
        axis.set_major_locator(ticker.LogLocator(base=10, subs=subs, numticks=12))
    axis.set_major_formatter(ticker.FuncFormatter(_plain))
    axis.set_minor_locator(ticker.LogLocator(base=10, subs="auto", numticks=12))
    axis.set_minor_formatter(ticker.NullFormatter())


def band_label(levels: tuple[float, float], members: int) -> str:
    """``5–95 % band over 32 draws of the calibrated parameters``."""
    return f"{levels[0]:g}–{levels[1]:g} % band over {members} draws of the calibrated parameters"


def _q(levels) -> tuple[str, str]:
    from ..analysis.bands import qname

    return qname(levels[0]), qname(levels[1])


def _band(table: pd.DataFrame, arm: str, readout: str) -> pd.DataFrame | None:
    sub = table[(table["arm"] == arm) & (table["readout"] == readout)]
    return sub if len(sub) else None


#: on a log axis, values more than this many decades below the panel's largest nominal value
#: are not drawn: numerical zeros (a knocked-out gene's pSTAT3, IL-6 without any source)
#: would otherwise stretch the axis over 20 decades
LOG_SPAN_DECADES = 6


def _floor(nominal: Mapping[str, pd.DataFrame], names, col: str) -> float:
    top = max((float(np.nanmax(y)) for n in names if (y := tf._values(nominal[n], col, positive=True)) is not None),
              default=math.nan)
    return top * 10.0 ** -LOG_SPAN_DECADES if math.isfinite(top) else -math.inf


def _shade(ax, sub: pd.DataFrame, levels, log: bool, color: str, alpha: float = 0.22,
           floor: float = -math.inf) -> bool:
    lo_c, hi_c = _q(levels)
    t = sub["time_days"].to_numpy(float)
    lo, hi = sub[lo_c].to_numpy(float), sub[hi_c].to_numpy(float)
    if log:
        keep = hi >= max(floor, 0.0) if math.isfinite(floor) else hi > 0
        lo = np.where(keep, np.maximum(lo, floor if math.isfinite(floor) else 0.0), np.nan)
        hi = np.where(keep, hi, np.nan)
        lo = np.where(lo > 0, lo, np.nan)
    if not (np.isfinite(lo).any() and np.isfinite(hi).any()):
        return False
    ax.fill_between(t, lo, hi, color=color, alpha=alpha, linewidth=0)
    return True


def _panel_axes(n: int, ncol: int, height: float) -> tuple[Figure, list]:
    nrow = math.ceil(n / ncol)
    fig = Figure(figsize=(5.0 * ncol, height * nrow + 0.9), layout="constrained")
    axes = list(np.atleast_1d(fig.subplots(nrow, ncol)).ravel())
    for ax in axes[n:]:
        ax.axis("off")
    return fig, axes


def arms_bands_figure(nominal: Mapping[str, pd.DataFrame], table: pd.DataFrame, levels: tuple[float, float],
                      members: int, title: str | None = None) -> Figure:
    """Small multiples of the :data:`BAND_PANELS` readouts against days: each arm's nominal
    time course (line, the arms' usual styles) and its band (shaded, the line's colour)."""
    ok = tf.usable_arms(nominal)
    names = [n for n in ok if n in set(table["arm"])]
    st = tf.arm_styles(names) if len(names) <= 9 else therapy_styles(names)
    panels = [(c, spec) for c, spec in BAND_PANELS.items() if any(c in ok[n].columns for n in names)]
    fig, axes = _panel_axes(max(1, len(panels)), min(4, max(1, len(panels))), 3.6)
    for ax, (col, (name, unit, log)) in zip(axes, panels):
        floor = _floor(ok, names, col) if log else -math.inf
        for arm in names:
            sub = _band(table, arm, col)
            if sub is not None:
                _shade(ax, sub, levels, log, st[arm]["color"], 0.25 if arm == names[0] else 0.18, floor)
            y = tf._values(ok[arm], col, positive=log)
            if y is not None:
                ax.plot(tf._time(ok[arm]), np.where(y >= floor, y, np.nan), label=arm, **st[arm])
        ax.set_title(name, fontsize=11, loc="left")
        ax.set_ylabel(unit)
        tf._days_axis(ax, [tf._time(ok[a]) for a in names])
        if log and ax.has_data():
            tf._log_axis(ax)
            _ticks(ax.yaxis, *ax.get_ylim())
    handles, labels = axes[0].get_legend_handles_labels()
    handles.append(Patch(facecolor="0.55", alpha=0.35, label=band_label(levels, members)))
    labels.append(band_label(levels, members))
    fig.legend(handles, labels, loc="outside lower center", ncol=min(4, len(labels)), fontsize=9, frameon=False)
    if title:
        fig.suptitle(title, fontsize=13)
    return fig


def therapy_bands_figure(nominal: Mapping[str, pd.DataFrame], table: pd.DataFrame, levels: tuple[float, float],
                         members: int, readout: str = "tumor_volume_mm3") -> Figure:
    """One panel per treated arm: its nominal ``readout`` and band (colour) over the untreated
    reference's (black line, grey band), on shared axes."""
    ok = tf.usable_arms(nominal)
    names = [n for n in ok if n in set(table["arm"])]
    name, unit, log = BAND_PANELS.get(readout, (readout, tf.unit_of(readout), True))
    if len(names) < 2:
        fig = Figure(figsize=(8, 3), layout="constrained")
        tf._empty(fig.add_subplot(), "treated arm with a band")
        return fig
    ref, treated = names[0], names[1:]
    st = {n: {"color": _TREATED_COLORS[i % len(_TREATED_COLORS)]} for i, n in enumerate(treated)}
    ncol = min(4, len(treated))
    fig, axes = _panel_axes(len(treated), ncol, 3.1)
    ymin, ymax = math.inf, -math.inf
    for ax, arm in zip(axes, treated):
        for who, color, lw, alpha in ((ref, "0.25", 1.6, 0.2), (arm, st[arm]["color"], 2.0, 0.28)):
            sub = _band(table, who, readout)
            if sub is not None:
                _shade(ax, sub, levels, log, color, alpha)
                lo_c, hi_c = _q(levels)
                vals = sub[[lo_c, hi_c]].to_numpy(float)
                vals = vals[np.isfinite(vals) & ((vals > 0) if log else True)]
                if vals.size:
                    ymin, ymax = min(ymin, vals.min()), max(ymax, vals.max())
            y = tf._values(ok[who], readout, positive=log)
            if y is not None:
                ax.plot(tf._time(ok[who]), y, color="black" if who == ref else color, lw=lw,
                        ls="-" if who == arm or who == ref else "--", label=who)
                fin = y[np.isfinite(y)]
                if fin.size:
                    ymin, ymax = min(ymin, fin.min()), max(ymax, fin.max())
        ax.set_title(arm, fontsize=10, loc="left")
        ax.set_ylabel(f"{name} ({unit})", fontsize=8)
        tf._days_axis(ax, [tf._time(ok[arm])])
        if log:
            tf._log_axis(ax)
    if math.isfinite(ymin) and math.isfinite(ymax) and ymax > ymin:
        for ax in axes[:len(treated)]:
            ax.set_ylim(ymin * (0.95 if log else 1.0), ymax * (1.05 if log else 1.0))
            if log:
                _ticks(ax.yaxis, *ax.get_ylim())
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color="black", lw=1.6, label=f"{ref}, nominal run"),
               Patch(facecolor="0.25", alpha=0.3, label=f"{ref}, {band_label(levels, members)}"),
               Line2D([], [], color="#1f77b4", lw=2.0, label="the panel's arm, nominal run (its colour)"),
               Patch(facecolor="#1f77b4", alpha=0.35, label="the panel's arm, its band (same draws)")]
    fig.legend(handles=handles, loc="outside lower center", ncol=2, fontsize=9, frameon=False)
    return fig


#: the smallest ratio the effects figure draws; smaller ones (a knock-out's ~0 readout) sit
#: at its left edge as ◂
RATIO_FLOOR = 1e-3


def effects_figure(effects: Sequence[Mapping], levels: tuple[float, float], members: int,
                   readouts: Sequence[str] | None = None) -> Figure:
    """A forest plot per readout: each arm's day-end value over its reference's (nominal run:
    dot; the members' band: bar), on a log axis with 1 (no effect) marked."""
    lo_c, hi_c = _q(levels)
    rows = [e for e in effects if e.get("members")]
    cols = [c for c in (readouts or BAND_PANELS) if any(e["readout"] == c for e in rows)]
    if not cols:
        fig = Figure(figsize=(8, 3), layout="constrained")
        tf._empty(fig.add_subplot(), "arm effect with a band")
        return fig
    arms = list(dict.fromkeys(e["arm"] for e in rows))
    ncol = min(4, len(cols))
    nrow = math.ceil(len(cols) / ncol)
    fig = Figure(figsize=(4.3 * ncol, 0.32 * len(arms) * nrow + 1.6 * nrow + 0.8), layout="constrained")
    axes = list(np.atleast_1d(fig.subplots(nrow, ncol, sharey=True)).ravel())
    for ax in axes[len(cols):]:
        ax.axis("off")
    ypos = {a: len(arms) - 1 - i for i, a in enumerate(arms)}
    below = False
    for ax, col in zip(axes, cols):
        name, unit, _ = BAND_PANELS.get(col, (col, "", True))
        for e in (e for e in rows if e["readout"] == col):
            y = ypos[e["arm"]]
            lo, hi, nom = e[lo_c], e[hi_c], e.get("nominal")
            # a readout that is ~0 in the arm (nominal below the floor: a knock-out's index of
            # ~0 over ~0 STAT3) has members that are that noise too: no band for it
            if lo is not None and hi is not None and hi >= RATIO_FLOOR and (nom is None or nom >= RATIO_FLOOR):
                ax.plot([max(lo, RATIO_FLOOR), hi], [y, y], color="#1f77b4", lw=4, alpha=0.45,
                        solid_capstyle="butt")
            if nom is not None and nom >= RATIO_FLOOR:
                ax.plot([nom], [y], "o", color="black", ms=4)
            elif nom is not None:
                ax.plot([RATIO_FLOOR], [y], "<", color="black", ms=6)
                below = True
        ax.axvline(1.0, color="0.5", lw=1, ls=":")
        ax.set_xscale("log")
        lo_x, hi_x = ax.get_xlim()
        _ticks(ax.xaxis, lo_x, hi_x)
        ax.set_title(f"{name}", fontsize=10, loc="left")
        ax.set_xlabel("day-end value ÷ reference's (×)", fontsize=8)
        ax.grid(alpha=0.3, axis="x")
        ax.set_yticks(list(ypos.values()), list(ypos.keys()), fontsize=8)
        ax.set_ylim(-0.7, len(arms) - 0.3)
    from matplotlib.lines import Line2D

    handles = [Patch(facecolor="#1f77b4", alpha=0.45, label=band_label(levels, members)),
               Line2D([], [], ls="", marker="o", color="black", ms=4, label="nominal run")]
    if below:
        handles.append(Line2D([], [], ls="", marker="<", color="black", ms=6,
                              label=f"nominal below {RATIO_FLOOR:g} (the readout is ~0 in the arm)"))
    fig.legend(handles=handles, loc="outside lower center", ncol=3, fontsize=9, frameon=False)
    return fig


__all__ = ["BAND_PANELS", "arms_bands_figure", "band_label", "effects_figure", "therapy_bands_figure"]
