"""Run a virtual trial on the cohort machinery: screening, enrolment, every arm, RECIST,
analysis.

1. **Screening.** ``n_screen`` patients are sampled from the subtype's distributions
   (``cohort.population``; the seed fixes them), each grown to its own diagnosis and
   checked for plausibility (``cohort.runner`` with no arms). The burn-in states are kept
   in ``<out>/burnin``. With fewer eligible patients than N, a sample twice as large is
   screened (``<out>/screening``; a re-screen adds a new batch after the screened patients,
   who keep their results), up to 8 times the first.
2. **Enrolment.** The plausible patients that meet every inclusion criterion of the design
   (``design.eligible``; a quantile threshold is taken over the plausible screened
   patients), in patient order, up to ``n_per_arm``.
3. **Arms.** Every enrolled patient is run in every arm from its one state at diagnosis
   (virtual twins: the burn-in is paid once per patient, not once per arm), for the
   design's follow-up, with readouts on the scan days. With a randomisation ratio other
   than 1:1 an arm takes the first ``n_per_arm × ratio / max ratio`` enrolled patients.
4. **RECIST 1.1** (``trial.recist``): the primary tumor is the target lesion (its
   equivalent-sphere diameter stands for the sum of target diameters); an organ whose
   metastatic burden reaches the model's detection threshold (``detect_cells``, a ~5 mm
   lesion) at a scan, not detected at baseline, is a new lesion (PD).
5. **Analysis** (``trial.analysis``, lifelines): ORR with exact CIs, median PFS, Cox HR,
   log-rank, subgroups; the published outcomes of the design next to the predicted ones.

Each arm's patients are different virtual patients in a real trial; here they are the
same patients (twins), so a comparison's CI is that of a parallel-group trial of the
same size (conservative for twins).
"""
from __future__ import annotations

import json
import math
import time
from pathlib import Path

import numpy as np
import pandas as pd

from ..cohort.runner import ArmPlan, execute, prepare, read_results

ORGANS = ("bone", "lung", "liver")
#: assumed share of sampled patients that are plausible (the shipped tnbc population keeps
#: ~30–40 %); used only to size the first screening (too few eligible: twice as many)
PLAUSIBLE_SHARE = 0.3
#: share of the plausible patients an absolute-threshold criterion is assumed to keep
#: (screening size only)
ABSOLUTE_CRITERION_SHARE = 0.5


class TrialError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


def screening_size(design, n_per_arm: int) -> int:
    """How many patients to screen for ``n_per_arm`` enrolled: n / (plausible share ×
    the inclusion criteria's expected share) with 25 % to spare."""
    share = PLAUSIBLE_SHARE
    for c in design.inclusion:
        if c.quantile is not None:
            share *= (1.0 - c.quantile) if c.op in (">", ">=") else c.quantile
        else:
            share *= ABSOLUTE_CRITERION_SHARE
    return int(math.ceil(n_per_arm / max(share, 1e-3) * 1.25))


def _baseline(df: pd.DataFrame) -> pd.DataFrame:
    """One row per patient: patient_id, status, reason and the baseline readouts without
    their ``baseline.`` prefix."""
    first = df.drop_duplicates("patient_id").set_index("patient_id")
    cols = {c: c[len("baseline."):] for c in first.columns if c.startswith("baseline.")}
    out = first[["status", "reason", *cols]].rename(columns=cols)
    return out


def enrol(design, screened: pd.DataFrame, n_per_arm: int) -> tuple[list[int], dict]:
    """The enrolled patient ids and the screening counts (CONSORT-like)."""
    from .design import _holds, eligible

    base = _baseline(screened)
    ok = base[base["status"] == "ok"]
    counts = {"screened": int(len(base)),
              "implausible": int((base["status"] == "rejected").sum()),
              "solver_failed": int((base["status"] == "solver failed").sum()),
              "implausible_by_reason": {k: int(v) for k, v in
                                        base.loc[base["status"] == "rejected", "reason"].value_counts().items()},
              "plausible": int(len(ok))}
    if ok.empty:
        return [], {**counts, "eligible": 0, "enrolled": 0, "not_eligible_by_criterion": {}}
    keep = eligible(design, ok)
    counts["not_eligible_by_criterion"] = {f"{c.readout} {c.op} {c.value if c.quantile is None else f'q{c.quantile:g}'}":
                                           int((~_holds(c, ok[c.readout])).sum()) for c in design.inclusion}
    ids = [int(i) for i in ok.index[keep.to_numpy()]]
    counts["eligible"] = len(ids)
    ids = sorted(ids)[:n_per_arm]
    counts["enrolled"] = len(ids)
    return ids, counts


def scan_table(design, results: pd.DataFrame, detect_cells: float) -> pd.DataFrame:
    """The long table RECIST reads: one row per patient, arm and scan (day 0 = baseline):
    ``lesion_primary`` (mm) and ``new_lesion`` (an organ detected at this scan that was
    not at baseline). Rows of a patient whose arm failed in the solver are left out."""
    days = design.scan_days()
    df = results[results["status"] == "ok"]
    if df.empty:
        return pd.DataFrame(columns=["patient", "arm", "scan_day", "lesion_primary", "new_lesion"])
    out = []
    base_det = {o: df[f"baseline.mets_{o}"].to_numpy(float) >= detect_cells for o in ORGANS}
    for k, day in enumerate(days):
        if day == 0:
            d = df["baseline.tumor_diameter_mm"].to_numpy(float)
            new = np.zeros(len(df), bool)
        else:
            d = df[f"day{day:g}.tumor_diameter_mm"].to_numpy(float)
            new = np.zeros(len(df), bool)
            for o in ORGANS:
                new |= (df[f"day{day:g}.mets_{o}"].to_numpy(float) >= detect_cells) & ~base_det[o]
        out.append(pd.DataFrame({"patient": df["patient_id"].to_numpy(), "arm": df["arm"].to_numpy(),
                                 "scan_day": day, "lesion_primary": d, "new_lesion": new}))
    return pd.concat(out, ignore_index=True)


def allocation(design, enrolled: list[int]) -> dict[str, list[int]]:
    """The patients each arm takes (all of them at 1:1)."""
    top = max((design.ratio(a) for a in design.arm_names), default=1)
    return {a: enrolled[: int(round(len(enrolled) * design.ratio(a) / top))] for a in design.arm_names}


def published_vs_predicted(design, summary: dict) -> list[dict]:
    """Each published outcome of the design next to the model's number for the same arm,
    population and endpoint, with the error (predicted − published)."""
    rows = []
    for p in design.published:
        arm = summary["arms"].get(p.arm)
        if arm is None:
            continue
        pop = arm if p.population == "ITT" else arm.get("subgroups", {}).get(p.population)
        comp = None
        if p.versus is not None:
            for c in summary.get("comparisons", []):
                if c["experimental"] == p.arm and c["control"] == p.versus:
                    comp = c if p.population == "ITT" else c.get("subgroups", {}).get(p.population)
        for key, pub in (("orr", p.orr), ("median_pfs_months", p.median_pfs_months)):
            if pub is None:
                continue
            pred = None if pop is None else pop.get(key)
            ci = None if pop is None else pop.get("orr_ci95" if key == "orr" else "median_pfs_ci95_months")
            rows.append({"arm": p.arm, "population": p.population, "role": p.role, "endpoint": key,
                         "published": pub, "published_ci95": p.orr_ci95 if key == "orr" else p.median_pfs_ci95_months,
                         "predicted": pred, "predicted_ci95": ci,
                         "error": None if pred is None else pred - pub, "source": p.source, "tag": p.tag,
                         "note": p.note})
        if p.hazard_ratio is not None and (p.hazard_ratio_endpoint or "pfs") == "pfs":
            pred = None if comp is None else comp.get("hazard_ratio")
            rows.append({"arm": p.arm, "population": p.population, "role": p.role, "endpoint": f"hazard_ratio_pfs vs {p.versus}",
                         "published": p.hazard_ratio, "published_ci95": p.hazard_ratio_ci95,
                         "predicted": pred, "predicted_ci95": None if comp is None else comp.get("hazard_ratio_ci95"),
                         "error": None if pred is None else pred - p.hazard_ratio, "source": p.source, "tag": p.tag,
                         "note": p.note})
    return rows


def detect_cells(scenario) -> float:
    from .. import runs

    return float(runs.build(scenario).parameter("met_detect_cells").value)


def run(design, n_per_arm: int, seed: int, out: Path, client, *, progress=None, n_screen: int | None = None) -> dict:
    """Screen, enrol, run every arm, read and analyse; writes into ``out`` and returns the
    summary. ``progress(stage, k)`` is told of each patient done."""
    from ..scenarios import load_scenario
    from . import analysis
    from .design import subgroup_flags
    from .recist import read_trial

    t0 = time.perf_counter()
    sc = load_scenario(design.scenario)
    n_screen = n_screen or screening_size(design, n_per_arm)
    days = float(design.followup_days)
    scans = [d for d in design.scan_days() if d > 0]
    # screen; with too few eligible, screen as many patients again (a new seeded batch after
    # those screened, who keep their results: the same seed and sizes always give the same
    # patients), up to 8 times the first size
    first, extensions = n_screen, ()
    sess_s = {"wall_s": 0.0, "workers": 0, "patients_run": 0}
    folder = out / "screening"
    while True:
        plan_s, patients, info_s = prepare(sc, first, seed, days=days, arms=(), readout_days=(days,), out=out,
                                           extensions=extensions)
        folder.mkdir(parents=True, exist_ok=True)
        _write_json(folder / "cohort.json", info_s)
        s_ = execute(plan_s, patients, folder, client,
                     progress=(lambda k: progress("screening", k)) if progress else None)
        sess_s = {"wall_s": sess_s["wall_s"] + s_["wall_s"], "workers": max(sess_s["workers"], s_["workers"]),
                  "patients_run": sess_s["patients_run"] + s_["patients_run"]}
        screened = read_results(folder)
        enrolled, counts = enrol(design, screened, n_per_arm)
        n_screen = len(patients)
        if len(enrolled) >= n_per_arm or n_screen >= 8 * first:
            break
        extensions = (*extensions, n_screen)
    if not enrolled:
        raise TrialError("--n", f"no screened patient is eligible ({counts['plausible']} plausible of "
                                f"{counts['screened']}); screen more with --screen")
    arms = tuple(ArmPlan(a.name, tuple(a.regimens)) for a in design.arms)
    plan_a, patients_a, info_a = prepare(sc, first, seed, days=days, arms=arms, readout_days=tuple(scans), out=out,
                                         extensions=extensions)
    (out / "arms").mkdir(parents=True, exist_ok=True)
    _write_json(out / "arms" / "cohort.json", info_a)
    todo = patients_a[patients_a["patient_id"].isin(enrolled)]
    sess_a = execute(plan_a, todo, out / "arms", client, progress=(lambda k: progress("arms", k)) if progress else None)
    results = read_results(out / "arms")
    alloc = allocation(design, enrolled)
    results = pd.concat([results[(results["arm"] == a) & results["patient_id"].isin(ids)] for a, ids in alloc.items()],
                        ignore_index=True)
    failed = results[results["status"] != "ok"]
    long = scan_table(design, results, detect_cells(sc))
    long.to_parquet(out / "scans.parquet", index=False)
    reading = read_trial(long, lesion_columns=["lesion_primary"], followup_days=days, confirm=design.confirmation)
    base = _baseline(screened).loc[enrolled]
    flags = subgroup_flags(design, base)
    table = reading.merge(flags, left_on="patient", right_index=True, how="left")
    table = table.merge(base.drop(columns=["status", "reason"]).add_prefix("baseline."), left_on="patient",
                        right_index=True, how="left")
    table.to_parquet(out / "patients.parquet", index=False)
    summary = analysis.summarize(table, control=design.control, subgroups=[s.name for s in design.subgroups],
                                 arms=design.arm_names)
    summary["published_vs_predicted"] = published_vs_predicted(design, summary)
    summary["design"] = {"name": design.name, "title": design.title, "source": design.source,
                         "scenario": design.scenario, "arms": [a.model_dump() for a in design.arms],
                         "control": design.control, "imaging_every_weeks": design.imaging_every_weeks,
                         "followup_days": design.followup_days, "confirmation": design.confirmation}
    summary["enrolment"] = {**counts, "n_per_arm": n_per_arm, "allocation": {a: len(v) for a, v in alloc.items()},
                            "arm_solver_failures": [{"patient_id": int(r.patient_id), "arm": r.arm, "message": r.reason}
                                                    for r in failed.itertuples()]}
    summary["method"] = {
        "twins": "every enrolled patient runs in every arm from its one state at diagnosis; comparisons are "
                 "analysed as a parallel-group trial of the same size",
        "target_lesion": "the primary tumor's equivalent-sphere diameter (mm)",
        "new_lesion": "an organ (bone, lung, liver) whose metastatic burden reaches detect_cells (~5 mm lesion) "
                      "at a scan, not detected at baseline",
        "seed": int(seed), "n_screen": int(n_screen)}
    summary["timing"] = {"screening_s": sess_s["wall_s"], "arms_s": sess_a["wall_s"],
                         "total_s": time.perf_counter() - t0, "workers": max(sess_s["workers"], sess_a["workers"]),
                         "burnins_from_cache_in_arms": sess_a["burnins_from_cache"],
                         "patients_screened_this_session": sess_s["patients_run"],
                         "patients_run_in_arms_this_session": sess_a["patients_run"]}
    from .analysis import jsonable

    summary = jsonable(summary)
    _write_json(out / "summary.json", summary)
    return summary


def _write_json(path: Path, obj) -> None:
    from .._io import atomic_write

    atomic_write(path, lambda tmp: Path(tmp).write_text(json.dumps(obj, indent=2, default=float)))
