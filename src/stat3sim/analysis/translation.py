"""The translation table: each agent of the therapy claims at the exposure of the studies
behind the claims and at its labelled human regimen.

Per agent: target and cellular potency (the catalog's, the one the PD layer uses), the
free tumor-interstitial concentration at steady-state trough and peak of its labelled
regimen (minimum and maximum over days 150–180 of the PK model) and the target occupancy
C/(C + potency) at each; the occupancy of the mechanism half (10 × potency → 0.91); the
**occupancy the mechanism needs**: the lowest constant free exposure at which the agent's
claim criterion holds (partners of a combination at their mechanism exposure), found by
bisection in log concentration from 0.01 × to 1000 × potency, as occupancy; the agent's
headline number in the mechanism and clinic halves of its claim; and the clinical
evidence where there is some (trial, N, outcome; FACTS-DRUGS / FACTS-TRIALS sources).

    >>> rows = translation_table(claims=None, needed=False)     # exposures only (fast)
    >>> sorted(rows[0])[:3]
    ['claim', 'clinic_effect', 'clinic_status']
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping, Sequence

#: the fold of cellular potency of the mechanism half (claims.therapy.M_FOLD)
M_FOLD = 10.0


@dataclass(frozen=True)
class Agent:
    drug: str
    claim: str
    key: str                  # the headline number in both halves' ``numbers``
    readout: str              # what ``key`` is, in words
    criterion: str            # what the needed occupancy is the threshold of
    regimen: str | None = None  # the clinic regimen (default: the catalog's labelled one)
    #: how ``key`` reads against the criterion of :data:`NEEDS`: "same", "fraction" (a
    #: fraction of untreated: the criterion's drop is 1 − it) or "none" (not comparable)
    reads: str = "same"

    def meets(self, value) -> bool | None:
        """Whether the agent's headline number meets its criterion (None: no number, or
        a number the criterion does not read)."""
        if self.reads == "none" or not isinstance(value, (int, float)):
            return None
        v = 1 - value if self.reads == "fraction" else value
        _, thr, op = NEEDS[self.drug]
        return v >= thr if op == "ge" else v <= thr


def _kept(stim: str) -> Callable[[str, float], float]:
    def f(drug: str, c: float) -> float:
        from ..claims.therapy import IL11, TRANS, _kept as kept

        return kept(drug, c, **{"IL6": {}, "IL11": IL11, "IL6_trans": TRANS}[stim])
    return f


def _tme_drop(readout: str, scenario: str = "tnbc", days: float = 180.0) -> Callable[[str, float], float]:
    def f(drug: str, c: float) -> float:
        from ..claims.therapy import _run

        base = _run(scenario, days=days).at(readout)
        return 1 - _run(scenario, (f"{drug} {c:.6g} nM continuous",), days=days).at(readout) / base
    return f


def _vs_partner(partner: str, readout: str, scenario: str = "tnbc", change: bool = True) -> Callable[[str, float], float]:
    """The combination's readout over the partner alone − 1 (partner at its mechanism exposure)."""
    def f(drug: str, c: float) -> float:
        from ..claims.therapy import _run, study_regimen

        p = study_regimen(partner)
        alone = _run(scenario, (p,)).at(readout)
        return _run(scenario, (p, f"{drug} {c:.6g} nM continuous")).at(readout) / alone - 1
    return f


def _bliss_with(partner: str) -> Callable[[str, float], float]:
    def f(drug: str, c: float) -> float:
        from ..claims.therapy import _run, study_regimen

        r = "tumor.proliferation_per_day"
        base = _run("tnbc", days=30.0).at(r)
        p, x = study_regimen(partner), f"{drug} {c:.6g} nM continuous"
        fa = 1 - _run("tnbc", (p,), days=30.0).at(r) / base
        fb = 1 - _run("tnbc", (x,), days=30.0).at(r) / base
        fab = 1 - _run("tnbc", (p, x), days=30.0).at(r) / base
        return fab - (fa + fb - fa * fb)
    return f


#: agent -> (metric of a constant free exposure, threshold, "ge"/"le")
NEEDS: dict[str, tuple[Callable[[str, float], float], float, str]] = {
    "tocilizumab": (_kept("IL6"), 0.30, "le"),
    "bazedoxifene": (_kept("IL6"), 0.30, "le"),
    "anti-IL-11": (_kept("IL11"), 0.30, "le"),
    "anti-IL-11RA": (_kept("IL11"), 0.30, "le"),
    "olamkicept": (_kept("IL6_trans"), 0.30, "le"),
    "siltuximab": (_tme_drop("tumor.pSTAT3"), 0.30, "ge"),
    "clazakizumab": (_tme_drop("tumor.pSTAT3"), 0.30, "ge"),
    "ruxolitinib": (_tme_drop("tumor.pSTAT3"), 0.50, "ge"),
    "baricitinib": (_tme_drop("tumor.pSTAT3"), 0.50, "ge"),
    "celecoxib": (_vs_partner("ruxolitinib", "tumor_volume_mm3"), -0.10, "le"),
    "LLY17": (_tme_drop("tumor.proliferation_per_day", days=30.0), 0.30, "ge"),
    "TTI-101": (_tme_drop("tumor.proliferation_per_day", days=30.0), 0.30, "ge"),
    "pyrimethamine": (_tme_drop("tumor.proliferation_per_day", days=30.0), 0.30, "ge"),
    "SD-36": (_tme_drop("tumor.STAT3_total", days=28.0), 0.80, "ge"),
    "fulvestrant": (_vs_partner("tocilizumab", "tumor_volume_mm3", "er_endocrine_resistant"), -0.10, "le"),
    "galunisertib": (_vs_partner("atezolizumab", "CD8_per_mL"), 0.20, "ge"),
    "atezolizumab": (_vs_partner("galunisertib", "CD8_per_mL"), 0.20, "ge"),
    "GANT61": (_bliss_with("ruxolitinib"), 0.10, "ge"),
    "curcumin": (_vs_partner("pembrolizumab", "tumor_volume_mm3"), -0.10, "le"),
    "pembrolizumab": (_vs_partner("curcumin", "tumor_volume_mm3"), -0.10, "le"),
}

AGENTS: tuple[Agent, ...] = (
    Agent("tocilizumab", "THx-1", "tocilizumab_IL6_kept", "IL-6 pSTAT3 rise kept (tumor cell)", "IL-6 rise kept ≤ 0.30"),
    Agent("bazedoxifene", "THx-1", "bazedoxifene_IL6_kept", "IL-6 pSTAT3 rise kept (tumor cell)",
          "IL-6 rise kept ≤ 0.30"),
    Agent("anti-IL-11", "THx-1", "anti-IL-11_IL11_kept", "IL-11 pSTAT3 rise kept (tumor cell)",
          "IL-11 rise kept ≤ 0.30"),
    Agent("anti-IL-11RA", "THx-1", "anti-IL-11RA_IL11_kept", "IL-11 pSTAT3 rise kept (tumor cell)",
          "IL-11 rise kept ≤ 0.30"),
    Agent("siltuximab", "THx-2", "tnbc_siltuximab_pSTAT3_drop", "tnbc tumor pSTAT3 drop, day 180",
          "pSTAT3 drop ≥ 0.30"),
    Agent("clazakizumab", "THx-2", "tnbc_clazakizumab_pSTAT3_drop", "tnbc tumor pSTAT3 drop, day 180",
          "pSTAT3 drop ≥ 0.30"),
    Agent("olamkicept", "THx-3", "trans_kept", "IL-6 trans-signaling rise kept (tumor cell)", "trans rise kept ≤ 0.30"),
    Agent("ruxolitinib", "THx-5", "pSTAT3_fraction_of_untreated", "tnbc tumor pSTAT3, fraction of untreated",
          "pSTAT3 drop ≥ 0.50", "ruxolitinib 25 mg po bid", reads="fraction"),
    Agent("baricitinib", "THx-4", "baricitinib_IC50_nM", "cellular IC50 on the IL-6 pSTAT3 rise (nM)",
          "pSTAT3 drop ≥ 0.50", reads="none"),
    Agent("celecoxib", "THx-6", "combo_volume_vs_rux", "volume with ruxolitinib vs ruxolitinib alone",
          "volume vs ruxolitinib ≤ −10 %"),
    Agent("LLY17", "THx-7", "LLY17_proliferation_drop", "tumor proliferation drop, day 30", "proliferation drop ≥ 0.30"),
    Agent("TTI-101", "THx-7", "TTI-101_proliferation_drop", "tumor proliferation drop, day 30",
          "proliferation drop ≥ 0.30"),
    Agent("pyrimethamine", "THx-7", "pyrimethamine_proliferation_drop", "tumor proliferation drop, day 30",
          "proliferation drop ≥ 0.30"),
    Agent("SD-36", "THx-9", "STAT3_total_drop", "tumor total STAT3 drop, day 28", "total STAT3 drop ≥ 0.80"),
    Agent("fulvestrant", "THx-10", "volume_vs_tocilizumab", "ER+ volume with tocilizumab vs tocilizumab alone",
          "volume vs tocilizumab ≤ −10 %"),
    Agent("galunisertib", "THx-11", "CD8_gain_vs_atezolizumab", "CD8+ density with atezolizumab vs atezolizumab alone",
          "CD8+ gain ≥ 0.20"),
    Agent("atezolizumab", "THx-11", "CD8_gain_vs_galunisertib", "CD8+ density with galunisertib vs galunisertib alone",
          "CD8+ gain ≥ 0.20"),
    Agent("GANT61", "THx-11", "bliss_excess", "Bliss excess with ruxolitinib on proliferation", "Bliss excess ≥ 0.1"),
    Agent("curcumin", "THx-13", "volume_vs_pembrolizumab", "volume with pembrolizumab vs pembrolizumab alone",
          "volume vs pembrolizumab ≤ −10 %"),
    Agent("pembrolizumab", "THx-13", "volume_vs_curcumin", "volume with curcumin vs curcumin alone",
          "volume vs curcumin ≤ −10 %"),
)

#: clinical evidence per agent (trial, N, outcome), from the sources named
CLINICAL: dict[str, str] = {
    "tocilizumab": "RA: CRP normalised at 8 mg/kg q4w while free drug ≥ 1 µg/mL (Hirabayashi 2012); breast trials "
                   "NCI-2017-02497 (phase I, HER2+) and NCI-2023-10636 (phase II, TNBC): outcomes not found",
    "siltuximab": "approved in Castleman disease; oncology trials (NCT04191421): breast outcomes not found",
    "olamkicept": "FUTURE phase 2a, 16 IBD patients, 600 mg iv q2w: mucosal pSTAT3 lowered, clinical response 44 % "
                  "(Schreiber 2021)",
    "bazedoxifene": "breast trials NCT02448771, NCT04821141: outcomes not found",
    "ruxolitinib": "phase II metastatic TNBC (NCT01562873): STAT3 signaling did not decline, insufficient clinical "
                   "benefit (review [115]); + capecitabine in HER2− MBC "
                   "with mGPS ≥ 1, 76 vs 73: ORR 28.9 % vs 13.7 %, PFS 4.5 vs 2.5 mo, OS 11.2 vs 10.9 mo "
                   "(O'Shaughnessy 2018)",
    "atezolizumab": "IMpassion130, 902 pts, + nab-paclitaxel: PFS HR 0.80 (ITT), 0.62 (PD-L1+; 7.5 vs 5.0 mo) "
                    "(Schmid 2018)",
    "pembrolizumab": "KEYNOTE-086 A, 170 pretreated mTNBC: ORR 5.3 %; KEYNOTE-355, 847 pts, + chemo: PFS HR 0.66 "
                     "(CPS ≥ 10) (Cortes 2022)",
    "galunisertib": "no breast-cancer trial found",
    "pyrimethamine": "CLL STAT3 pilot, 16 pts, 8 with stable disease (low-confidence report)",
    "TTI-101": "phase I NCT03195699 (solid tumors incl. breast): outcomes not found",
}


def _needed_conc(drug: str, potency: float) -> float | None:
    """The lowest constant free exposure (nM) at which the agent's criterion holds, or None
    where it does not hold even at 1000 × potency (or 1 mM, whichever is lower)."""
    metric, thr, op = NEEDS[drug]

    def holds(c: float) -> bool:
        v = metric(drug, c)
        return v >= thr if op == "ge" else v <= thr

    # the regimen parser's ceiling for a constant exposure is 1 mM
    lo, hi = math.log10(0.01 * potency), math.log10(min(1000.0 * potency, 1e6))
    if not holds(10 ** hi):
        return None
    if holds(10 ** lo):
        return 10 ** lo
    for _ in range(8):  # 5 decades / 2^8: ~0.02 decade
        mid = 0.5 * (lo + hi)
        lo, hi = (lo, mid) if holds(10 ** mid) else (mid, hi)
    return 10 ** hi


def translation_table(claims: Sequence[Mapping] | None = None, needed: bool = True,
                      agents: Iterable[Agent] = AGENTS) -> list[dict]:
    """One dict per agent (see the module docstring). ``claims``: the therapy claims' result
    dicts (``ClaimResult.as_dict()``) to read the mechanism and clinic effects from (None:
    the effects are left out); ``needed``: compute the occupancy the mechanism needs (a
    bisection of constant-exposure runs per agent, ~10 runs each)."""
    from ..claims.therapy import _std, clinic_exposure
    from ..therapy.catalog import get_drug

    by_id = {c["id"]: c for c in (claims or [])}
    rows = []
    for a in agents:
        d = get_drug(a.drug)
        reg = a.regimen or _std(a.drug)
        e = clinic_exposure(reg) if reg else None
        if e is None:
            from ..claims.therapy import _potency

            pot, src = _potency(a.drug)
        else:
            pot, src = e["potency_nM"], e["potency_source"]
        row = {"drug": a.drug, "target": d.target, "mechanism": d.mechanism, "potency_nM": pot, "potency_source": src,
               "regimen": reg,
               "free_tumor_trough_nM": e["free_tumor_trough_nM"] if e else None,
               "free_tumor_peak_nM": e["free_tumor_peak_nM"] if e else None,
               "occupancy_trough": e["occupancy_trough"] if e else None,
               "occupancy_peak": e["occupancy_peak"] if e else None,
               "occupancy_mechanism": M_FOLD / (M_FOLD + 1.0),
               "claim": a.claim, "readout": a.readout, "criterion": a.criterion,
               "clinical_evidence": CLINICAL.get(a.drug, "none in breast cancer" if d.pk else "none (no human PK)")}
        if needed:
            c = _needed_conc(a.drug, pot)
            row["needed_nM"] = c
            row["occupancy_needed"] = None if c is None else c / (c + pot)
        cl = by_id.get(a.claim)
        for half in ("mechanism", "clinic"):
            h = (cl or {}).get(half) or {}
            row[f"{half}_effect"] = h.get("numbers", {}).get(a.key)
            row[f"{half}_status"] = h.get("status")
        rows.append(row)
    return rows


def _pct(x) -> str:
    if x is None:
        return "—"
    return "< 0.01 %" if x < 1e-4 else f"{100 * x:.3g} %"


def _num(x) -> str:
    if x is None:
        return "—"
    if isinstance(x, str):
        return x
    return f"{x:.3g}"


COLUMNS = ("agent", "target", "potency (nM)", "label regimen", "free tumor trough–peak (nM)",
           "occupancy trough–peak", "occupancy needed", "claim", "M effect", "C effect", "clinical evidence")


def _effect(agent: Agent | None, value, status) -> str:
    """``value ✓/✗ (half status)``: ✓ where the agent's own number meets its criterion."""
    mark = {True: " ✓", False: " ✗", None: ""}[agent.meets(value) if agent else None]
    return f"{_num(value)}{mark} ({status or '—'})"


def table_rows(rows: Sequence[Mapping]) -> list[list[str]]:
    """The table's cells as text, in :data:`COLUMNS` order."""
    by_drug = {a.drug: a for a in AGENTS}
    out = []
    for r in rows:
        conc = "—" if r["free_tumor_trough_nM"] is None else \
            f"{_num(r['free_tumor_trough_nM'])}–{_num(r['free_tumor_peak_nM'])}"
        occ = "—" if r["occupancy_trough"] is None else f"{_pct(r['occupancy_trough'])}–{_pct(r['occupancy_peak'])}"
        need = r.get("occupancy_needed", "not computed") if "occupancy_needed" in r else "not computed"
        need = "not reached (1000 × potency or 1 mM)" if need is None else (_pct(need) if isinstance(need, float) else need)
        a = by_drug.get(r["drug"])
        m = _effect(a, r.get("mechanism_effect"), r.get("mechanism_status"))
        c = _effect(a, r.get("clinic_effect"), r.get("clinic_status"))
        out.append([r["drug"], r["target"], _num(r["potency_nM"]), r["regimen"] or "none (no dosable human regimen)",
                    conc, occ, need, f"{r['claim']}: {r['readout']}", m, c, r["clinical_evidence"]])
    return out


def markdown(rows: Sequence[Mapping]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(cells) + " |" for cells in table_rows(rows)]
    return "\n".join(lines) + "\n"


def figure(rows: Sequence[Mapping], path, fmt: str = "png") -> None:
    """Occupancy at the clinic (trough, with a bar to the peak) against the occupancy the
    mechanism needs, one point per agent with a labelled regimen; the diagonal splits the
    agents whose labelled regimen reaches what the mechanism needs from those it does not."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.5, 6.5))
    d = [0.005, 0.9999]
    ax.plot(d, d, color="0.6", lw=1, ls="--", zorder=0)
    ax.text(0.012, 0.016, "clinic = needed", color="0.45", rotation=30, fontsize=8)
    ax.fill_between(d, [1e-4, 1e-4], d, color="#c0392b", alpha=0.05, zorder=0)
    placed: list[tuple[float, float]] = []
    for r in rows:
        if r["occupancy_trough"] is None:
            continue
        need = r.get("occupancy_needed")
        x = need if need is not None else 0.9999
        lo, hi = max(r["occupancy_trough"], 1e-4), max(r["occupancy_peak"], 1e-4)
        reached = lo >= x
        color = "#2a7f62" if reached else ("#c0392b" if hi < x else "#d68910")
        ax.plot([x, x], [lo, hi], color=color, lw=2, alpha=0.6)
        ax.scatter([x], [lo], color=color, marker="o" if need is not None else ">", s=36, zorder=3)
        # labels of nearby points go on alternate sides
        near = sum(abs(math.log10(x / px)) < 0.08 and abs(math.log10(lo / py)) < 0.3 for px, py in placed)
        placed.append((x, lo))
        ax.annotate(r["drug"], (x, lo), textcoords="offset points", xytext=(5, -3 - 9 * near) if near % 2 == 0
                    else (-5, 6), ha="left" if near % 2 == 0 else "right", fontsize=7.5)
    ax.set_xscale("logit")
    ax.set_yscale("logit")
    ax.set_xlim(0.005, 0.9999)
    ax.set_ylim(1e-4, 0.99995)
    ax.set_xlabel("occupancy the mechanism needs (claim criterion at a constant exposure; ▸ not reached)")
    ax.set_ylabel("occupancy at the labelled regimen (trough ● to peak)")
    ax.set_title("Translation: the clinic's target occupancy vs the mechanism's need", fontsize=10)
    from matplotlib.lines import Line2D

    ax.legend(handles=[Line2D([], [], color=c, marker="o", lw=2, label=t) for c, t in
                       (("#2a7f62", "trough reaches the need"), ("#d68910", "only the peak reaches it"),
                        ("#c0392b", "never reaches it"))], loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=130, format=fmt, metadata={"Software": None} if fmt == "png" else None)
    plt.close(fig)
