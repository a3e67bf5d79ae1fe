"""Figures and the day-end table of a scenario's therapy arms (``stat3sim run``).

Same data contract as :mod:`.tme_figures`: ``arms`` maps arm name -> daily DataFrame
(``time_days`` then readout columns; treated arms also carry each drug's
``<drug>_plasma_ug_mL`` / ``_ng_mL`` or ``<drug>_exposure_nM``). The first arm is the
reference (no treatment), drawn solid black. Missing columns are skipped; a panel with
nothing to draw says so. Figures are :class:`matplotlib.figure.Figure` objects (no pyplot).

There are up to eleven arms, more than :func:`.tme_figures.arm_styles` has colours, so the
therapy figures use their own twelve colour/line-style pairs (tab10 colours + two).
"""
from __future__ import annotations

import math
from typing import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..analysis.recist import recist_of

#: what the two pSTAT3 readouts mean, one line (the report prints it under the table and figure)
PSTAT3_NOTE = ("pSTAT3 index: nuclear pY705 STAT3 over total STAT3 in the cell (0..1, the review's activity "
               "index); nuclear pSTAT3: its concentration in the nucleus (nM), what drives STAT3 target genes. A "
               "degrader (SD-36) lowers total STAT3, so the index understates its effect: it falls far less than "
               "nuclear pSTAT3, or even rises; a "
               "transcription inhibitor (pyrimethamine) acts after phosphorylation, so both can rise while its "
               "target genes fall.")

#: readout -> (panel title, unit, log y); in panel order
PANELS: dict[str, tuple[str, str, bool]] = {
    "tumor_volume_mm3": ("tumor volume", "mm³", True),
    "tumor.pSTAT3": ("tumor-cell pSTAT3 index", "nuclear pY705-STAT3 / total STAT3", False),
    "tumor.pSTAT3_nuclear_nM": ("tumor-cell nuclear pSTAT3", "nM in the nucleus", True),
    "serum_IL6_pg_mL": ("serum IL-6 (free)", "pg/mL", True),
    "CD8_count": ("CD8⁺ T cells in the tumor", "cells", True),
    "MDSC_count": ("MDSCs in the tumor", "cells", True),
    "metastatic_burden": ("metastatic burden, all organs", "metastatic tumor cells", True),
}
_COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
           "#17becf", "#393b79", "#637939")
_STYLES = ("-", "--", "-.", ":")


def styles(names) -> dict[str, dict]:
    """Reference (first) arm solid black; the others a colour each and a rotating line style."""
    out = {}
    for i, n in enumerate(names):
        out[n] = ({"color": "#000000", "ls": "-", "lw": 2.4} if i == 0 else
                  {"color": _COLORS[(i - 1) % len(_COLORS)], "ls": _STYLES[(i - 1) % len(_STYLES)], "lw": 1.6})
    return out


def _usable(arms):
    return {n: df for n, df in arms.items() if df is not None and len(df) > 0}


def drug_columns(df: pd.DataFrame) -> list[str]:
    """A treated arm's plasma-concentration columns (mass units; constant exposures in nM)."""
    return [c for c in df.columns if c.endswith(("_plasma_ug_mL", "_plasma_ng_mL")) or c.endswith("_exposure_nM")]


def therapy_arms_figure(arms: Mapping[str, pd.DataFrame], title: str | None = None) -> Figure:
    """Small multiples in two rows against days, one line per arm: tumor volume, tumor pSTAT3
    index and nuclear pSTAT3 (nM), serum IL-6, CD8⁺ T cells, MDSCs, metastatic burden (log y
    where stated in :data:`PANELS`)."""
    ok = _usable(arms)
    st = styles(list(ok))
    ncol = math.ceil(len(PANELS) / 2)
    fig = Figure(figsize=(5.3 * ncol, 9.5), layout="constrained")
    axes = fig.subplots(2, ncol).ravel()
    for ax in axes[len(PANELS):]:
        ax.axis("off")
    for ax, (col, (name, unit, log)) in zip(axes, PANELS.items()):
        drawn = False
        for arm, df in ok.items():
            if col not in df.columns:
                continue
            y = df[col].to_numpy(float)
            if log:
                y = np.where(y > 0, y, np.nan)
            if not np.isfinite(y).any():
                continue
            ax.plot(df["time_days"], y, label=arm, **st[arm])
            drawn = True
        ax.set_title(name, fontsize=11, loc="left")
        ax.set_xlabel("time (days)")
        ax.set_ylabel(unit)
        if not drawn:
            ax.text(0.5, 0.5, f"no {name} in these arms", ha="center", va="center", transform=ax.transAxes,
                    color="0.4")
            continue
        if log:
            ax.set_yscale("log")
        ax.grid(alpha=0.3, which="major")
    handles, labels = axes[0].get_legend_handles_labels()
    if handles:
        fig.legend(handles, labels, loc="outside lower center", ncol=min(4, len(labels)), fontsize=9, frameon=False)
    if title:
        fig.suptitle(title, fontsize=13)
    return fig


def drug_concentrations_figure(arms: Mapping[str, pd.DataFrame],
                               regimens: Mapping[str, Sequence[str]] | None = None) -> Figure:
    """One panel per drug: its plasma concentration (or constant exposure) in every arm that
    gives it, against days. With the arms' ``regimens`` the curves are the PK model's own time
    course at 48 points a day (the drug's PK does not depend on the rest of the model), so
    an oral drug's within-day peaks and troughs show; without them, the run's daily samples."""
    ok = _usable(arms)
    st = styles(list(ok))
    cols: dict[str, list[str]] = {}
    for arm, df in ok.items():
        for c in drug_columns(df):
            cols.setdefault(c, []).append(arm)
    fine = _fine_pk(ok, regimens or {})
    n = max(1, len(cols))
    ncol = min(3, n)
    nrow = math.ceil(n / ncol)
    fig = Figure(figsize=(5.2 * ncol, 3.4 * nrow + 0.6), layout="constrained")
    axes = np.atleast_1d(fig.subplots(nrow, ncol)).ravel()
    if not cols:
        axes[0].text(0.5, 0.5, "no drug in these arms", ha="center", va="center", transform=axes[0].transAxes)
        return fig
    for ax, (col, names) in zip(axes, sorted(cols.items())):
        if col.endswith("_exposure_nM"):
            drug, unit = col[: -len("_exposure_nM")], "nM (constant free exposure)"
        else:
            drug, unit = col.split("_plasma_")
            unit = "plasma " + unit.replace("_", "/").replace("ug", "µg")
        for arm in names:
            df = fine[arm] if arm in fine and col in fine[arm] else ok[arm]
            ax.plot(df["time_days"], df[col], label=arm, **st[arm])
        ax.set_title(drug, fontsize=11, loc="left")
        ax.set_ylabel(unit)
        ax.set_xlabel("time (days)")
        ax.legend(fontsize=7, frameon=False)
        ax.grid(alpha=0.3)
    for ax in axes[len(cols):]:
        ax.axis("off")
    return fig


def _fine_pk(arms: Mapping[str, pd.DataFrame], regimens: Mapping[str, Sequence[str]]) -> dict[str, pd.DataFrame]:
    """Each treated arm's PK time course at 48 points a day (``therapy.pk.simulate_pk``),
    over the arm's days; arms whose PK cannot be computed keep their daily samples."""
    from ..therapy.pk import simulate_pk

    out: dict[str, pd.DataFrame] = {}
    for arm, df in arms.items():
        regs = list(regimens.get(arm) or ())
        if not regs:
            continue
        try:
            out[arm] = simulate_pk(regs, days=float(df["time_days"].iloc[-1]), points_per_day=48)
        except Exception:  # noqa: BLE001 — a figure falls back to the run's daily samples
            continue
    return out


def day_end_table(arms: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Last-day value of each :data:`PANELS` readout per arm, and its ratio to the first arm
    (``<readout>_vs_reference``); with a diameter course, the primary tumor's RECIST 1.1
    reading (:func:`stat3sim.analysis.recist.recist_of`: ``best_response``,
    ``best_diameter_change``, ``progression_day``) and ``diameter_change_end`` (fractions
    of the day-0 diameter)."""
    ok = _usable(arms)
    if not ok:
        return pd.DataFrame()
    ref = next(iter(ok.values()))
    rows = []
    for arm, df in ok.items():
        row: dict = {"arm": arm}
        resp = recist_of(df)
        if resp is not None:
            row.update({"best_response": resp.best, "best_diameter_change": resp.best_change,
                        "progression_day": resp.progression_day,
                        "diameter_change_end": float(df["tumor_diameter_mm"].iloc[-1]) / resp.baseline_mm - 1})
        for col in PANELS:
            if col in df.columns:
                v = float(df[col].iloc[-1])
                r = float(ref[col].iloc[-1]) if col in ref.columns else math.nan
                row[col] = v
                row[f"{col}_vs_reference"] = v / r if r else math.nan
        rows.append(row)
    return pd.DataFrame(rows)


__all__ = ["PANELS", "styles", "drug_columns", "therapy_arms_figure", "drug_concentrations_figure", "day_end_table"]
__all__ += ["PSTAT3_NOTE"]
