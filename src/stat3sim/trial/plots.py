"""A trial's figures, drawn as trial reports draw them (PNG, matplotlib):

* :func:`km_plot` — Kaplan–Meier PFS per arm with 95 % CI bands, censor ticks, medians,
  the hazard ratio when a summary is given, and the numbers at risk under the x axis
  ("Months since randomisation");
* :func:`waterfall` — best % change in the sum of target diameters per patient, bars
  coloured by best overall response, with the −30 % (PR) and +20 % (PD) lines; one panel
  per arm;
* :func:`spider` — % change from baseline at each scan per patient, to the first PD;
* :func:`swimmer` — time on study per patient (to PD or censoring), with the first
  response, PD and censoring marked;
* :func:`forest` — hazard ratios with 95 % CIs overall and per subgroup, log x axis, N per
  subgroup, "favours experimental / control".

Inputs: the per-patient table of :func:`stat3sim.trial.recist.read_trial` (with ``arm``),
the per-scan table of :func:`~stat3sim.trial.recist.scan_table`, and the summary of
:func:`stat3sim.trial.analysis.summarize`.
"""
from __future__ import annotations

import math
import textwrap
from pathlib import Path
from typing import Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from .analysis import DAYS_PER_MONTH, at_risk, km_table  # noqa: E402

#: best-response colours (colour-blind-safe Okabe–Ito hues)
RESPONSE_COLOURS = {"CR": "#0072B2", "PR": "#56B4E9", "SD": "#999999", "PD": "#D55E00", "NE": "#E0E0E0"}
ARM_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
#: swimmer plots show at most this many patients per arm (every k-th by time on study)
SWIMMER_MAX = 30


def _arms(df: pd.DataFrame, arms: Sequence[str] | None) -> list[str]:
    return list(arms) if arms is not None else list(dict.fromkeys(df["arm"]))


def _save(fig, path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=150, bbox_inches="tight")
    plt.close(fig)
    return path


def _months(x) -> str:
    """A median in months, or NR (not reached)."""
    return "NR" if x is None or not math.isfinite(x) else f"{x:.1f}"


def km_plot(patients: pd.DataFrame, path, *, arms: Sequence[str] | None = None, summary: dict | None = None,
            title: str = "Progression-free survival", step_months: float | None = None) -> Path:
    """Kaplan–Meier PFS per arm with 95 % CI bands, censor ticks and numbers at risk."""
    arms = _arms(patients, arms)
    tmax = float(patients["pfs_days"].max()) / DAYS_PER_MONTH if len(patients) else 1.0
    step = step_months or (2.0 if tmax <= 14 else 3.0 if tmax <= 24 else 6.0)
    xmax = step * math.ceil(tmax / step + 1e-9)
    if xmax - tmax < 0.25 * step:  # room to see the last step and its censor ticks
        xmax += step
    ticks = np.arange(0.0, xmax + 1e-9, step)
    fig, (ax, tab) = plt.subplots(2, 1, figsize=(8.5, 5.4 + 0.3 * len(arms)), sharex=True,
                                  gridspec_kw={"height_ratios": [5.0, 0.3 * len(arms) + 0.35], "hspace": 0.22})
    for i, arm in enumerate(arms):
        c = ARM_COLOURS[i % len(ARM_COLOURS)]
        km = km_table(patients, arm)
        x = np.r_[km["months"].to_numpy(), xmax]
        surv = np.r_[km["survival"].to_numpy(), km["survival"].iloc[-1]]
        lo = np.r_[km["ci_lower"].to_numpy(), km["ci_lower"].iloc[-1]]
        hi = np.r_[km["ci_upper"].to_numpy(), km["ci_upper"].iloc[-1]]
        last = float(patients.loc[patients["arm"] == arm, "pfs_days"].max()) / DAYS_PER_MONTH
        keep = x <= last + 1e-9  # the curve ends at the arm's last follow-up
        keep[np.searchsorted(x, last, side="right") - 1] = True
        med = summary["arms"].get(arm, {}).get("median_pfs_months") if summary is not None else None
        label = f"{arm} (n = {int((patients['arm'] == arm).sum())}; median {_months(med)} mo)"
        ax.step(x[keep], 100 * surv[keep], where="post", color=c, lw=2, label=label)
        ax.fill_between(x[keep], 100 * lo[keep], 100 * hi[keep], step="post", color=c, alpha=0.15, lw=0)
        cens = km[km["censored"] > 0]
        ax.plot(cens["months"], 100 * cens["survival"], ls="none", marker="+", ms=9, mew=1.5, color=c)
    ax.plot([], [], ls="none", marker="+", ms=9, mew=1.5, color="0.3", label="censored")
    ax.axhline(50, color="0.6", lw=0.8, ls=":")
    ax.set_xlim(0, xmax)
    ax.set_xticks(ticks)
    ax.set_ylim(0, 102)
    ax.set_ylabel("Progression-free survival (%)")
    ax.set_xlabel("Months since randomisation")
    ax.tick_params(labelbottom=True)
    ax.set_title(textwrap.fill(title, 64), loc="left", fontweight="bold")  # within the axes' width
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(loc="upper right", fontsize=8.5, frameon=True, facecolor="white", edgecolor="none", framealpha=0.9)
    if summary is not None and summary.get("comparisons"):
        lines = []
        for comp in summary["comparisons"]:
            hr, ci = comp.get("hazard_ratio"), comp.get("hazard_ratio_ci95")
            p = comp.get("logrank_p")
            hr_text = (f"HR {hr:.2f} (95% CI {ci[0]:.2f}–{ci[1]:.2f})" if hr is not None
                       else f"HR not estimable ({comp.get('hazard_ratio_note', '')})")
            p_text = "" if p is None else f"; log-rank p {'< 0.001' if p < 0.001 else f'= {p:.3f}'}"
            lines.append(f"{comp['experimental']} vs {comp['control']}:\n{hr_text}{p_text}")
        ax.text(0.02, 0.03, "\n".join(lines), transform=ax.transAxes, fontsize=8.5, va="bottom",
                bbox=dict(boxstyle="round", fc="white", ec="0.8"))
    # numbers at risk under the axis, aligned with the ticks
    tab.set_ylim(-0.5, len(arms) - 0.3)
    tab.axis("off")
    tab.text(-0.04, len(arms) - 0.35, "No. at risk", transform=tab.get_yaxis_transform(), ha="right",
             fontsize=9, fontweight="bold")
    for i, arm in enumerate(arms):
        y = len(arms) - 1 - i - 0.35
        tab.text(-0.04, y, arm if len(arm) <= 30 else arm[:29] + "…", transform=tab.get_yaxis_transform(),
                 ha="right", va="center", fontsize=8.5, color=ARM_COLOURS[i % len(ARM_COLOURS)])
        for t, n in zip(ticks, at_risk(patients, arm, ticks)):
            tab.text(t, y, str(n), ha="center", va="center", fontsize=8.5)
    fig.subplots_adjust(left=0.3, right=0.97, top=0.93, bottom=0.03)
    return _save(fig, path)


def waterfall(patients: pd.DataFrame, path, *, arms: Sequence[str] | None = None,
              title: str = "Best change in sum of target-lesion diameters", clip_pct: float = 100.0) -> Path:
    """Best % change per patient, sorted, coloured by best overall response; one panel per arm.
    Patients without a post-baseline scan (NE, no change) are counted in the panel title;
    bars above ``clip_pct`` are drawn at it and marked."""
    arms = _arms(patients, arms)
    fig, axes = plt.subplots(len(arms), 1, figsize=(9, 3.4 * len(arms) + 0.4), squeeze=False, sharey=True)
    for ax, arm in zip(axes[:, 0], arms):
        g = patients[patients["arm"] == arm]
        g = g[np.isfinite(g["best_change_pct"])].sort_values("best_change_pct", ascending=False)
        n_ne = int((patients["arm"] == arm).sum()) - len(g)
        y = g["best_change_pct"].to_numpy()
        x = np.arange(len(y))
        ax.bar(x, np.minimum(y, clip_pct), width=0.85, color=[RESPONSE_COLOURS[r] for r in g["best_response"]],
               edgecolor="none")
        over = y > clip_pct
        ax.plot(x[over], np.full(over.sum(), clip_pct + 4), ls="none", marker="^", color="k", ms=4)
        ax.axhline(20, color="#D55E00", ls="--", lw=1)
        ax.axhline(-30, color="#0072B2", ls="--", lw=1)
        ax.axhline(0, color="k", lw=0.8)
        ax.text(1.005, 20, "+20 %", transform=ax.get_yaxis_transform(), va="center", fontsize=8, color="#D55E00")
        ax.text(1.005, -30, "−30 %", transform=ax.get_yaxis_transform(), va="center", fontsize=8, color="#0072B2")
        ax.set_xlim(-1, max(len(y), 1))
        ax.set_xticks([])
        ax.set_ylim(-105, clip_pct + 10)
        ax.set_ylabel("Best change from baseline (%)")
        k = g["best_response"].isin(("CR", "PR")).sum()
        ax.set_title(f"{arm}: {len(g)} patients with a post-baseline scan"
                     + (f" ({n_ne} without, not shown)" if n_ne else "")
                     + f"; CR + PR {k}", loc="left", fontsize=10)
        ax.spines[["top", "right"]].set_visible(False)
    handles = [plt.Rectangle((0, 0), 1, 1, color=RESPONSE_COLOURS[r]) for r in ("CR", "PR", "SD", "PD")]
    axes[0, 0].legend(handles, ["Complete response", "Partial response", "Stable disease", "Progressive disease"],
                      loc="upper right", frameon=False, fontsize=8, ncol=4)
    axes[-1, 0].set_xlabel("Patients (sorted by best change); a PD bar below 0: progression by a new lesion")
    fig.suptitle(title, x=0.01, ha="left", fontweight="bold")
    fig.tight_layout()
    return _save(fig, path)


def spider(scans: pd.DataFrame, patients: pd.DataFrame, path, *, arms: Sequence[str] | None = None,
           title: str = "Change in sum of target-lesion diameters over time") -> Path:
    """% change from baseline at each scan (weeks since randomisation) per patient, coloured
    by best overall response; one panel per arm."""
    arms = _arms(patients, arms)
    best = patients.set_index(["patient", "arm"])["best_response"]
    fig, axes = plt.subplots(1, len(arms), figsize=(5.2 * len(arms), 4.3), squeeze=False, sharey=True)
    for ax, arm in zip(axes[0], arms):
        s = scans[scans["arm"] == arm]
        for pid, g in s.groupby("patient"):
            r = best.get((pid, arm), "NE")
            ax.plot(g["scan_day"] / 7.0, g["change_pct"], color=RESPONSE_COLOURS[r], lw=1, alpha=0.8,
                    marker="o", ms=2.5)
        ax.axhline(20, color="#D55E00", ls="--", lw=1)
        ax.axhline(-30, color="#0072B2", ls="--", lw=1)
        ax.axhline(0, color="k", lw=0.8)
        ax.set_title(arm, loc="left", fontsize=10)
        ax.set_xlabel("Weeks since randomisation")
        ax.spines[["top", "right"]].set_visible(False)
    axes[0, 0].set_ylabel("Change from baseline (%)")
    handles = [plt.Line2D([], [], color=RESPONSE_COLOURS[r], lw=2) for r in ("CR", "PR", "SD", "PD")]
    axes[0, -1].legend(handles, ["CR", "PR", "SD", "PD"], title="Best response", frameon=False, fontsize=8,
                       loc="upper left")
    fig.suptitle(title, x=0.01, ha="left", fontweight="bold")
    fig.tight_layout()
    return _save(fig, path)


def swimmer(patients: pd.DataFrame, path, *, arms: Sequence[str] | None = None, max_per_arm: int = SWIMMER_MAX,
            title: str = "Time on study") -> Path:
    """One bar per patient (months to PD or censoring), coloured by arm, with the first
    response (▲), PD (■) and censoring (→, still progression-free at the last scan)
    marked; at most ``max_per_arm`` patients per arm (evenly spaced by time on study)."""
    arms = _arms(patients, arms)
    rows = []
    for arm in arms:
        g = patients[patients["arm"] == arm].sort_values("pfs_days")
        if len(g) > max_per_arm:
            g = g.iloc[np.linspace(0, len(g) - 1, max_per_arm).round().astype(int)]
        rows.append(g)
    df = pd.concat(rows) if rows else patients.iloc[:0]
    fig, ax = plt.subplots(figsize=(8.5, 0.15 * len(df) + 1.8))
    y = np.arange(len(df))
    months = df["pfs_days"].to_numpy(float) / DAYS_PER_MONTH
    colours = [ARM_COLOURS[arms.index(a) % len(ARM_COLOURS)] for a in df["arm"]]
    ax.barh(y, months, color=colours, height=0.7, alpha=0.85)
    ev = df["pfs_event"].to_numpy(bool)
    ax.plot(months[ev], y[ev], ls="none", marker="s", color="k", ms=4, label="Progression")
    ax.plot(months[~ev], y[~ev], ls="none", marker=">", color="0.3", ms=5, label="Censored (no progression)")
    if "response_day" in df.columns:
        r = df["response_day"].to_numpy(float)
        ok = np.isfinite(r)
        ax.plot(r[ok] / DAYS_PER_MONTH, y[ok], ls="none", marker="^", color="#F0E442", mec="k", mew=0.6, ms=6,
                label="First response (CR/PR)")
    ax.set_yticks([])
    ax.set_ylim(-1, len(df))
    ax.set_xlabel("Months since randomisation")
    ax.set_ylabel("Patients")
    ax.spines[["top", "right", "left"]].set_visible(False)
    arm_handles = [plt.Rectangle((0, 0), 1, 1, color=ARM_COLOURS[i % len(ARM_COLOURS)]) for i in range(len(arms))]
    mk = ax.get_legend_handles_labels()
    ax.legend(arm_handles + mk[0], list(arms) + mk[1], loc="lower right", frameon=False, fontsize=8)
    shown = "" if all(len(patients[patients["arm"] == a]) <= max_per_arm for a in arms) else \
        f" ({max_per_arm} patients per arm shown, evenly spaced by time on study)"
    ax.set_title(title + shown, loc="left", fontweight="bold", fontsize=10)
    fig.tight_layout()
    return _save(fig, path)


def forest(summary: dict, path, *, comparison: int = 0, title: str | None = None) -> Path:
    """Hazard ratios (95 % CI, log x axis) overall and per subgroup of one comparison, N per
    row, "favours experimental / control"; skipped or inestimable rows say why."""
    comp = summary["comparisons"][comparison]
    rows = [("All patients", comp)] + list(comp.get("subgroups", {}).items())
    fig, ax = plt.subplots(figsize=(9.5, 0.42 * len(rows) + 1.6))
    ys = np.arange(len(rows))[::-1]
    finite = []
    for (name, r), y in zip(rows, ys):
        n = f"{r.get('n_experimental', '?')} / {r.get('n_control', '?')}"
        hr, ci = r.get("hazard_ratio"), r.get("hazard_ratio_ci95")
        if hr is not None and ci is not None:
            ax.plot(ci, [y, y], color="k", lw=1.3)
            ax.plot([hr], [y], marker="s" if name != "All patients" else "D", color="#0072B2", ms=7)
            txt = f"{hr:.2f} ({ci[0]:.2f}–{ci[1]:.2f})"
            finite += [ci[0], ci[1]]
        else:
            txt = "n too small" if "skipped" in r else "not estimable"
        label = name.replace("_", " ")
        ax.text(-0.02, y, label, transform=ax.get_yaxis_transform(), ha="right", va="center",
                fontweight="bold" if name == "All patients" else "normal", fontsize=9)
        ax.text(1.02, y, n, transform=ax.get_yaxis_transform(), ha="left", va="center", fontsize=9)
        ax.text(1.30, y, txt, transform=ax.get_yaxis_transform(), ha="left", va="center", fontsize=9)
    lo = min(finite + [0.5]) / 1.2
    hi = max(finite + [2.0]) * 1.2
    ax.set_xscale("log")
    ax.set_xlim(lo, hi)
    ticks = [t for t in (0.1, 0.2, 0.25, 0.5, 0.75, 1, 1.5, 2, 4, 5, 10) if lo <= t <= hi]
    ax.set_xticks(ticks)
    ax.set_xticklabels([f"{t:g}" for t in ticks])
    ax.minorticks_off()
    ax.axvline(1.0, color="0.4", lw=1)
    ax.set_ylim(-1.2, len(rows) - 0.1)
    ax.set_yticks([])
    ax.spines[["top", "right", "left"]].set_visible(False)
    ax.text(1.02, len(rows) - 0.45, "N (exp / ctl)", transform=ax.get_yaxis_transform(), ha="left", fontsize=9,
            fontweight="bold")
    ax.text(1.30, len(rows) - 0.45, "HR (95% CI)", transform=ax.get_yaxis_transform(), ha="left", fontsize=9,
            fontweight="bold")
    ax.set_xlabel("Hazard ratio for progression (log scale)")
    x1 = (math.log(1.0) - math.log(lo)) / (math.log(hi) - math.log(lo))  # HR = 1 on the axis
    ax.annotate("← favours " + comp["experimental"], xy=(x1, -1.0), xycoords=("axes fraction", "data"),
                ha="right", fontsize=8.5, color="#0072B2", xytext=(-8, 0), textcoords="offset points")
    ax.annotate("favours " + comp["control"] + " →", xy=(x1, -1.0), xycoords=("axes fraction", "data"),
                ha="left", fontsize=8.5, color="#D55E00", xytext=(8, 0), textcoords="offset points")
    ax.set_title(title or f"PFS hazard ratio: {comp['experimental']} vs {comp['control']}", loc="left",
                 fontweight="bold", fontsize=10, pad=14)
    fig.subplots_adjust(left=0.22, right=0.62)
    return _save(fig, path)


__all__ = ["RESPONSE_COLOURS", "SWIMMER_MAX", "forest", "km_plot", "spider", "swimmer", "waterfall"]
