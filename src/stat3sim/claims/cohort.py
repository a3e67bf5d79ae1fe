"""Cohort-level claims (COH-1 … COH-3, THx-8, THx-5 at cohort level): checks on virtual
patients run through the trial machinery (``stat3sim.trial``).

Each check runs a small virtual trial (``COHORT_N`` patients per arm, env
``STAT3SIM_COHORT_N``; seed :data:`SEED`) on a local Dask cluster and reads its per-patient
table. The COH claims share one trial of the tnbc population: no treatment and a direct
STAT3 inhibitor (TTI-101 at a constant free tumor exposure of its cellular IC50, 3 µM: the
catalog has no human PK for it), 12 months of follow-up with scans every 8 weeks. THx-8
runs the shipped ``napabucasin_pstat3`` design and THx-5 ``ruxolitinib_tnbc_phase2``, at
``COHORT_N`` per arm (THx-5c: ``RUX_N``, its bid drug being the costliest run). The numbers are those of that N: a claim's CI says how sure it is.
"""
from __future__ import annotations

import math
import os
import tempfile
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .registry import claim

#: patients per arm of the claims' virtual trials (env STAT3SIM_COHORT_N overrides)
COHORT_N = int(os.environ.get("STAT3SIM_COHORT_N", "120"))
#: patients of THx-5c's single-arm phase II (every patient on a bid oral drug for 24 weeks,
#: the costliest run: env STAT3SIM_RUX_N overrides)
RUX_N = int(os.environ.get("STAT3SIM_RUX_N", "40"))
SEED = 1
#: direct STAT3 inhibitor of COH-3: TTI-101 (SH2 domain) at its cellular IC50 (catalog, assumed value)
STAT3_INHIBITOR = "TTI-101 3 uM continuous"


def _coh_design():
    from ..trial.design import Design

    return Design(name="coh_claims", title="COH claims: untreated and a direct STAT3 inhibitor, tnbc",
                  description="virtual twins in both arms; 12 months of follow-up", source="CLAIMS.md COH-1 … COH-3",
                  scenario="tnbc", arms=[{"name": "no treatment", "regimens": []},
                                         {"name": "TTI-101", "regimens": [STAT3_INHIBITOR]}],
                  control="no treatment", n_per_arm=COHORT_N, imaging_every_weeks=8, followup_days=364,
                  confirmation=False)


@lru_cache(maxsize=None)
def _trial(name: str) -> tuple[pd.DataFrame, pd.DataFrame, dict, float]:
    """(per-patient table, the arms' raw rows, summary, detect_cells) of one claims trial."""
    from ..cohort.runner import read_results, session
    from ..scenarios import load_scenario
    from ..trial.design import load_design
    from ..trial.runner import detect_cells, run

    design = _coh_design() if name == "coh_claims" else load_design(name)
    out = Path(tempfile.mkdtemp(prefix=f"stat3sim-claims-{name}-"))
    n = RUX_N if name == "ruxolitinib_tnbc_phase2" else COHORT_N
    with session() as client:
        summary = run(design, n, SEED, out, client)
    table = pd.read_parquet(out / "patients.parquet")
    rows = read_results(out / "arms")
    return table, rows, summary, detect_cells(load_scenario(design.scenario))


def _tertiles(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    lo, hi = np.nanquantile(values.to_numpy(float), [1 / 3, 2 / 3])
    return values <= lo, values >= hi


def _by_tertile(values: pd.Series, hi: pd.Series, lo: pd.Series) -> tuple[float, float, float]:
    """Mean of ``values`` in the top and bottom tertile, and their ratio (inf when only
    the bottom mean is 0, NaN when both are)."""
    a, b = float(values[hi].mean()), float(values[lo].mean())
    return a, b, (a / b if b > 0 else (math.inf if a > 0 else math.nan))


def _hr(top: pd.DataFrame, bottom: pd.DataFrame) -> dict:
    from ..trial.analysis import compare

    c = compare(top, bottom)
    return {"hazard_ratio": c.get("hazard_ratio"), "hazard_ratio_ci95": c.get("hazard_ratio_ci95"),
            "logrank_p": c.get("logrank_p"), "n_top": int(len(top)), "n_bottom": int(len(bottom))}


def _last_day(rows: pd.DataFrame) -> float:
    return max(float(c.split(".")[0][3:]) for c in rows.columns if c.startswith("day") and c.endswith(".mets_bone"))


@claim("COH-1", "cohort", "High tumor IL-11 → poorer outcome; bone metastasis with higher serum IL-11", (54, 55),
       {"cohort": f"tnbc virtual trial, no treatment arm, {COHORT_N} patients, 12 months"},
       "RECIST PFS by baseline tumor IL-11 tertile; serum IL-11 at 12 months by detected bone metastasis",
       "PFS hazard ratio top vs bottom tertile ≥ 1.3; serum IL-11 with bone metastasis ≥ 1.3× without")
def coh1(ctx):
    table, rows, _, det = _trial("coh_claims")
    t = table[table["arm"] == "no treatment"].reset_index(drop=True)
    lo, hi = _tertiles(t["baseline.tumor_IL11_pg_mL"])
    hr = _hr(t[hi].assign(arm="top"), t[lo].assign(arm="bottom"))
    day = _last_day(rows)
    r = rows[(rows["arm"] == "no treatment") & (rows["status"] == "ok")]
    bone = r[f"day{day:g}.mets_bone"] >= det
    il11 = r[f"day{day:g}.serum_IL11_pg_mL"]
    ratio = float(il11[bone].mean() / il11[~bone].mean()) if bone.any() and (~bone).any() else math.nan
    burden = r[f"day{day:g}.mets_bone"]
    obs = {**{f"pfs_{k}": v for k, v in hr.items()}, "patients_with_bone_metastasis": int(bone.sum()),
           "patients_without": int((~bone).sum()), "serum_IL11_ratio_bone_vs_none": ratio,
           # context when no lesion is detected: the bone burden (cells) against the detection threshold
           "bone_burden_median_cells": float(burden.median()), "bone_burden_max_cells": float(burden.max()),
           "detection_threshold_cells": det}
    ok = hr["hazard_ratio"] is not None and hr["hazard_ratio"] >= 1.3 and ratio >= 1.3
    return obs, bool(ok)


@claim("COH-2", "cohort", "High serum IL-6 → more metastatic sites and liver metastasis", (65,),
       {"cohort": f"tnbc virtual trial, no treatment arm, {COHORT_N} patients, 12 months"},
       "detected metastatic organs and liver lesions at 12 months by baseline serum IL-6 tertile",
       "mean detected sites top/bottom tertile ≥ 1.2; share with a detected liver lesion higher in the top tertile")
def coh2(ctx):
    table, rows, _, det = _trial("coh_claims")
    day = _last_day(rows)
    r = rows[(rows["arm"] == "no treatment") & (rows["status"] == "ok")].reset_index(drop=True)
    sites = sum((r[f"day{day:g}.mets_{o}"] >= det).astype(int) for o in ("bone", "lung", "liver"))
    liver = r[f"day{day:g}.mets_liver"] >= det
    lo, hi = _tertiles(r["baseline.serum_IL6_pg_mL"])
    m_hi, m_lo, ratio = _by_tertile(sites, hi, lo)
    tot = r[f"day{day:g}.metastatic_burden"]
    liv = r[f"day{day:g}.mets_liver"]
    obs = {"mean_sites_top": m_hi, "mean_sites_bottom": m_lo, "sites_ratio": ratio,
           "liver_share_top": float(liver[hi].mean()), "liver_share_bottom": float(liver[lo].mean()),
           "n_top": int(hi.sum()), "n_bottom": int(lo.sum()),
           # context when no lesion is detected: burdens (cells) by tertile, and the threshold
           "metastatic_burden_ratio_top_vs_bottom": float(tot[hi].mean() / tot[lo].mean()) if tot[lo].mean() > 0
           else math.nan,
           "liver_burden_ratio_top_vs_bottom": float(liv[hi].mean() / liv[lo].mean()) if liv[lo].mean() > 0 else math.nan,
           "metastatic_burden_max_cells": float(tot.max()), "detection_threshold_cells": det}
    ok = ratio >= 1.2 and obs["liver_share_top"] > obs["liver_share_bottom"]
    return obs, bool(ok)


@claim("COH-3", "cohort", "pSTAT3-high selection enriches responders to STAT3-directed therapy", (146,),
       {"cohort": f"tnbc virtual trial, {STAT3_INHIBITOR} arm, {COHORT_N} patients, 12 months"},
       "RECIST response rate and 12-month progression-free rate by baseline tumor pSTAT3 tertile",
       "top/bottom tertile ≥ 1.5 for the response rate or the 12-month progression-free rate")
def coh3(ctx):
    table, _, _, _ = _trial("coh_claims")
    t = table[table["arm"] == "TTI-101"].reset_index(drop=True)
    lo, hi = _tertiles(t["baseline.tumor.pSTAT3"])
    resp = t["best_response"].isin(["CR", "PR"])
    pf12 = ~(t["pfs_event"].astype(bool) & (t["pfs_days"] <= 364))
    r_hi, r_lo, rr = _by_tertile(resp, hi, lo)
    p_hi, p_lo, pr = _by_tertile(pf12, hi, lo)
    obs = {"response_rate_top": r_hi, "response_rate_bottom": r_lo, "response_ratio": rr,
           "pf12_rate_top": p_hi, "pf12_rate_bottom": p_lo, "pf12_ratio": pr, "n_top": int(hi.sum()),
           "n_bottom": int(lo.sum())}
    return obs, bool((rr >= 1.5) or (pr >= 1.5))


@claim("THx-8", "cohort", "Napabucasin: little effect across all patients; benefit expected in pSTAT3-high", (146,),
       {"trial": f"napabucasin_pstat3 design, {COHORT_N} per arm"},
       "PFS hazard ratio napabucasin vs placebo, ITT and pSTAT3-high, with CIs",
       "ITT hazard ratio ≥ 0.8; the pSTAT3-high hazard ratio reported with its CI and the trial it sides with "
       "(CO.23 pSTAT3+ OS HR 0.41, 0.23–0.73; CanStem303C pSTAT3+ HR 0.969)")
def thx8(ctx):
    _, _, s, _ = _trial("napabucasin_pstat3")
    c = s["comparisons"][0]
    sub = c["subgroups"].get("pstat3_high", {})
    hr_hi = sub.get("hazard_ratio")
    side = None
    if hr_hi is not None:
        side = "CO.23 (predictive: 0.41)" if abs(math.log(hr_hi / 0.41)) < abs(math.log(hr_hi / 0.969)) \
            else "CanStem303C (not predictive: 0.969)"
    obs = {"hazard_ratio_itt": c.get("hazard_ratio"), "hazard_ratio_itt_ci95": c.get("hazard_ratio_ci95"),
           "hazard_ratio_pstat3_high": hr_hi, "hazard_ratio_pstat3_high_ci95": sub.get("hazard_ratio_ci95"),
           "sides_with": side, "n_per_arm": s["arms"]["placebo"]["n"]}
    ok = c.get("hazard_ratio") is not None and c["hazard_ratio"] >= 0.8
    return obs, bool(ok)


@claim("THx-5c", "cohort", "Ruxolitinib phase II in metastatic TNBC: no RECIST response (cohort level)", (115,),
       {"trial": f"ruxolitinib_tnbc_phase2 design (25 mg po bid), {RUX_N} patients"},
       "confirmed RECIST response rate with its exact 95 % CI",
       "response rate's upper 95 % bound below 20 % (a phase II that shows insufficient benefit)")
def thx5c(ctx):
    _, _, s, _ = _trial("ruxolitinib_tnbc_phase2")
    a = s["arms"]["ruxolitinib"]
    obs = {"n": a["n"], "orr": a["orr"], "orr_ci95": a["orr_ci95"], "best_response": a["best_response"],
           "median_pfs_months": a.get("median_pfs_months")}
    return obs, bool(a["orr_ci95"][1] is not None and a["orr_ci95"][1] < 0.20)
