"""Figures of the tumor-microenvironment (TME) layer, from plain DataFrames.

Every function takes ``arms``: an ordered mapping arm name -> DataFrame with a
``time_days`` column (daily rows) and observable columns with stable ids
(``tumor_volume_mm3``, ``macrophage.pSTAT3``, ``serum_IL6_pg_mL``, ...). The first arm
is the reference. Columns that are missing are skipped quietly (a panel with nothing to
draw says so); extra columns are ignored; an arm that is ``None`` or empty is left out.

Panel functions take an ``Axes`` (or make a figure of their own when ``ax`` is None)
and return it, like SALib's plotting functions; :func:`main_figure` returns a
:class:`~matplotlib.figure.Figure`. As in :mod:`stat3sim.report.figures`, figures are
built with :class:`matplotlib.figure.Figure` directly (no pyplot, no global backend
state), so they render headless (Agg canvas) and do not disturb a notebook's backend.

Units: ``observables`` (id -> (unit, description)), when given, supplies the units in
axis labels; otherwise the units of the data contract (:data:`DEFAULT_UNITS`) are used.
"""
from __future__ import annotations

import math
import textwrap
from typing import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib import ticker
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.transforms import blended_transform_factory

#: cell types with a ``<cell>.pSTAT3`` readout, in plotting order, with display names
CELL_TYPES: dict[str, str] = {
    "tumor": "tumor cells", "adipocyte": "adipocytes", "macrophage": "macrophages",
    "neutrophil": "neutrophils", "mdsc": "MDSC", "dc": "dendritic cells",
    "cd8": "CD8⁺ T cells", "cd4": "CD4⁺ T cells", "caf": "CAFs",
}
_CELL_COLORS = dict(zip(CELL_TYPES, ("#000000", "#e69f00", "#d55e00", "#56b4e9", "#cc79a7",
                                     "#009e73", "#0072b2", "#999999", "#8c510a")))
_CELL_STYLES = dict(zip(CELL_TYPES, ("-", "-", "-", "--", "--", "-.", "-", "-.", ":")))

#: immune-cell counts of the composition panel: column -> display name
COUNTS: dict[str, str] = {"macrophage_count": "macrophages", "MDSC_count": "MDSC",
                          "neutrophil_count": "neutrophils", "CD8_count": "CD8⁺ T cells",
                          "CD4_count": "CD4⁺ T cells"}
#: fractions of the composition panel: column -> display name
FRACTIONS: dict[str, str] = {"M2_fraction": "M2 / all macrophages",
                             "CD8_exhausted_fraction": "exhausted / all CD8⁺",
                             "Th17_fraction": "Th17 / all CD4⁺",
                             "DC_mature_fraction": "mature / all DC"}
#: serum cytokines: column -> display name
SERUM: dict[str, str] = {"serum_IL6_pg_mL": "IL-6", "serum_IL11_pg_mL": "IL-11", "serum_TNFa_pg_mL": "TNFα"}
_SERUM_COLORS = dict(zip(SERUM, ("#d55e00", "#0072b2", "#009e73")))
#: readouts of :func:`arm_summary`: column -> display name
SUMMARY: dict[str, str] = {"tumor_volume_mm3": "tumor volume", "CD8_count": "CD8⁺ T cells",
                           "MDSC_count": "MDSC"}
_SUMMARY_COLORS = dict(zip(SUMMARY, ("#444444", "#0072b2", "#cc79a7")))
#: tumor-cell phenotype readouts of :func:`tumor_phenotype`: column -> panel title
PHENOTYPE: dict[str, str] = {"tumor.pSTAT3": "tumor pSTAT3 index", "tumor.EMT_index": "EMT index",
                             "tumor.invasion": "invasion", "tumor.PDL1": "PD-L1"}

#: units of the data contract, used when no ``observables`` mapping is given
DEFAULT_UNITS: dict[str, str] = {
    "tumor_volume_mm3": "mm³", "tumor_diameter_mm": "mm", "tumor_cells": "cells",
    "tumor.EMT_index": "0–1", "tumor.invasion": "au", "tumor.PDL1": "au",
    **{c: "cells" for c in COUNTS}, "adipocyte_count": "cells",
    **{c: "fraction" for c in FRACTIONS},
    **{c: "pg/mL" for c in SERUM},
    "tumor_IL6_pg_mL": "pg/mL", "tumor_IL11_pg_mL": "pg/mL", "tumor_TNFa_pg_mL": "pg/mL",
    "macrophage.COX2": "au", "PGE2_nM": "nM",
    **{f"{c}.pSTAT3": "nuclear pY705 / total STAT3" for c in CELL_TYPES},
    "mets_bone": "cells", "mets_lung": "cells", "mets_liver": "cells", "metastatic_burden": "cells",
    "lesions_bone": "lesions", "lesions_lung": "lesions", "lesions_liver": "lesions",
    "metastatic_sites": "organs, 0–3", "bone_osteoclast_count": "cells", "bone_osteoblast_count": "cells",
    "bone_mass_pct": "% of normal", "bone_RANKL_OPG_ratio": "ratio", "bone_IL11_pg_mL": "pg/mL",
    "tumor.CXCR4": "au",
}

#: metastatic cells per organ of :func:`metastatic_burden`: column -> organ
METASTASES: dict[str, str] = {"mets_bone": "bone", "mets_lung": "lung", "mets_liver": "liver"}
#: lesion counts per organ: column -> organ
LESIONS: dict[str, str] = {"lesions_bone": "bone", "lesions_lung": "lung", "lesions_liver": "liver"}
#: panels of :func:`bone_cycle`, in the order of the vicious cycle: column -> (title, y label,
#: log y, divisor of the values)
BONE_CYCLE: dict[str, tuple[str, str, bool, float]] = {
    "bone_IL11_pg_mL": ("(a) IL-11 in the bone niche", "bone-niche IL-11 (pg/mL, log scale)", True, 1.0),
    "bone_RANKL_OPG_ratio": ("(b) RANKL / OPG", "RANKL / OPG (molar ratio, log scale)", True, 1.0),
    "bone_osteoclast_count": ("(c) active osteoclasts", "osteoclasts (10⁶ cells)", False, 1e6),
    "bone_osteoblast_count": ("(d) active osteoblasts", "osteoblasts (10⁶ cells)", False, 1e6),
    "bone_mass_pct": ("(e) bone mass", "bone mass (% of normal)", False, 1.0),
}
#: every metastasis readout (a report has a metastasis part when an arm has any of them)
METASTASIS_COLUMNS: tuple[str, ...] = (
    *METASTASES, *LESIONS, "metastatic_burden", "metastatic_sites", "bone_osteoclast_count",
    "bone_osteoblast_count", "bone_mass_pct", "bone_RANKL_OPG_ratio", "bone_IL11_pg_mL",
)

PSTAT3_LABEL = "pSTAT3 index (nuclear pY705 / total STAT3)"
TIME_LABEL = "time (days)"
_REFERENCE_COLOR = "#000000"
_ARM_COLORS = ("#d55e00", "#0072b2", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#999999", "#882255")
_ARM_STYLES = ("--", "-", "-.", ":", "--", "-", "-.", ":")


# ------------------------------------------------------------------- helpers
def usable_arms(arms: Mapping[str, pd.DataFrame | None]) -> dict[str, pd.DataFrame]:
    """The arms that have rows to plot, in their original order."""
    return {name: df for name, df in arms.items() if df is not None and len(df) > 0}


def _reference(arms: Mapping[str, pd.DataFrame | None]) -> tuple[str, pd.DataFrame] | None:
    ok = usable_arms(arms)
    return next(iter(ok.items()), None)


def _one_arm(arms: Mapping[str, pd.DataFrame | None], arm: str | None, ax: Axes,
             title: str) -> tuple[str, pd.DataFrame] | None:
    """The arm a single-arm panel draws (``arm`` if usable, else the reference), with the
    panel titled after it; None when no arm is usable."""
    ok = usable_arms(arms)
    ref = (arm, ok[arm]) if arm in ok else _reference(ok)
    ax.set_title(title + (f" ({ref[0]})" if ref else ""), fontsize=11)
    return ref


def arm_styles(names: Sequence[str]) -> dict[str, dict]:
    """Line colour and style per arm: the reference (first) arm solid black, the others
    colour-blind-safe colours, so that an arm looks the same in every figure."""
    out = {}
    for i, name in enumerate(names):
        if i == 0:
            out[name] = {"color": _REFERENCE_COLOR, "ls": "-", "lw": 2.4}
        else:
            out[name] = {"color": _ARM_COLORS[(i - 1) % len(_ARM_COLORS)],
                         "ls": _ARM_STYLES[(i - 1) % len(_ARM_STYLES)], "lw": 1.9}
    return out


def _time(df: pd.DataFrame) -> np.ndarray:
    if "time_days" in df.columns:
        return np.asarray(df["time_days"], dtype=float)
    return np.arange(len(df), dtype=float)


def _values(df: pd.DataFrame, col: str, positive: bool = False) -> np.ndarray | None:
    """The column as floats (non-positive values masked when ``positive``), or None when
    it is missing or has nothing finite to draw."""
    if col not in df.columns:
        return None
    y = pd.to_numeric(df[col], errors="coerce").to_numpy(dtype=float)
    if positive:
        y = np.where(y > 0, y, np.nan)
    return y if np.isfinite(y).any() else None


def unit_of(col: str, observables: Mapping[str, tuple[str, str]] | None = None) -> str:
    """Unit of an observable: from ``observables`` when it has one, else the default."""
    if observables and col in observables and observables[col][0]:
        return str(observables[col][0])
    return DEFAULT_UNITS.get(col, "au")


def _new_ax(figsize: tuple[float, float]) -> Axes:
    fig = Figure(figsize=figsize, layout="constrained")
    return fig.add_subplot()


def _empty(ax: Axes, what: str) -> Axes:
    ax.text(0.5, 0.5, f"no {what} in these results", transform=ax.transAxes, ha="center", va="center",
            color="0.4", fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])
    return ax


def _days_axis(ax: Axes, times: Sequence[np.ndarray]) -> None:
    ax.set_xlabel(TIME_LABEL)
    hi = max((float(np.nanmax(t)) for t in times if len(t)), default=0.0)
    lo = min((float(np.nanmin(t)) for t in times if len(t)), default=0.0)
    if hi > lo:
        ax.set_xlim(lo, hi)
    ax.grid(alpha=0.3)


def _log_axis(ax: Axes) -> None:
    ax.set_yscale("log", nonpositive="mask")


def _plain(v: float, _pos=None) -> str:
    """A log-axis tick as a plain number (20, 500, 10,000, 0.05); powers of ten
    beyond 10⁶ or below 10⁻³ in exponent form."""
    if v <= 0 or not math.isfinite(v):
        return ""
    if 1 <= v < 1e6:
        return f"{v:,.0f}"
    if 1e-3 <= v < 1:
        return f"{v:g}"
    e = math.floor(math.log10(v) + 1e-9)
    m = v / 10 ** e
    return f"$10^{{{e}}}$" if abs(m - 1) < 1e-6 else f"${m:g}\\times10^{{{e}}}$"


def _log_ticks(ax: Axes) -> None:
    """Readable ticks on a log y axis: 1-2-5 steps labelled with plain numbers when
    the axis spans few decades, powers of ten otherwise."""
    lo, hi = ax.get_ylim()
    if not (lo > 0 and hi > lo):
        return
    decades = math.log10(hi / lo)
    subs = (1.0, 2.0, 5.0) if decades <= 3.5 else (1.0,)
    ax.yaxis.set_major_locator(ticker.LogLocator(base=10, subs=subs))
    ax.yaxis.set_major_formatter(ticker.FuncFormatter(_plain))
    ax.yaxis.set_minor_formatter(ticker.NullFormatter())


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


# ------------------------------------------------------------------- panels
def signaling_by_cell(arms: Mapping[str, pd.DataFrame], ax: Axes | None = None, *,
                      arm: str | None = None) -> Axes:
    """``<cell>.pSTAT3`` against days for every cell type of one arm (the reference arm
    unless ``arm`` names another), one line per cell type. Cell types whose curves are the
    same (leukocytes that share the signaling parameters) share one line, labelled with
    all their names, so that no line hides another."""
    ax = ax if ax is not None else _new_ax((12, 5.2))
    ref = _one_arm(arms, arm, ax, "STAT3 activity per cell type")
    if ref is None:
        return _empty(ax, "arms")
    name, df = ref
    t = _time(df)
    groups: list[tuple[str, np.ndarray, list[str]]] = []
    for cell, label in CELL_TYPES.items():
        y = _values(df, f"{cell}.pSTAT3")
        if y is None:
            continue
        same = next((g for g in groups if np.allclose(g[1], y, rtol=1e-9, atol=0.0)), None)
        if same is None:
            groups.append((cell, y, [label]))
        else:
            same[2].append(label)
    for cell, y, labels in groups:
        label = labels[0] if len(labels) == 1 else " = ".join(labels) + " (identical)"
        ax.plot(t, y, color=_CELL_COLORS[cell], ls=_CELL_STYLES[cell], lw=1.9, label=_wrap(label, 60))
    drawn = len(groups)
    if not drawn:
        return _empty(ax, "pSTAT3 readouts")
    _days_axis(ax, [t])
    ax.set_ylabel(PSTAT3_LABEL)
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8, frameon=False, ncol=2 if drawn > 4 else 1, loc="best")
    return ax


def composition_counts(arms: Mapping[str, pd.DataFrame], ax: Axes | None = None, *,
                       arm: str | None = None,
                       observables: Mapping[str, tuple[str, str]] | None = None) -> Axes:
    """Immune-cell counts (macrophages, MDSC, neutrophils, CD8⁺, CD4⁺) against days, log y."""
    ax = ax if ax is not None else _new_ax((8, 5))
    ref = _one_arm(arms, arm, ax, "Immune cells in the tumor")
    if ref is None:
        return _empty(ax, "arms")
    _, df = ref
    t = _time(df)
    units = []
    for i, (col, label) in enumerate(COUNTS.items()):
        y = _values(df, col, positive=True)
        if y is None:
            continue
        ax.plot(t, y, lw=1.9, label=label, color=_CELL_COLORS[("macrophage", "mdsc", "neutrophil", "cd8", "cd4")[i]],
                ls=("-", "--", "--", "-", "-.")[i])
        units.append(unit_of(col, observables))
    if not units:
        return _empty(ax, "cell counts")
    _log_axis(ax)
    _days_axis(ax, [t])
    _log_ticks(ax)
    ax.set_ylabel(f"cell count ({' / '.join(dict.fromkeys(units))}, log scale)")
    ax.legend(fontsize=8, frameon=False, loc="best")
    return ax


def composition_fractions(arms: Mapping[str, pd.DataFrame], ax: Axes | None = None, *,
                          arm: str | None = None) -> Axes:
    """Phenotype fractions (M2, exhausted CD8⁺, Th17, mature DC) against days, 0–1."""
    ax = ax if ax is not None else _new_ax((8, 5))
    ref = _one_arm(arms, arm, ax, "Phenotype fractions")
    if ref is None:
        return _empty(ax, "arms")
    _, df = ref
    t = _time(df)
    drawn = 0
    colors = (_CELL_COLORS["macrophage"], _CELL_COLORS["cd8"], _CELL_COLORS["cd4"], _CELL_COLORS["dc"])
    for (col, label), color in zip(FRACTIONS.items(), colors):
        y = _values(df, col)
        if y is None:
            continue
        ax.plot(t, y, lw=1.9, color=color, label=label)
        drawn += 1
    if not drawn:
        return _empty(ax, "fractions")
    _days_axis(ax, [t])
    ax.set_ylim(0, 1.02)
    ax.set_ylabel("fraction of the parent population (0–1)")
    ax.legend(fontsize=8, frameon=False, loc="best")
    return ax


def composition(arms: Mapping[str, pd.DataFrame], ax: Axes | None = None, ax_fractions: Axes | None = None,
                *, arm: str | None = None,
                observables: Mapping[str, tuple[str, str]] | None = None) -> tuple[Axes, Axes | None]:
    """TME composition of one arm (the reference unless ``arm`` names another):
    immune-cell counts on a log y axis in ``ax``, and phenotype fractions in
    ``ax_fractions``.

    With neither axes given, a figure with both panels side by side is made; with only
    ``ax`` given, only the counts are drawn (the fractions panel is then None).
    Returns ``(ax, ax_fractions)``.
    """
    if ax is None and ax_fractions is None:
        fig = Figure(figsize=(14, 5), layout="constrained")
        ax, ax_fractions = fig.subplots(1, 2)
    if ax is not None:
        composition_counts(arms, ax, arm=arm, observables=observables)
    if ax_fractions is not None:
        composition_fractions(arms, ax_fractions, arm=arm)
    return ax, ax_fractions


def tumor_growth(arms: Mapping[str, pd.DataFrame], ax: Axes | None = None, *, log: bool = True,
                 observables: Mapping[str, tuple[str, str]] | None = None) -> Axes:
    """``tumor_volume_mm3`` against days, one line per arm (legend: arm names); log y
    axis unless ``log=False`` (the y label says which)."""
    ax = ax if ax is not None else _new_ax((12, 5.2))
    ax.set_title("Tumor growth per arm", fontsize=11)
    ok = usable_arms(arms)
    styles = arm_styles(list(ok))
    times = []
    for name, df in ok.items():
        y = _values(df, "tumor_volume_mm3", positive=log)
        if y is None:
            continue
        t = _time(df)
        ax.plot(t, y, label=name, **styles[name])
        times.append(t)
    if not times:
        return _empty(ax, "tumor volume" if ok else "arms")
    if log:
        _log_axis(ax)
    _days_axis(ax, times)
    if log:
        _log_ticks(ax)
    ax.set_ylabel(f"tumor volume ({unit_of('tumor_volume_mm3', observables)}, {'log' if log else 'linear'} scale)")
    ax.legend(fontsize=8, frameon=False, loc="upper left")
    return ax


def serum_cytokines(arms: Mapping[str, pd.DataFrame], serum_ranges: Mapping[str, tuple[float, float, str]] | None = None,
                    ax: Axes | None = None, *, arm: str | None = None,
                    observables: Mapping[str, tuple[str, str]] | None = None) -> Axes:
    """Serum IL-6, IL-11 and TNFα of one arm (the reference unless ``arm`` names
    another) against days on a log y axis.

    Each literature range of ``serum_ranges`` (id -> (low, high, source)) is a shaded
    band in the cytokine's colour, drawn as a strip just right of the last day (so that
    the three ranges do not overlap each other or hide the lines, and sit next to the
    day-end values they are compared with); the legend gives the range and a short
    form of its source.
    """
    ax = ax if ax is not None else _new_ax((12, 5.2))
    serum_ranges = serum_ranges or {}
    ref = _one_arm(arms, arm, ax, "Serum cytokines")
    if ref is None:
        return _empty(ax, "arms")
    _, df = ref
    t = _time(df)
    units, bands = [], []
    for col, label in SERUM.items():
        y = _values(df, col, positive=True)
        if y is None:
            continue
        ax.plot(t, y, color=_SERUM_COLORS[col], lw=2.0, label=f"{label}, model")
        units.append(unit_of(col, observables))
        rng = serum_ranges.get(col)
        if rng is not None and rng[0] is not None and rng[1] is not None and float(rng[1]) > 0:
            lo, hi = float(rng[0]), float(rng[1])
            bands.append((col, label, lo, hi, str(rng[2])))
    if not units:
        return _empty(ax, "serum cytokines")
    _log_axis(ax)
    _days_axis(ax, [t])
    if bands:  # the y range must hold the bands too
        lo, hi = ax.get_ylim()
        bands = [(c, lab, b_lo if b_lo > 0 else min(lo, b_hi / 100), b_lo, b_hi, src)  # log axis: 0 drawn low
                 for c, lab, b_lo, b_hi, src in bands]
        ax.set_ylim(min(lo, min(b[2] for b in bands) / 1.5), max(hi, max(b[4] for b in bands) * 1.5))
    trans = blended_transform_factory(ax.transAxes, ax.transData)
    width = 0.022
    for i, (col, label, drawn_lo, lo, hi, source) in enumerate(bands):
        ax.add_patch(Rectangle((1.012 + i * (width + 0.006), drawn_lo), width, hi - drawn_lo, transform=trans,
                               clip_on=False,
                               facecolor=_SERUM_COLORS[col], alpha=0.45, edgecolor=_SERUM_COLORS[col], lw=1.0,
                               label=_wrap(f"{label}, literature range {_num(lo)}–{_num(hi)} "
                                           f"{unit_of(col, observables)} "
                                           f"({textwrap.shorten(source, 50, placeholder=' …')})", 44)))
    _log_ticks(ax)
    ax.set_ylabel(f"serum concentration ({' / '.join(dict.fromkeys(units))}, log scale)")
    ax.legend(fontsize=8, frameon=False, loc="upper left",
              bbox_to_anchor=(1.03 + len(bands) * (width + 0.006), 1.0))
    return ax


def _num(x: float) -> str:
    return f"{float(x):.3g}"


def end_values(arms: Mapping[str, pd.DataFrame], columns: Sequence[str]) -> pd.DataFrame:
    """Day-end value of each of ``columns`` per arm (rows: arms; NaN where missing)."""
    rows = {}
    for name, df in usable_arms(arms).items():
        rows[name] = {c: (float(pd.to_numeric(df[c], errors="coerce").iloc[-1]) if c in df.columns else math.nan)
                      for c in columns}
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(columns))


def _fold(v: float, _pos=None) -> str:
    return f"×{v:.3g}" if v > 0 else ""


def arm_summary(arms: Mapping[str, pd.DataFrame], ax: Axes | None = None) -> Axes:
    """Day-end tumor volume, CD8⁺ and MDSC counts of each arm relative to the reference
    (first) arm: grouped bars from 1 on a log y axis, each labelled ×ratio (a ratio
    below 10⁻³ is drawn at 10⁻³; one that cannot be formed is labelled n/a)."""
    ax = ax if ax is not None else _new_ax((12, 5.2))
    ok = usable_arms(arms)
    names = list(ok)
    if not names:
        ax.set_title("Day-end readouts relative to the reference arm", fontsize=11)
        return _empty(ax, "arms")
    ref = names[0]
    ax.set_title(f"Day-end readouts relative to the reference arm ({ref} = ×1)", fontsize=11)
    cols = [c for c in SUMMARY if any(c in ok[n].columns for n in names)]
    others = names[1:]
    if not cols or not others:
        return _empty(ax, "arms to compare" if cols else "summary readouts")
    ends = end_values(ok, cols)
    base = ends.loc[ref, cols]
    ratios = ends.loc[others, cols].div(base.where(base != 0))
    floor = 1e-3
    r_all = ratios.to_numpy(dtype=float)
    r_all = r_all[np.isfinite(r_all)]
    decades = max([math.log10(2.0)] + [abs(math.log10(max(v, floor))) for v in r_all]) * 1.25
    width = 0.8 / len(cols)
    x = np.arange(len(others))
    for j, col in enumerate(cols):
        r = ratios[col].to_numpy(dtype=float)
        shown = np.where(np.isfinite(r), np.clip(r, floor, None), 1.0)
        xs = x - 0.4 + width * (j + 0.5)
        ax.bar(xs, shown - 1.0, bottom=1.0, width=width * 0.9, color=_SUMMARY_COLORS[col], label=SUMMARY[col])
        for xi, ri, si in zip(xs, r, shown):
            text = "n/a" if not np.isfinite(ri) else (f"×{ri:.2g}" if ri >= floor else f"<×{floor:g}")
            up = si >= 1
            ax.annotate(text, (xi, si), xytext=(0, 3 if up else -3), textcoords="offset points",
                        ha="center", va="bottom" if up else "top", fontsize=9)
    ax.axhline(1.0, color="k", lw=1.0)
    ax.set_yscale("log")
    ax.set_ylim(10 ** -decades, 10 ** decades)
    ax.yaxis.set_major_locator(ticker.LogLocator(base=10, subs=(1.0, 2.0, 5.0) if decades < 2.5 else (1.0,)))
    ax.yaxis.set_major_formatter(ticker.FuncFormatter(_fold))
    ax.yaxis.set_minor_formatter(ticker.NullFormatter())
    ax.set_xticks(x, [_wrap(n, 18) for n in others], fontsize=10)
    ax.set_xlim(-0.6, len(others) - 0.4)
    ax.set_ylabel(f"day-end value relative to {ref} (fold, log scale)")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=9, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return ax


def tumor_phenotype(arms: Mapping[str, pd.DataFrame],
                    observables: Mapping[str, tuple[str, str]] | None = None) -> Figure:
    """Tumor-cell readouts (pSTAT3 index, EMT index, invasion, PD-L1) against days, one
    panel per readout and one line per arm."""
    fig = Figure(figsize=(14, 7.5), layout="constrained")
    axes = fig.subplots(2, 2).ravel()
    ok = usable_arms(arms)
    styles = arm_styles(list(ok))
    for ax, (col, title) in zip(axes, PHENOTYPE.items()):
        ax.set_title(title, fontsize=11)
        times = []
        for name, df in ok.items():
            y = _values(df, col)
            if y is None:
                continue
            t = _time(df)
            ax.plot(t, y, label=name, **styles[name])
            times.append(t)
        if not times:
            _empty(ax, title)
            continue
        _days_axis(ax, times)
        ax.set_ylabel(PSTAT3_LABEL if col == "tumor.pSTAT3" else f"{title} ({unit_of(col, observables)})")
    handles, labels = next(((h, l) for h, l in (a.get_legend_handles_labels() for a in axes) if h), ([], []))
    if handles:
        fig.legend(handles, labels, loc="outside upper center", ncol=min(len(labels), 5), fontsize=9, frameon=False)
    return fig


def has_metastasis(arms: Mapping[str, pd.DataFrame]) -> bool:
    """Whether any usable arm has a metastasis readout (:data:`METASTASIS_COLUMNS`)."""
    return any(c in df.columns for df in usable_arms(arms).values() for c in METASTASIS_COLUMNS)


def _axes_list(ax, n: int, figsize: tuple[float, float], shape: tuple[int, int], **kw) -> tuple[Figure, list[Axes]]:
    if ax is None:
        fig = Figure(figsize=figsize, layout="constrained")
        axes = list(np.ravel(fig.subplots(*shape, **kw)))
    else:
        axes = list(np.ravel(ax)) if not isinstance(ax, Axes) else [ax]
        fig = axes[0].figure
    if len(axes) < n:
        raise ValueError(f"need {n} axes, got {len(axes)}")
    return fig, axes


def _arm_legend(fig: Figure, axes: Sequence[Axes]) -> None:
    handles, labels = {}, []
    for a in axes:
        for h, lab in zip(*a.get_legend_handles_labels()):
            if lab not in handles:
                handles[lab] = h
                labels.append(lab)
    if labels:
        fig.legend([handles[lab] for lab in labels], labels, loc="outside upper center",
                   ncol=min(len(labels), 5), fontsize=9, frameon=False)


def metastatic_burden(arms: Mapping[str, pd.DataFrame], ax=None, *, floor: float = 1.0) -> Figure:
    """Metastatic tumor cells per organ against days: small multiples, one panel per
    organ (bone, lung, liver) and one for all organs together (``metastatic_burden``),
    one line per arm in the arm's colour and style, on a shared logarithmic y axis.

    ``ax``: None (a new 1×4 figure) or a sequence of four axes. Zeros and values below
    ``floor`` cells (an empty organ) are not drawn on the log axis. Organs missing
    from every arm get a panel that says so; returns the figure.
    """
    panels = {**{c: f"{organ}" for c, organ in METASTASES.items()}, "metastatic_burden": "all organs"}
    fig, axes = _axes_list(ax, len(panels), (14, 4.6), (1, len(panels)))
    ok = usable_arms(arms)
    styles = arm_styles(list(ok))
    lo, hi = math.inf, 0.0
    drawn_any = []
    for a, (col, title) in zip(axes, panels.items()):
        a.set_title(f"metastatic cells: {title}", fontsize=11)
        times = []
        for name, df in ok.items():
            y = _values(df, col, positive=True)
            if y is not None:
                y = np.where(y >= floor, y, np.nan)
            if y is None or not np.isfinite(y).any():
                continue
            t = _time(df)
            a.plot(t, y, label=name, **styles[name])
            times.append(t)
            lo, hi = min(lo, float(np.nanmin(y))), max(hi, float(np.nanmax(y)))
        if not times:
            _empty(a, f"{title} metastases")
            continue
        drawn_any.append(a)
        _log_axis(a)
        _days_axis(a, times)
    if drawn_any:
        top = 10 ** math.ceil(math.log10(hi) + 0.05)
        bottom = max(floor, 10 ** math.floor(math.log10(lo)))
        for a in drawn_any:
            a.set_ylim(bottom, top)
            a.yaxis.set_major_locator(ticker.LogLocator(base=10, numticks=12))
            a.yaxis.set_major_formatter(ticker.FuncFormatter(_plain) if top / bottom <= 1e4
                                        else ticker.LogFormatterSciNotation())
            a.yaxis.set_minor_formatter(ticker.NullFormatter())
        for i, a in enumerate(drawn_any):  # same y range in every panel
            a.set_ylabel("metastatic tumor cells (cells, log scale)" if i == 0 else "cells (log scale)")
        if ax is None:
            _arm_legend(fig, axes)
    return fig


def bone_cycle(arms: Mapping[str, pd.DataFrame], ax=None) -> Figure:
    """The bone vicious cycle against days, one panel per step and one line per arm:
    (a) IL-11 in the bone niche (metastatic cells' IL-11 above serum), (b) RANKL/OPG
    ratio, (c) active osteoclasts, (d) active osteoblasts, (e) bone mass (% of normal);
    the sixth panel names the loop. (a)–(d) on log y axes (zeros not drawn), (e)
    linear from 0. The reference arm's serum IL-11 is a grey dotted line in (a).

    ``ax``: None (a new 2×3 figure) or a sequence of at least five axes (a sixth one,
    when given, holds the legend and the loop). Returns the figure.
    """
    fig, axes = _axes_list(ax, len(BONE_CYCLE), (14, 8.2), (2, 3))
    ok = usable_arms(arms)
    styles = arm_styles(list(ok))
    for a, (col, (title, ylabel, log, div)) in zip(axes, BONE_CYCLE.items()):
        a.set_title(title, fontsize=11, loc="left")
        times = []
        for name, df in ok.items():
            y = _values(df, col, positive=log)
            if y is None:
                continue
            t = _time(df)
            a.plot(t, y / div, label=name, **styles[name])
            times.append(t)
        if not times:
            _empty(a, title.split(") ", 1)[-1])
            continue
        if col == "bone_IL11_pg_mL":
            ref = _reference(ok)
            s = _values(ref[1], "serum_IL11_pg_mL", positive=True) if ref else None
            if s is not None:
                t = _time(ref[1])
                a.plot(t, s, color="0.45", ls=":", lw=1.4)
                first = np.flatnonzero(np.isfinite(s))[0]
                a.annotate(f"serum IL-11 ({ref[0]})", (t[first], s[first]), xytext=(6, 5),
                           textcoords="offset points", ha="left", va="bottom", fontsize=8, color="0.35")
        _days_axis(a, times)
        if log:
            _log_axis(a)
            lo, hi = a.get_ylim()
            if hi / lo < 4:  # a nearly flat line: give it some room
                mid = math.sqrt(lo * hi)
                a.set_ylim(mid / 2, mid * 2)
            _log_ticks(a)
        elif col == "bone_mass_pct":
            a.set_ylim(0, max(105.0, a.get_ylim()[1]))
            a.axhline(100.0, color="0.6", lw=0.8, ls=":")
        else:
            a.set_ylim(bottom=0)
        a.set_ylabel(ylabel)
    if len(axes) > len(BONE_CYCLE):
        a = axes[len(BONE_CYCLE)]
        a.axis("off")
        handles, labels = next(((h, l) for h, l in (x.get_legend_handles_labels() for x in axes) if h), ([], []))
        if handles:
            a.legend(handles, labels, loc="upper left", fontsize=10, frameon=False, title="arms",
                     title_fontsize=10, alignment="left")
        a.text(0.0, 0.42, "the vicious cycle:\n"
               "bone metastases secrete IL-11 (a)\n"
               "→ osteoblasts: RANKL up, OPG down (b)\n"
               "→ more osteoclasts (c) resorb bone (e)\n"
               "→ matrix TGF-β released\n"
               "→ more IL-11 from the metastases (a)\n"
               "osteoblasts (d) rebuild bone",
               transform=a.transAxes, ha="left", va="top", fontsize=9.5, color="0.2", linespacing=1.5)
    return fig


def main_figure(arms: Mapping[str, pd.DataFrame],
                serum_ranges: Mapping[str, tuple[float, float, str]] | None = None, *,
                observables: Mapping[str, tuple[str, str]] | None = None, title: str | None = None) -> Figure:
    """The 2×2 overview for the README: (a) tumor growth per arm, (b) pSTAT3 per cell
    type, (c) immune-cell counts and (d) serum cytokines with literature ranges (b–d of
    the reference arm)."""
    fig = Figure(figsize=(14, 10), layout="constrained")
    axes = fig.subplots(2, 2)
    tumor_growth(arms, axes[0, 0], observables=observables)
    signaling_by_cell(arms, axes[0, 1])
    composition_counts(arms, axes[1, 0], observables=observables)
    serum_cytokines(arms, serum_ranges, axes[1, 1], observables=observables)
    for ax, letter in zip(axes.ravel(), "abcd"):
        text = ax.get_title()
        ax.set_title("")
        ax.set_title(f"({letter}) {text}", fontsize=11, loc="left")
    if title:
        fig.suptitle(title, fontsize=13)
    return fig


__all__ = ["BONE_CYCLE", "CELL_TYPES", "COUNTS", "DEFAULT_UNITS", "FRACTIONS", "LESIONS", "METASTASES",
           "METASTASIS_COLUMNS", "PHENOTYPE", "SERUM", "SUMMARY",
           "arm_styles", "arm_summary", "bone_cycle", "composition", "composition_counts", "composition_fractions",
           "end_values", "has_metastasis", "main_figure", "metastatic_burden", "serum_cytokines",
           "signaling_by_cell", "tumor_growth", "tumor_phenotype", "unit_of", "usable_arms"]
