"""Trial statistics (stat3sim.trial.analysis): exact CIs against known values, hazard ratio
and median PFS on simulated exponential data, edge cases, and a summary that is valid JSON."""
from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from stat3sim.trial.analysis import (DAYS_PER_MONTH, AnalysisError, at_risk, clopper_pearson, km_table,
                                     newcombe_difference, summarize)


@pytest.mark.parametrize("k,n,lo,hi", [
    (0, 10, 0.0, 0.3084971),  # 1 − 0.025^(1/10)
    (3, 10, 0.0667395, 0.6524529),
    (10, 10, 0.6915029, 1.0),
    (5, 10, 0.1870860, 0.8129140),
])
def test_clopper_pearson_known_values(k, n, lo, hi):
    got = clopper_pearson(k, n)
    assert got[0] == pytest.approx(lo, abs=1e-6) and got[1] == pytest.approx(hi, abs=1e-6)


def test_clopper_pearson_covers_at_least_95_percent():
    """Exactness: coverage ≥ 95 % at every true p (here a grid, n = 20)."""
    n = 20
    ci = [clopper_pearson(k, n) for k in range(n + 1)]
    from scipy.stats import binom
    for p in np.linspace(0.01, 0.99, 50):
        cover = sum(binom.pmf(k, n, p) for k in range(n + 1) if ci[k][0] <= p <= ci[k][1])
        assert cover >= 0.95 - 1e-9


def test_newcombe_difference():
    # Newcombe 1998 Table II example (56/70 vs 48/80): difference 0.2, 95 % CI 0.0524 to 0.3339
    d, lo, hi = newcombe_difference(56, 70, 48, 80)
    assert d == pytest.approx(0.2) and lo == pytest.approx(0.0524, abs=5e-4) and hi == pytest.approx(0.3339, abs=5e-4)


def _exp_trial(n: int, hr: float, seed: int, median_ctl_months: float = 6.0, censor_days: float | None = None):
    rng = np.random.default_rng(seed)
    lam0 = math.log(2) / (median_ctl_months * DAYS_PER_MONTH)
    rows = []
    for arm, lam in (("control", lam0), ("experimental", lam0 * hr)):
        t = rng.exponential(1 / lam, n)
        event = np.ones(n, bool)
        if censor_days is not None:
            event = t <= censor_days
            t = np.minimum(t, censor_days)
        resp = rng.choice(["PR", "SD", "PD"], size=n, p=[0.3, 0.4, 0.3] if arm == "control" else [0.45, 0.35, 0.2])
        rows.append(pd.DataFrame({"arm": arm, "pfs_days": t, "pfs_event": event, "best_response": resp,
                                  "pdl1_positive": rng.random(n) < 0.4}))
    return pd.concat(rows, ignore_index=True)


def test_hazard_ratio_recovers_the_true_one_on_exponential_data():
    df = _exp_trial(2000, 0.6, seed=1, censor_days=365)
    s = summarize(df, control="control", subgroups=["pdl1_positive"])
    c = s["comparisons"][0]
    assert c["hazard_ratio"] == pytest.approx(0.6, rel=0.08)
    lo, hi = c["hazard_ratio_ci95"]
    assert lo < 0.6 < hi and hi / lo < 1.3
    assert c["logrank_p"] < 1e-10
    # no effect: HR near 1, log-rank not significant at this seed
    c1 = summarize(_exp_trial(2000, 1.0, seed=2), control="control")["comparisons"][0]
    assert c1["hazard_ratio_ci95"][0] < 1.0 < c1["hazard_ratio_ci95"][1]
    # the subgroup (random 40 %) shows the same effect
    sub = c["subgroups"]["pdl1_positive"]
    assert sub["hazard_ratio"] == pytest.approx(0.6, rel=0.15) and sub["n_control"] + sub["n_experimental"] > 1400
    assert "not pdl1_positive" in c["subgroups"]


def test_median_pfs_of_an_exponential_sample():
    df = _exp_trial(3000, 0.5, seed=3)
    s = summarize(df, control="control")
    ctl, exp = s["arms"]["control"], s["arms"]["experimental"]
    assert ctl["median_pfs_months"] == pytest.approx(6.0, rel=0.06)
    assert exp["median_pfs_months"] == pytest.approx(12.0, rel=0.06)
    lo, hi = ctl["median_pfs_ci95_months"]
    assert lo < ctl["median_pfs_months"] < hi and lo < 6.0 < hi
    # KM table and numbers at risk agree with a count
    km = km_table(df, "control")
    assert km.survival.iloc[0] == 1.0 and (np.diff(km.survival) <= 0).all()
    t = df.loc[df.arm == "control", "pfs_days"] / DAYS_PER_MONTH
    assert at_risk(df, "control", [0, 6, 12]) == [3000, int((t >= 6).sum()), int((t >= 12).sum())]


def test_orr_counts_every_patient_and_gives_the_exact_ci():
    df = pd.DataFrame({"arm": ["a"] * 10, "best_response": ["CR", "PR", "PR"] + ["SD"] * 4 + ["PD"] * 2 + ["NE"],
                       "pfs_days": np.arange(10) * 30.0 + 30, "pfs_event": [True] * 10})
    s = summarize(df)
    a = s["arms"]["a"]
    assert a["n"] == 10 and a["orr"] == pytest.approx(0.3) and a["responders"] == 3
    assert a["orr_ci95"] == pytest.approx([0.0667395, 0.6524529], abs=1e-6)
    assert a["best_response"] == {"CR": 1, "PR": 2, "SD": 4, "PD": 2, "NE": 1}
    assert s["comparisons"] == [], "single-arm trial: no comparison"


def test_no_events_gives_null_not_nan_and_says_why():
    df = _exp_trial(50, 1.0, seed=4)
    df.loc[df.arm == "experimental", "pfs_event"] = False
    s = summarize(df, control="control", subgroups=["pdl1_positive"])
    text = json.dumps(s, allow_nan=False)
    assert "NaN" not in text and "Infinity" not in text
    assert s["arms"]["experimental"]["median_pfs_months"] is None
    assert "not reached" in s["arms"]["experimental"]["median_pfs_note"]
    c = s["comparisons"][0]
    assert c["hazard_ratio"] is None and c["hazard_ratio_ci95"] is None
    assert "experimental" in c["hazard_ratio_note"] and c["logrank_p"] is not None
    df["pfs_event"] = False
    c = summarize(df, control="control")["comparisons"][0]
    assert c["hazard_ratio"] is None and c["logrank_p"] is None and "either arm" in c["hazard_ratio_note"]


def test_tiny_subgroups_are_skipped_with_the_reason():
    df = _exp_trial(30, 0.7, seed=5)
    df["jak2_amp"] = False
    df.loc[df.index[:3], "jak2_amp"] = True  # 3 control patients, none experimental
    s = summarize(df, control="control", subgroups=["jak2_amp"])
    sub = s["comparisons"][0]["subgroups"]
    assert "skipped" in sub["jak2_amp"] and "fewer than 10" in sub["jak2_amp"]["skipped"]
    assert "hazard_ratio" in sub["not jak2_amp"]
    assert s["arms"]["experimental"]["subgroups"]["jak2_amp"]["n"] == 0
    json.dumps(s, allow_nan=False)


def test_summary_shape_is_what_summary_json_names():
    s = summarize(_exp_trial(100, 0.7, seed=6), control="control", subgroups=["pdl1_positive"],
                  arms=["experimental", "control"])
    assert list(s["arms"]) == ["experimental", "control"]
    for a in s["arms"].values():
        assert {"n", "orr", "orr_ci95", "median_pfs_months", "median_pfs_ci95_months", "best_response"} <= set(a)
    c = s["comparisons"][0]
    assert {"hazard_ratio", "hazard_ratio_ci95", "logrank_p", "orr_difference", "subgroups"} <= set(c)
    assert c["experimental"] == "experimental" and c["control"] == "control"
    assert json.loads(json.dumps(s, allow_nan=False)) == s


@pytest.mark.parametrize("change,field", [
    (lambda d: d.drop(columns="pfs_event"), "table"),
    (lambda d: d.assign(best_response="XR"), "best_response"),
    (lambda d: d.assign(pfs_days=-1.0), "pfs_days"),
])
def test_bad_tables_name_the_field(change, field):
    with pytest.raises(AnalysisError) as e:
        summarize(change(_exp_trial(10, 1.0, seed=7)))
    assert e.value.field == field
    with pytest.raises(AnalysisError) as e:
        summarize(_exp_trial(10, 1.0, seed=7), control="placebo")
    assert e.value.field == "control"
    with pytest.raises(AnalysisError) as e:
        summarize(_exp_trial(10, 1.0, seed=7), subgroups=["il6_high"])
    assert e.value.field == "subgroups"
