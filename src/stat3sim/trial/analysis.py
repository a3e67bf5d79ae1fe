"""A trial's statistics, as its report would give them: per arm response rate and median
PFS with their 95 % CIs, per comparison hazard ratio, log-rank p and ORR difference,
overall and per subgroup; a JSON-able ``summary.json``.

Input: one row per patient and arm (:func:`stat3sim.trial.recist.read_trial`'s columns
``arm``, ``best_response``, ``pfs_days``, ``pfs_event``) with boolean subgroup columns
(``pstat3_high``, ``pdl1_positive`` …). Conventions:

* **ORR** = (CR + PR) / all patients of the arm (intention to treat: NE counts as no
  response); 95 % CI exact (Clopper–Pearson, from beta quantiles). ORR difference
  (experimental − control) with Newcombe's hybrid-score 95 % CI (Newcombe 1998, Stat Med
  17:873, method 10, from Wilson intervals).
* **PFS** in months = days / :data:`DAYS_PER_MONTH` (30.4375 = 365.25 / 12). Kaplan–Meier
  per arm (lifelines ``KaplanMeierFitter``); the median's 95 % CI is where the KM curve's
  pointwise CI (lifelines' default: exponential Greenwood, log(−log) scale) crosses 0.5; a
  median or bound not reached is ``None`` in JSON.
* **Hazard ratio** experimental vs control: Cox proportional hazards on an arm indicator
  (lifelines ``CoxPHFitter``, Efron ties), Wald 95 % CI; **log-rank** p two-sided
  (lifelines ``logrank_test``). With no event in one arm the Cox estimate diverges: HR and
  CI are ``None`` with the reason (log-rank p is still given while any event occurred).
* **Subgroups**: each boolean column splits every arm into the subgroup and its complement
  (``not <name>``); the same statistics are computed within each. Treatment × subgroup
  interaction is not tested (left out: a trial's forest plot shows subgroup HRs; an
  interaction test needs a pre-specified model). A subgroup with fewer than
  ``min_subgroup_n`` (default :data:`MIN_SUBGROUP_N`) patients in an arm it compares is
  skipped with the reason.
"""
from __future__ import annotations

import math
import warnings
from typing import Iterable, Sequence

import numpy as np
import pandas as pd
from scipy import stats

#: days per month (365.25 / 12) for PFS in months
DAYS_PER_MONTH = 30.4375
#: the smallest number of patients per compared arm for a subgroup's statistics (assumed:
#: below 10 per arm a hazard ratio's 95 % CI typically spans more than tenfold)
MIN_SUBGROUP_N = 10
RESPONSES = ("CR", "PR", "SD", "PD", "NE")
CONVENTIONS = {
    "orr": "(CR + PR) / all patients of the arm (NE counts as no response)",
    "orr_ci95": "exact Clopper-Pearson (beta quantiles)",
    "orr_difference_ci95": "Newcombe hybrid score (method 10, Wilson intervals)",
    "pfs_months": f"days / {DAYS_PER_MONTH} (365.25 / 12)",
    "median_pfs_ci95_months": "Kaplan-Meier (lifelines), where the pointwise 95 % CI (exponential Greenwood) "
                              "crosses 0.5; null = not reached",
    "hazard_ratio": "Cox proportional hazards on the arm indicator (lifelines CoxPHFitter, Efron ties), Wald 95 % CI",
    "logrank_p": "two-sided log-rank test (lifelines)",
    "subgroups": "each boolean column and its complement ('not <name>'); treatment x subgroup interaction not tested",
}


class AnalysisError(ValueError):
    """Input that cannot be analysed: ``field`` names it."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


# --- small statistics -----------------------------------------------------------------

def clopper_pearson(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Exact two-sided CI of a binomial proportion k/n (Clopper–Pearson)."""
    if n <= 0 or not (0 <= k <= n):
        raise AnalysisError("n", f"need 0 <= k <= n and n > 0, got k={k}, n={n}")
    a = 1.0 - level
    lo = 0.0 if k == 0 else float(stats.beta.ppf(a / 2, k, n - k + 1))
    hi = 1.0 if k == n else float(stats.beta.ppf(1 - a / 2, k + 1, n - k))
    return lo, hi


def wilson(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of k/n."""
    z = float(stats.norm.ppf(1 - (1 - level) / 2))
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def newcombe_difference(k1: int, n1: int, k2: int, n2: int, level: float = 0.95) -> tuple[float, float, float]:
    """(p1 − p2, lower, upper): Newcombe's hybrid-score CI of a difference of proportions."""
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = wilson(k1, n1, level)
    l2, u2 = wilson(k2, n2, level)
    d = p1 - p2
    return d, d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)


def _num(x) -> float | None:
    """A finite float, else None (JSON has no NaN or infinity)."""
    if x is None:
        return None
    try:
        x = float(x)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def jsonable(obj):
    """``obj`` with NaN/inf -> None and numpy scalars -> Python (for ``json.dumps(allow_nan=False)``)."""
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [jsonable(v) for v in obj]
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        return _num(obj)
    return obj


# --- per arm ----------------------------------------------------------------------------

def _check(df: pd.DataFrame) -> None:
    need = ("arm", "best_response", "pfs_days", "pfs_event")
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise AnalysisError("table", f"missing columns: {', '.join(missing)} (read_trial's output has them)")
    bad = sorted(set(df["best_response"]) - set(RESPONSES))
    if bad:
        raise AnalysisError("best_response", f"unknown responses {bad}; allowed: {', '.join(RESPONSES)}")
    if (df["pfs_days"] < 0).any() or df["pfs_days"].isna().any():
        raise AnalysisError("pfs_days", "must be ≥ 0 and not missing")


def kaplan_meier(days: Sequence[float], events: Sequence[bool], label: str = "arm"):
    """A fitted lifelines ``KaplanMeierFitter`` on PFS in months."""
    from lifelines import KaplanMeierFitter

    kmf = KaplanMeierFitter(label=label)
    kmf.fit(np.asarray(days, float) / DAYS_PER_MONTH, np.asarray(events, bool))
    return kmf


def median_pfs(kmf) -> tuple[float, float, float]:
    """(median, lower, upper) in months; NaN where not reached."""
    from lifelines.utils import median_survival_times

    med = float(kmf.median_survival_time_)
    ci = median_survival_times(kmf.confidence_interval_)
    lo, hi = float(ci.iloc[0, 0]), float(ci.iloc[0, 1])
    return tuple(x if math.isfinite(x) else math.nan for x in (med, lo, hi))


def arm_stats(g: pd.DataFrame) -> dict:
    """n, ORR with CI, best-response counts, events and median PFS with CI of one arm."""
    n = int(len(g))
    counts = {r: int((g["best_response"] == r).sum()) for r in RESPONSES}
    out: dict = {"n": n, "best_response": counts}
    if n == 0:
        return out | {"orr": None, "orr_ci95": None, "median_pfs_months": None, "median_pfs_ci95_months": None,
                      "pfs_events": 0}
    k = counts["CR"] + counts["PR"]
    lo, hi = clopper_pearson(k, n)
    kmf = kaplan_meier(g["pfs_days"], g["pfs_event"])
    med, mlo, mhi = median_pfs(kmf)
    events = int(np.asarray(g["pfs_event"], bool).sum())
    out |= {"responders": k, "orr": k / n, "orr_ci95": [lo, hi], "pfs_events": events,
            "median_pfs_months": med, "median_pfs_ci95_months": [mlo, mhi]}
    if events == 0:
        out["median_pfs_note"] = "no progression in this arm: median not reached"
    elif math.isnan(med):
        out["median_pfs_note"] = "fewer than half progressed: median not reached"
    return out


# --- comparisons ------------------------------------------------------------------------

def compare(exp: pd.DataFrame, ctl: pd.DataFrame) -> dict:
    """Hazard ratio (Cox), log-rank p and ORR difference of ``exp`` vs ``ctl``."""
    from lifelines import CoxPHFitter
    from lifelines.statistics import logrank_test

    n1, n0 = len(exp), len(ctl)
    e1, e0 = int(np.asarray(exp["pfs_event"], bool).sum()), int(np.asarray(ctl["pfs_event"], bool).sum())
    k1 = int(exp["best_response"].isin(("CR", "PR")).sum())
    k0 = int(ctl["best_response"].isin(("CR", "PR")).sum())
    out: dict = {"n_experimental": n1, "n_control": n0, "events_experimental": e1, "events_control": e0}
    if n1 and n0:
        d, lo, hi = newcombe_difference(k1, n1, k0, n0)
        out |= {"orr_difference": d, "orr_difference_ci95": [lo, hi]}
    else:
        out |= {"orr_difference": None, "orr_difference_ci95": None}
    if e1 + e0 == 0:
        return out | {"hazard_ratio": None, "hazard_ratio_ci95": None, "logrank_p": None,
                      "hazard_ratio_note": "no progression in either arm: hazard ratio undefined"}
    t1, t0 = np.asarray(exp["pfs_days"], float), np.asarray(ctl["pfs_days"], float)
    lr = logrank_test(t1, t0, event_observed_A=np.asarray(exp["pfs_event"], bool),
                      event_observed_B=np.asarray(ctl["pfs_event"], bool))
    out["logrank_p"] = float(lr.p_value)
    if e1 == 0 or e0 == 0:
        which = "experimental" if e1 == 0 else "control"
        return out | {"hazard_ratio": None, "hazard_ratio_ci95": None,
                      "hazard_ratio_note": f"no progression in the {which} arm: the Cox estimate diverges"}
    df = pd.DataFrame({"T": np.concatenate([t1, t0]) / DAYS_PER_MONTH,
                       "E": np.concatenate([exp["pfs_event"], ctl["pfs_event"]]).astype(bool),
                       "experimental": np.r_[np.ones(n1), np.zeros(n0)]})
    cph = CoxPHFitter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cph.fit(df, duration_col="T", event_col="E")
    s = cph.summary.loc["experimental"]
    out |= {"hazard_ratio": float(s["exp(coef)"]),
            "hazard_ratio_ci95": [float(s["exp(coef) lower 95%"]), float(s["exp(coef) upper 95%"])]}
    return out


def _subsets(df: pd.DataFrame, subgroups: Iterable[str]) -> list[tuple[str, pd.Series]]:
    out = []
    for sg in subgroups:
        if sg not in df.columns:
            raise AnalysisError("subgroups", f"no column {sg!r} in the table")
        col = df[sg]
        if col.isna().any() or not set(pd.unique(col)) <= {True, False}:
            raise AnalysisError(sg, "a subgroup column must be boolean without missing values")
        mask = col.astype(bool)
        out += [(sg, mask), (f"not {sg}", ~mask)]
    return out


def summarize(patients: pd.DataFrame, *, control: str | None = None, subgroups: Sequence[str] = (),
              arms: Sequence[str] | None = None, min_subgroup_n: int = MIN_SUBGROUP_N) -> dict:
    """The trial's summary (JSON-able: NaN and infinity are None).

    ``arms`` gives the order (default: the table's order of first appearance); ``control``
    the arm every other arm is compared with (None or a single-arm trial: no comparisons).
    Shape::

        {"arms": {arm: {n, orr, orr_ci95, median_pfs_months, median_pfs_ci95_months,
                        best_response: {CR, PR, SD, PD, NE}, responders, pfs_events,
                        subgroups: {name: {...the same...}}}},
         "comparisons": [{experimental, control, hazard_ratio, hazard_ratio_ci95, logrank_p,
                          orr_difference, orr_difference_ci95, n_*, events_*,
                          subgroups: {name: {...the same... | skipped}}}],
         "conventions": {...}, "min_subgroup_n": N}
    """
    _check(patients)
    patients = patients.reset_index(drop=True)
    order = list(arms) if arms is not None else list(dict.fromkeys(patients["arm"]))
    unknown = sorted(set(patients["arm"]) - set(order))
    if unknown:
        raise AnalysisError("arms", f"arms in the table but not in the order given: {unknown}")
    if control is not None and control not in order:
        raise AnalysisError("control", f"unknown arm {control!r}; arms: {', '.join(order)}")
    subs = _subsets(patients, subgroups)
    out: dict = {"arms": {}, "comparisons": [], "conventions": CONVENTIONS, "min_subgroup_n": int(min_subgroup_n)}
    for arm in order:
        g = patients[patients["arm"] == arm]
        entry = arm_stats(g)
        entry["subgroups"] = {name: arm_stats(g[mask[g.index]]) for name, mask in subs}
        out["arms"][arm] = entry
    if control is not None and len(order) > 1:
        ctl = patients[patients["arm"] == control]
        for arm in order:
            if arm == control:
                continue
            exp = patients[patients["arm"] == arm]
            comp = {"experimental": arm, "control": control} | compare(exp, ctl)
            comp["subgroups"] = {}
            for name, mask in subs:
                e, c = exp[mask[exp.index]], ctl[mask[ctl.index]]
                if min(len(e), len(c)) < min_subgroup_n:
                    comp["subgroups"][name] = {
                        "skipped": f"fewer than {min_subgroup_n} patients in an arm "
                                   f"({arm}: {len(e)}, {control}: {len(c)})",
                        "n_experimental": len(e), "n_control": len(c)}
                else:
                    comp["subgroups"][name] = compare(e, c)
            out["comparisons"].append(comp)
    return jsonable(out)


def km_table(patients: pd.DataFrame, arm: str) -> pd.DataFrame:
    """One arm's Kaplan–Meier curve: months, survival, 95 % CI, at risk, events, censored."""
    g = patients[patients["arm"] == arm]
    if g.empty:
        raise AnalysisError("arm", f"no patients in arm {arm!r}")
    kmf = kaplan_meier(g["pfs_days"], g["pfs_event"], label=str(arm))
    sf = kmf.survival_function_.iloc[:, 0]
    ci = kmf.confidence_interval_
    ev = kmf.event_table
    return pd.DataFrame({"months": sf.index.to_numpy(float), "survival": sf.to_numpy(float),
                         "ci_lower": ci.iloc[:, 0].to_numpy(float), "ci_upper": ci.iloc[:, 1].to_numpy(float),
                         "at_risk": ev["at_risk"].reindex(sf.index).to_numpy(int),
                         "events": ev["observed"].reindex(sf.index).to_numpy(int),
                         "censored": ev["censored"].reindex(sf.index).to_numpy(int)})


def at_risk(patients: pd.DataFrame, arm: str, months: Sequence[float]) -> list[int]:
    """Numbers at risk (PFS time ≥ t, months) of one arm at each time (the KM table's row)."""
    t = patients.loc[patients["arm"] == arm, "pfs_days"].to_numpy(float) / DAYS_PER_MONTH
    return [int((t >= m - 1e-12).sum()) for m in months]


__all__ = ["AnalysisError", "CONVENTIONS", "DAYS_PER_MONTH", "MIN_SUBGROUP_N", "arm_stats", "at_risk",
           "clopper_pearson", "compare", "jsonable", "kaplan_meier", "km_table", "median_pfs", "newcombe_difference",
           "summarize", "wilson"]
