"""Run a virtual cohort on Dask: patients in parallel, results streamed to Parquet parts,
resumable.

The client samples every patient up front (``population.sample``: the seed fixes them),
then submits one task per patient to a ``dask.distributed`` cluster (a local one with
``workers`` processes, or an existing scheduler). A task burns its patient in
(``burnin.burn_in``, or the state cached under the patient's hash), checks plausibility,
then runs every arm from that one state. Each worker process compiles each model structure
once (the burn-in network and one per arm) and re-uses it for every patient. Results come
back to the client, which writes them as Parquet parts (``parts/part-NNNNN.parquet``, each
written atomically) every few patients; ``--resume`` reads the parts, skips the patients
they hold and goes on: nothing is computed twice and no row is written twice.

A patient's results depend only on its parameters (each run starts from a reset or a saved
state), so the same seed gives the same rows on any number of workers. A solve that fails
is retried once at safer settings (``burnin.SAFE``); if it fails again the patient's row
says "solver failed" with the solver's message and the cohort goes on. libRoadRunner's
own log lines are switched off in the workers.
"""
from __future__ import annotations

import hashlib
from contextlib import contextmanager
import json
import logging
import math
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .burnin import (MAX_DAYS, POPULATION, SAFE, BurnIn, BurninCache, SolverFailed, burn_in, burnin_key, full_state,
                     readouts_at)
from .population import implausible, plausible_ranges

#: readouts recorded on each day of ``readout_days`` in every arm (besides the volume change)
DAY_READOUTS = ("tumor_volume_mm3", "tumor_diameter_mm", "tumor.pSTAT3", "CD8_per_mL", "serum_IL6_pg_mL",
                "metastatic_burden", "mets_bone", "mets_lung", "mets_liver", "serum_IL11_pg_mL")
#: readouts of the optional time courses (``timecourses/part-NNNNN.parquet``)
TIMECOURSE_READOUTS = ("tumor_volume_mm3", "tumor_diameter_mm", "tumor.pSTAT3", "CD8_per_mL", "M2_fraction",
                       "MDSC_count", "serum_IL6_pg_mL", "serum_IL11_pg_mL")
STATUSES = ("ok", "rejected", "solver failed")
#: the arm name of a cohort run without arms (burn-in and plausibility only: a trial's screening)
SCREENING = "screening"


@dataclass(frozen=True)
class ArmPlan:
    name: str
    therapies: tuple[str, ...] = ()


@dataclass(frozen=True)
class CohortPlan:
    """What every task needs (picklable): the scenario, arms, horizon, readout days."""

    scenario: object
    arms: tuple[ArmPlan, ...]
    days: float
    readout_days: tuple[float, ...]
    covariates: tuple[str, ...]
    timecourses: bool = False
    burnin_dir: str | None = None
    version: str = ""

    @property
    def key(self) -> str:
        blob = json.dumps([self.scenario.model_dump_json(), [(a.name, a.therapies) for a in self.arms], self.days,
                           self.readout_days, self.covariates, self.timecourses, self.version])
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


# ------------------------------------------------------------------- worker side
@dataclass
class _Models:
    """One worker's compiled models for a plan: the burn-in network, one per arm."""

    burn_net: object
    burn_sim: object
    arms: dict
    ranges: list
    structure: str
    scenario_json: str
    compiles: int = 0
    loaded: int = 0


_MODELS: dict[str, _Models] = {}
_COUNTS = {"compiled": 0, "disk cache": 0}


def _quiet_solver() -> None:
    """libRoadRunner's log lines (CVODE errors of a failing patient) stay off the terminal:
    the message is in the results."""
    import roadrunner

    roadrunner.Logger.setLevel(roadrunner.Logger.LOG_FATAL)
    roadrunner.Logger.disableConsoleLogging()


def _new_simulator(net):
    from ..engine.roadrunner import Simulator

    sim = Simulator(net)
    _COUNTS[sim.origin] = _COUNTS.get(sim.origin, 0) + 1
    return sim


def _scenario_at(scenario, diameter_mm: float | None = None, patient: tuple[float, float] | None = None):
    upd: dict = {}
    if diameter_mm is not None:
        upd.update({"initial_diameter_mm": diameter_mm, "initial_volume_mm3": None})
    if patient is not None:
        from ..scenarios.schema import Patient

        upd["patient"] = Patient(weight_kg=patient[0], bsa_m2=patient[1])
    return scenario.model_copy(update=upd)


def burnin_network(scenario):
    """The scenario's reduced network for the burn-in: no therapies, the tumor held at the
    start size (``burnin.START_DIAMETER_MM``)."""
    from .. import runs
    from ..model.reduce import reduce_network
    from .burnin import START_DIAMETER_MM

    sc = _scenario_at(scenario, START_DIAMETER_MM).model_copy(update={"therapies": []})
    return reduce_network(runs.build(sc))


def _arm_protocol(scenario, arm: ArmPlan, days: float, patient: tuple[float, float] | None):
    """(network as built, stimuli at 0, schedule, atol floors) of one arm for one patient
    (the run layer's :func:`~stat3sim.runs.build` and :func:`~stat3sim.runs.dosing`)."""
    from .. import runs

    sc = _scenario_at(scenario, patient=patient) if patient is not None else scenario
    run_arm = runs.Arm(arm.name, therapies=list(arm.therapies))
    net = runs.build(sc, run_arm)
    doses = runs.dosing(sc, run_arm, days)
    return net, doses.stimuli, tuple(doses.schedule), doses.floors


def _reduce_for(net, keep: set, burn_net):
    """``net`` reduced so that it can start from a burn-in state: nothing the burn-in kept
    as a state is made a constant, nothing is folded that the burn-in did not fold."""
    from ..model.reduce import reduce_network

    burn_states = {s.id for s in burn_net.species}
    burn_folds = set(burn_net.folded)
    for _ in range(3):
        red = reduce_network(net, keep=keep)
        extra = {s for s in red.reduced if s in burn_states} | \
                {f for f, lead in red.folded if (f, lead) not in burn_folds}
        if not extra:
            return red
        keep = keep | extra
    return red


def _models(plan: CohortPlan) -> _Models:
    m = _MODELS.get(plan.key)
    if m is not None:
        return m
    _quiet_solver()
    from ..model.network import structure_key

    burn_net = burnin_network(plan.scenario)
    burn_sim = _new_simulator(burn_net)
    arms = {}
    for arm in plan.arms:
        net, stim0, sched, floors = _arm_protocol(plan.scenario, arm, plan.days, None)
        red = _reduce_for(net, {*stim0, *(sid for _, sid, _ in sched)}, burn_net)
        arms[arm.name] = (red, _new_simulator(red))
    # pSTAT3 of the subtype's nominal patient at the default diagnosis size, for its range
    nominal = _nominal_pstat3(plan.scenario, burn_sim, burn_net)
    m = _Models(burn_net, burn_sim, arms, plausible_ranges(plan.scenario.subtype, nominal),
                structure_key(burn_net), plan.scenario.model_dump_json())
    _MODELS[plan.key] = m
    return m


def _nominal_pstat3(scenario, sim, net) -> float:
    from ..runs import DEFAULT_DIAMETER_MM

    d = scenario.initial_diameter_mm or DEFAULT_DIAMETER_MM
    try:
        return burn_in(sim, net, {}, float(d)).baseline["tumor.pSTAT3"]
    except (SolverFailed, KeyError):
        return burn_in(sim, net, {}, float(d), SAFE).baseline["tumor.pSTAT3"]


def _nan_row(plan: CohortPlan) -> dict:
    row = {}
    for k in plan.readout_days:
        for r in DAY_READOUTS:
            row[f"day{k:g}.{r}"] = math.nan
        row[f"day{k:g}.volume_change_pct"] = math.nan
    return row


def _arm_run(plan: CohortPlan, m: _Models, arm: ArmPlan, state: dict, theta: dict, patient_cov: dict, settings,
             pk: dict | None = None):
    red, sim = m.arms[arm.name]
    times = np.unique(np.append(np.arange(0.0, math.floor(plan.days) + 1.0), plan.days)) * 1440.0
    stim0, sched, floors = {}, (), {}
    patient_values: dict[str, float] = {}
    if arm.therapies or getattr(plan.scenario, "therapies", None):
        patient = (patient_cov["weight_kg"], patient_cov["bsa_m2"]) if "weight_kg" in patient_cov else None
        built, stim0, sched, floors = _arm_protocol(plan.scenario, arm, plan.days, patient)
        if patient is not None:
            # the patient's weight and BSA change PK values (and the doses, in the schedule),
            # not the structure: the arm's compiled model runs with those values
            ids = set(built.parameter_ids)
            patient_values = {p: built.parameter(p).value for p in red.parameter_ids
                              if p in ids and built.parameter(p).value != red.parameter(p).value}
    order = settings.max_order if not sched else 5
    params = {**theta, "growth_on": 1.0, **patient_values, **_clearances(red, pk or {}, patient_values)}
    res = sim.run_from_state(state, None, times=times, parameters=params, stimuli=stim0,
                             schedule=sched, rtol=settings.rtol, atol=settings.atol, atol_floor=floors,
                             max_order=order)
    if not res.ok:
        raise SolverFailed(res.message)
    return res


def _clearances(net, pk: dict, patient_values: dict | None = None) -> dict[str, float]:
    """The patient's elimination parameters of ``net``: each drug's typical value (for the
    patient's weight and BSA: ``patient_values`` where given) times the patient's clearance
    factor."""
    from .population import clearance_parameters

    out = {}
    patient_values = patient_values or {}
    for col, factor in pk.items():
        ident = col.split(".")[1]
        for pid in clearance_parameters(net, ident):
            out[pid] = patient_values.get(pid, net.parameter(pid).value) * factor
    return out


def run_patient(plan: CohortPlan, patient: dict) -> dict:
    """One patient: burn-in (or its cached state), plausibility, every arm. Returns
    ``{"rows": [...], "timecourses": DataFrame | None, "stats": {...}}``."""
    t0 = time.perf_counter()
    m = _models(plan)
    pid = int(patient["patient_id"])
    cov = {k: float(patient[k]) for k in plan.covariates if k in patient}
    if "weight_kg" in cov:
        cov["bsa_m2"] = float(patient["bsa_m2"])
    theta = {k: float(v) for k, v in patient.items()
             if k not in ("patient_id", "bsa_m2") and k not in plan.covariates and not k.startswith("pk.")}
    pk = {k: float(v) for k, v in patient.items() if k.startswith("pk.")}
    diameter = float(patient.get("diagnosis_diameter_mm", plan.scenario.initial_diameter_mm or 25.0))
    base_row = {"patient_id": pid, **{f"param.{k}": v for k, v in theta.items()},
                **{f"cov.{k}": v for k, v in cov.items()}, **pk}
    cache = BurninCache(plan.burnin_dir)
    key = burnin_key(m.scenario_json, theta, diameter, m.structure, plan.version)
    stats = {"pid": os.getpid(), "burnin_s": 0.0, "arms_s": 0.0, "burnin_cached": False}
    b: BurnIn | None = cache.get(key)
    retried = False
    fail_msg = None
    tb = time.perf_counter()
    if b is None:
        try:
            b = burn_in(m.burn_sim, m.burn_net, theta, diameter, POPULATION)
        except SolverFailed as e:
            retried = True
            try:
                b = burn_in(m.burn_sim, m.burn_net, theta, diameter, SAFE)
            except SolverFailed as e2:
                fail_msg = f"burn-in: {e2} (first attempt at rtol {POPULATION.rtol:g}: {e})"
        if b is not None:
            b.meta["retried"] = retried
            cache.put(key, b)
    else:
        stats["burnin_cached"] = True
        retried = bool(b.meta.get("retried", False))
    stats["burnin_s"] = time.perf_counter() - tb
    rows, frames = [], []
    baseline_cols = {}
    if b is not None:
        baseline_cols = {f"baseline.{k}": v for k, v in b.baseline.items()}
    for arm in plan.arms or (ArmPlan(SCREENING),):
        row = {**base_row, "arm": arm.name, "status": "ok", "reason": "", "retried": retried, **baseline_cols,
               **(_nan_row(plan) if plan.arms else {})}
        rows.append(row)
    if fail_msg is not None:
        for row in rows:
            row.update(status="solver failed", reason=fail_msg)
        return {"rows": rows, "timecourses": None, "stats": _finish(stats, t0)}
    if not b.reached:
        for row in rows:
            row.update(status="rejected", reason=f"no diagnosis within {MAX_DAYS:g} days")
        return {"rows": rows, "timecourses": None, "stats": _finish(stats, t0)}
    why = implausible(b.baseline, m.ranges)
    if why is not None:
        for row in rows:
            row.update(status="rejected", reason=why)
        return {"rows": rows, "timecourses": None, "stats": _finish(stats, t0)}
    if not plan.arms:  # screening only: burn-in and plausibility
        return {"rows": rows, "timecourses": None, "stats": _finish(stats, t0)}
    state = full_state(m.burn_net, b.state)
    ta = time.perf_counter()
    for arm, row in zip(plan.arms, rows):
        res, err = None, None
        try:
            res = _arm_run(plan, m, arm, state, theta, cov, POPULATION, pk)
        except SolverFailed as e:
            row["retried"] = True
            try:
                res = _arm_run(plan, m, arm, state, theta, cov, SAFE, pk)
            except SolverFailed as e2:
                err = f"{arm.name}: {e2} (first attempt at rtol {POPULATION.rtol:g}: {e})"
        if err is not None:
            row.update(status="solver failed", reason=err)
            continue
        days = res.time / 1440.0
        v0 = float(res["tumor_volume_mm3"][0])
        for k in plan.readout_days:
            i = int(np.argmin(np.abs(days - k)))
            for r in DAY_READOUTS:
                row[f"day{k:g}.{r}"] = float(res[r][i])
            row[f"day{k:g}.volume_change_pct"] = 100.0 * (float(res["tumor_volume_mm3"][i]) / v0 - 1.0)
        if plan.timecourses:
            tc = pd.DataFrame({"patient_id": pid, "arm": arm.name, "time_days": days})
            for r in TIMECOURSE_READOUTS:
                tc[r] = res[r]
            frames.append(tc)
    stats["arms_s"] = time.perf_counter() - ta
    return {"rows": rows, "timecourses": pd.concat(frames, ignore_index=True) if frames else None,
            "stats": _finish(stats, t0)}


def _maxrss_mb(who=None) -> float:
    """Peak resident memory of this process (MiB; Linux reports KiB)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF if who is None else who).ru_maxrss / 1024.0


def _finish(stats: dict, t0: float) -> dict:
    stats["total_s"] = time.perf_counter() - t0
    stats["compiled"] = _COUNTS.get("compiled", 0)
    stats["maxrss_mb"] = _maxrss_mb()
    stats["loaded"] = _COUNTS.get("disk cache", 0)
    return stats


# ------------------------------------------------------------------- client side
class CohortError(Exception):
    """A cohort that cannot start (bad settings, an unreachable scheduler): ``field``
    names the option."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


def connect(workers: int | None, scheduler: str | None, timeout_s: float = 5.0):
    """A dask.distributed Client: to ``scheduler`` when given, else a new local cluster of
    ``workers`` single-threaded processes (default: one per core)."""
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            return Client(scheduler, timeout=f"{timeout_s:g}s", set_as_default=False)
        except (OSError, TimeoutError, ValueError) as e:
            raise CohortError("--scheduler", f"cannot reach {scheduler!r}: {str(e).splitlines()[0][:200]}") from None
    n = workers or os.cpu_count() or 1
    cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0",
                           silence_logs=logging.CRITICAL)
    return Client(cluster, set_as_default=False)


def disconnect(client) -> None:
    """Close ``client`` and the local cluster :func:`connect` started for it (an existing
    cluster reached through ``scheduler`` stays up)."""
    cluster = getattr(client, "cluster", None)
    client.close()
    if cluster is not None:
        cluster.close()


@contextmanager
def session(workers: int | None = None, scheduler: str | None = None):
    """``with session(2) as client:`` — :func:`connect` for the block, :func:`disconnect` after."""
    client = connect(workers, scheduler)
    try:
        yield client
    finally:
        disconnect(client)


def done_patients(out: Path) -> set[int]:
    """Patient ids the Parquet parts of ``out`` already hold."""
    ids: set[int] = set()
    for part in sorted((out / "parts").glob("part-*.parquet")):
        ids.update(pd.read_parquet(part, columns=["patient_id"])["patient_id"].astype(int).tolist())
    return ids


def read_results(out: str | Path) -> pd.DataFrame:
    """Every row of a cohort's parts, sorted by patient and arm order."""
    out = Path(out)
    parts = sorted((out / "parts").glob("part-*.parquet"))
    if not parts:
        return pd.DataFrame()
    df = pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True)
    manifest = out / "cohort.json"
    arms = json.loads(manifest.read_text())["arms"] if manifest.is_file() else []
    order = {a["name"]: i for i, a in enumerate(arms)}
    df["_arm"] = df["arm"].map(order)
    df = df.sort_values(["patient_id", "_arm"]).drop(columns="_arm").reset_index(drop=True)
    return df[sorted(df.columns, key=_column_key)]


#: the leading columns of a cohort's rows, in this order; then baseline.*, then day<N>.* by day
_LEADING = ("patient_id", "param.", "pk.", "cov.", "arm", "status", "reason", "retried")


def _column_key(name: str) -> tuple:
    """A column's place in :func:`read_results`: the same on any number of workers (a
    part's columns come in the order its first row has them, and which patient finishes
    first varies), then by name within a group."""
    for i, lead in enumerate(_LEADING):
        if name == lead or (lead.endswith(".") and name.startswith(lead)):
            return (i, 0.0, name)
    if name.startswith("baseline."):
        return (len(_LEADING), 0.0, name)
    m = re.match(r"day([0-9.]+)\.", name)
    if m:
        return (len(_LEADING) + 1, float(m.group(1)), name)
    return (len(_LEADING) + 2, 0.0, name)


def _write_parquet(path: Path, df: pd.DataFrame) -> None:
    from .._io import atomic_write

    atomic_write(path, lambda tmp: df.to_parquet(tmp, index=False))


def execute(plan: CohortPlan, patients: pd.DataFrame, out: Path, client, *, progress=None,
            flush_every: int | None = None, flush_seconds: float = 10.0) -> dict:
    """Run the patients of ``patients`` that ``out``'s parts do not hold yet, writing new
    parts as results arrive. Returns timing and worker counts of this session."""
    from distributed import as_completed

    done = done_patients(out)
    todo = patients[~patients["patient_id"].isin(done)]
    (out / "parts").mkdir(parents=True, exist_ok=True)
    if plan.timecourses:
        (out / "timecourses").mkdir(parents=True, exist_ok=True)
    existing = sorted((out / "parts").glob("part-*.parquet"))
    seq = 1 + max((int(p.stem.split("-")[1]) for p in existing), default=-1)
    flush_every = flush_every or max(5, min(200, len(patients) // 50 or 1))
    t0 = time.perf_counter()
    records = iter(todo.to_dict("records"))
    # the plan travels to each worker once; a bounded window of patients is in flight, so
    # the client and the scheduler hold O(workers) tasks, not O(N) (memory flat in N)
    plan_ref = client.scatter(plan, broadcast=True, hash=False)
    nthreads = sum(client.nthreads().values()) or 1
    window = max(8, 4 * nthreads)

    def submit_next():
        rec = next(records, None)
        if rec is None:
            return None
        return client.submit(run_patient, plan_ref, rec, key=f"stat3sim-patient-{plan.key}-{int(rec['patient_id'])}",
                             pure=False)

    futures = [f for f in (submit_next() for _ in range(window)) if f is not None]
    rows, frames = [], []
    last_flush = time.perf_counter()
    workers: dict[int, tuple[int, int]] = {}
    rss: dict[int, float] = {}
    burnin_s = arms_s = total_s = 0.0
    cached = 0

    def flush():
        nonlocal rows, frames, seq, last_flush
        if rows:
            if frames:
                _write_parquet(out / "timecourses" / f"part-{seq:05d}.parquet", pd.concat(frames, ignore_index=True))
            _write_parquet(out / "parts" / f"part-{seq:05d}.parquet", pd.DataFrame(rows))
            seq += 1
        rows, frames = [], []
        last_flush = time.perf_counter()

    n_done = 0
    pending = as_completed(futures, loop=client.loop)
    del futures
    for fut in pending:
        r = fut.result()
        nxt = submit_next()
        if nxt is not None:
            pending.add(nxt)
        rows.extend(r["rows"])
        if r["timecourses"] is not None:
            frames.append(r["timecourses"])
        s = r["stats"]
        workers[s["pid"]] = (s["compiled"], s["loaded"])
        rss[s["pid"]] = max(rss.get(s["pid"], 0.0), s.get("maxrss_mb", 0.0))
        burnin_s += s["burnin_s"]
        arms_s += s["arms_s"]
        total_s += s["total_s"]
        cached += int(s["burnin_cached"])
        n_done += 1
        fut.release()
        if progress is not None:
            progress(1)
        if len({row["patient_id"] for row in rows}) >= flush_every or time.perf_counter() - last_flush > flush_seconds:
            flush()
    flush()
    wall = time.perf_counter() - t0
    return {"patients_run": n_done, "patients_already_done": len(done), "wall_s": wall,
            "task_cpu_s": {"burnin": burnin_s, "arms": arms_s, "total": total_s}, "burnins_from_cache": cached,
            "workers": len(workers),
            # model setups per worker: compiled, or loaded from the engine's disk cache
            "compiles": sum(c + ld for c, ld in workers.values()),
            "compiled_fresh": sum(c for c, _ in workers.values()),
            # peak resident memory (MiB) of this client process and of each worker process
            "peak_rss_mb": {"client": _maxrss_mb(), "workers_max": max(rss.values(), default=0.0)}}


def summarize(out: Path, plan_info: dict, session: dict) -> dict:
    df = read_results(out)
    per_patient = df.groupby("patient_id", sort=True).agg(status=("status", lambda s: _patient_status(list(s))))
    counts = per_patient["status"].value_counts().to_dict()
    first = df.drop_duplicates("patient_id")
    rejected = first[first["status"] == "rejected"]["reason"].value_counts().to_dict()
    failed = df[df["status"] == "solver failed"]
    return {
        "patients": int(len(per_patient)),
        "rows": int(len(df)),
        "counts": {s: int(counts.get(s, 0)) for s in STATUSES},
        "rejections_by_reason": {k: int(v) for k, v in sorted(rejected.items())},
        "solver_failures": [{"patient_id": int(r.patient_id), "arm": r.arm, "message": r.reason}
                            for r in failed.itertuples()],
        "retried_at_safer_settings": int(df.drop_duplicates("patient_id")["retried"].sum()),
        "solver_failure_rate": float(len(failed.drop_duplicates("patient_id")) / max(len(per_patient), 1)),
        "pdl1_status": _pdl1(first),
        **plan_info,
        "session": session,
    }


def _pdl1(first: pd.DataFrame) -> dict:
    from .population import PDL1_SOURCE, pdl1_threshold

    col = "baseline.tumor.PDL1"
    ok = first[first["status"] == "ok"]
    if col not in ok or ok.empty:
        return {"threshold": None, "positive": 0, "source": PDL1_SOURCE}
    thr = pdl1_threshold(ok[col])
    return {"threshold": thr, "positive": int((ok[col] >= thr).sum()), "of": int(len(ok)), "source": PDL1_SOURCE}


def pdl1_positive(df: pd.DataFrame) -> pd.Series:
    """PD-L1 status of each row of a cohort's results (population.PDL1_POSITIVE_SHARE of
    the plausible patients, by baseline tumor.PDL1)."""
    from .population import pdl1_threshold

    first = df.drop_duplicates("patient_id")
    thr = pdl1_threshold(first.loc[first["status"] == "ok", "baseline.tumor.PDL1"])
    return df["baseline.tumor.PDL1"] >= thr


def selection(out: Path, subtype: str, seed: int):
    """Allen-2016 selection of a cohort's plausible patients to the subtype's observed
    distributions (population.SELECTION_TARGETS); None when it has no targets."""
    from .population import SELECTION_TARGETS, select

    targets = SELECTION_TARGETS.get(subtype)
    if not targets:
        return None
    df = read_results(out)
    first = df.drop_duplicates("patient_id")
    ok = first[first["status"] == "ok"]
    base = pd.DataFrame({"patient_id": ok["patient_id"].to_numpy()})
    for t in targets:
        base[t.readout] = ok[f"baseline.{t.readout}"].to_numpy(float)
    return select(base, targets, seed)


def _patient_status(statuses: list[str]) -> str:
    if all(s == "ok" for s in statuses):
        return "ok"
    if "rejected" in statuses:
        return "rejected"
    return "solver failed"


# ------------------------------------------------------------------- one call
def prepare(scenario, n: int, seed: int, *, days: float | None = None, arms: tuple[ArmPlan, ...] = (ArmPlan("no treatment"),),
            distributions: str | Path | None = None, readout_days: tuple[float, ...] | None = None,
            timecourses: bool = False, out: str | Path | None = None, extensions: tuple[int, ...] = (),
            uncertainty: str | Path | None = None):
    """(plan, patients, info): everything a cohort needs, checked, before anything runs
    (raises ``population.PopulationError``, :class:`CohortError` or
    ``uncertainty.UncertaintyError``). ``extensions``: batches of patients sampled after the
    first ``n`` (``population.sample``), the first ones unchanged. ``uncertainty``: a
    parameter-uncertainty file (:mod:`stat3sim.uncertainty`) whose calibrated parameters each
    patient also draws."""
    from .. import __version__
    from .population import COVARIATES, distributions_hash, load_distributions, pk_variability, sample, sample_pk

    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n <= 0:
        raise CohortError("--n", f"must be a whole number of patients ≥ 1, got {n!r}")
    days = float(days if days is not None else scenario.days)
    if not (math.isfinite(days) and days > 0):
        raise CohortError("--days", f"must be a positive number of days, got {days!r}")
    if readout_days is None:
        readout_days = tuple(sorted({d for d in (30.0, 90.0) if d < days} | {days}))
    bad_days = [d for d in readout_days if not (0 < d <= days)]
    if bad_days:
        raise CohortError("--readout-days", f"days must lie in (0, {days:g}], got {', '.join(f'{d:g}' for d in bad_days)}")
    net = burnin_network(scenario)
    dists = load_distributions(scenario.subtype, net, distributions)
    extensions = tuple(int(e) for e in extensions)
    unc_rows, unc_info = None, None
    if uncertainty is not None:
        from ..uncertainty import check, file_hash, load

        unc_rows = check(load(uncertainty)[0], net, held=set(scenario.parameters or {}), pinned=True)
        unc_info = {"file": str(uncertainty), "sha256_16": file_hash(uncertainty),
                    "parameters": [r.record() for r in unc_rows]}
    patients = sample(dists, int(n), int(seed), net, extensions, uncertainty=unc_rows)
    try:
        pkv = pk_variability([t for a in arms for t in a.therapies] + list(getattr(scenario, "therapies", None) or []))
    except Exception as e:  # a regimen the catalog cannot dose was refused before; say so
        raise CohortError("--arm", str(e)) from None
    if pkv:
        patients = pd.concat([patients, sample_pk(pkv, int(n), int(seed), extensions)], axis=1)
    covs = tuple(d.name for d in dists if d.name in COVARIATES)
    plan = CohortPlan(scenario, tuple(arms), days, tuple(float(d) for d in readout_days), covs, timecourses,
                      str(Path(out) / "burnin") if out is not None else None, __version__)
    from .burnin import CHUNK_DAYS, MAX_DAYS, SETTLE_DAYS, START_DIAMETER_MM, STEP_DAYS

    info = {"scenario": scenario.name, "subtype": scenario.subtype, "n": int(n), "seed": int(seed), "days": days,
            **({"extensions": list(extensions)} if extensions else {}),
            "readout_days": list(plan.readout_days), "arms": [{"name": a.name, "therapies": list(a.therapies)}
                                                              for a in arms],
            "timecourses": bool(timecourses), "version": __version__,
            "distributions_hash": distributions_hash(dists),
            **({"uncertainty": unc_info} if unc_info else {}),
            "distributions": [{"name": d.name, "description": d.describe(
                net.parameter(d.name).value if d.name not in COVARIATES else None), "source": d.source} for d in dists],
            "pk_variability": [{"drug": v.drug, "parameter": "clearance", "cv": v.cv, "omega": v.omega,
                                "column": v.column, "source": v.source} for v in pkv],
            "burn_in": {"start_diameter_mm": START_DIAMETER_MM, "settle_days": SETTLE_DAYS, "step_days": STEP_DAYS,
                        "chunk_days": CHUNK_DAYS, "max_days": MAX_DAYS},
            "plan_key": plan.key}
    return plan, patients, info


def same_cohort(a: dict, b: dict) -> list[str]:
    """The settings in which two cohort.json files differ (what --resume may not change)."""
    keys = ("scenario", "n", "seed", "extensions", "days", "readout_days", "arms", "timecourses", "version",
            "distributions_hash", "uncertainty", "plan_key")
    return [k for k in keys if a.get(k) != b.get(k)]


def finish(out: Path, info: dict, session: dict, ranges: list, select: bool = False) -> dict:
    """Write summary.json, baseline.png and report.html from the parts (and with ``select``,
    selection.parquet); return the summary."""
    from .._io import atomic_write
    from .report import baseline_figure, html_report

    summary = summarize(out, {**info, "plausibility": ranges}, session)
    if select and summary["counts"]["ok"] > 0:
        sel = selection(out, info["subtype"], info["seed"])
        if sel is not None:
            atomic_write(out / "selection.parquet", lambda tmp: sel.table.to_parquet(tmp, index=False))
            summary["selection"] = sel.summary()
    atomic_write(out / "summary.json", lambda tmp: Path(tmp).write_text(json.dumps(summary, indent=2, default=float)))
    df = read_results(out)
    atomic_write(out / "baseline.png", lambda tmp: baseline_figure(df, ranges, Path(tmp)))
    atomic_write(out / "report.html", lambda tmp: Path(tmp).write_text(html_report(summary, out / "baseline.png")))
    return summary


def ranges_info(plan: CohortPlan) -> list[dict]:
    """The plausibility ranges of ``plan`` (computed here as in the workers)."""
    return [r.__dict__ for r in _models(plan).ranges]
