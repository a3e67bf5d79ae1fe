"""Matplotlib figures of time courses.

Figures are built with :class:`matplotlib.figure.Figure` directly (no pyplot, no global
backend state), so they work headless and inside notebooks alike. Panel functions take
and return an ``Axes``; figure functions return a ``Figure``; :func:`save_figure`
writes one atomically.
"""
from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .._io import atomic_write
from ..engine.roadrunner import Results

#: file formats :func:`save_figure` writes (by file suffix)
FIGURE_FORMATS = ("png", "pdf", "svg")

#: target genes shown in the signaling figure, when the model has them
TARGET_GENES = ("MYC", "VEGFA", "BCL2L1", "SNAI1", "CD274", "FSCN1", "IL6", "CDH1")

_PRETTY = {"pSTAT3": "nuclear pY705 STAT3", "pSTAT3_total": "all pY705 STAT3", "NFkB": "NF-κB (nuclear RelA)",
           "SOCS3_mRNA": "SOCS3 mRNA", "SOCS3_protein": "SOCS3 protein"}


def _unit(res: Results, key: str) -> str:
    i = res.labels.index(key) if key in res.labels else res.columns.index(key)
    return res.units[i] or "model units"


def plot_readouts(ax: Axes, res: Results, keys: Sequence[str], ylabel: str, title: str = "",
                  names: Sequence[str] | None = None) -> Axes:
    """Lines of ``keys`` (labels or engine ids of ``res``) against time in min.

    Series that are identical (several genes sharing one promoter model) are drawn once
    with their names joined; a panel whose values are all ~0 (a knocked-out gene) says so
    instead of magnifying round-off.
    """
    names = list(names) if names is not None else [k.split(".", 1)[-1] for k in keys]
    groups: list[tuple[np.ndarray, list[str]]] = []
    for key, name in zip(keys, names):
        y = np.asarray(res[key], dtype=float)
        for g in groups:
            if g[0].shape == y.shape and np.allclose(g[0], y, rtol=1e-9, atol=1e-12):
                g[1].append(name)
                break
        else:
            groups.append((y, [name]))
    for y, group in groups:
        if len(group) == 1:
            label = _PRETTY.get(group[0], group[0])
        else:  # identical curves, two names a line
            label = " =\n".join(" = ".join(group[i:i + 2]) for i in range(0, len(group), 2))
        ax.plot(res.time, y, lw=1.8, label=label)
    ax.set_xlabel("time after stimulus (min)")
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title, fontsize=11)
    ax.set_xlim(float(res.time[0]), float(res.time[-1]))
    ax.ticklabel_format(axis="y", useOffset=False)
    if groups and max(float(np.nanmax(np.abs(y))) for y, _ in groups) < 1e-9:
        ax.set_ylim(-0.05, 1.0)
        ax.text(0.5, 0.5, "≈ 0 throughout", transform=ax.transAxes, ha="center", va="center", color="0.4")
    ax.grid(alpha=0.3)
    if len(groups) > 2:  # many lines: keep the legend off the data
        ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    elif len(groups) == 2:
        ax.legend(fontsize=8, frameon=False)
    return ax


def signaling_figure(res: Results, cell: str, title: str) -> Figure:
    """Four panels for one cell of the signaling module: pSTAT3 index, SOCS3 mRNA,
    NF-κB activity and a few STAT3 target genes, against time in minutes."""
    have = set(res.labels)
    k = lambda name: f"{cell}.{name}"  # noqa: E731
    fig = Figure(figsize=(11, 7.5), layout="constrained")
    axes = fig.subplots(2, 2)
    p_keys = [k(n) for n in ("pSTAT3", "pSTAT3_total") if k(n) in have]
    plot_readouts(axes[0, 0], res, p_keys, "fraction of total STAT3 (dimensionless)", "pSTAT3 (Y705) index")
    socs = [k("SOCS3_mRNA")] if k("SOCS3_mRNA") in have else []
    plot_readouts(axes[0, 1], res, socs, f"SOCS3 mRNA ({_unit(res, socs[0]) if socs else 'au'}; "
                  "1 = no STAT3 input)", "SOCS3 mRNA (negative feedback)")
    nfkb = [k("NFkB")] if k("NFkB") in have else []
    plot_readouts(axes[1, 0], res, nfkb, f"nuclear RelA ({_unit(res, nfkb[0]) if nfkb else 'au'})",
                  "NF-κB activity")
    genes = [k(g) for g in TARGET_GENES if k(g) in have]
    plot_readouts(axes[1, 1], res, genes, "mRNA (au; 1 = no STAT3 input)", "STAT3 target genes")
    fig.suptitle(title, fontsize=12)
    return fig


def species_figure(res: Results, title: str, max_panels: int = 36, time_unit: str = "model time unit") -> Figure:
    """Small multiples, one panel per column of ``res`` (every species of a user's SBML
    model, in model order); above ``max_panels`` only those that change most relative to
    their magnitude."""
    idx = res.most_changing(max_panels)
    n = max(1, len(idx))
    ncol = min(6, max(1, math.ceil(math.sqrt(n))))
    nrow = math.ceil(n / ncol)
    fig = Figure(figsize=(3.2 * ncol, 2.5 * nrow + 0.8), layout="constrained")
    axes = np.atleast_1d(fig.subplots(nrow, ncol, squeeze=False)).ravel()
    for ax, i in zip(axes, idx):
        key = res.columns[i]
        plot_readouts(ax, res, [key], res.units[i] or "model units", key, names=[key])
        ax.set_xlabel(f"time ({time_unit})", fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in axes[len(idx):]:
        ax.set_visible(False)
    n_all = len(res.columns)
    shown = f"{len(idx)} of {n_all} species, those that change most" if len(idx) < n_all else f"all {n_all} species"
    fig.suptitle(f"{title}\n({shown})", fontsize=11)
    return fig


def save_figure(fig: Figure, path: str | os.PathLike, dpi: int = 150) -> Path:
    """Write ``fig`` to ``path`` (format from the suffix), atomically: a crash leaves no
    half-written file."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FIGURE_FORMATS:
        raise ValueError(f"unknown figure format {path.suffix!r}; allowed: {', '.join('.' + f for f in FIGURE_FORMATS)}")
    atomic_write(path, lambda tmp: fig.savefig(tmp, format=fmt, dpi=dpi, bbox_inches="tight"))
    return path
