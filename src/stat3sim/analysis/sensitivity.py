"""Global sensitivity of a scenario's readouts to its parameters (``stat3sim sensitivity``),
with SALib: Sobol' first- and total-order indices, or Morris elementary effects.

Ranges come from each parameter's stated evidence (:func:`evidence_kind`): a value that
names a measurement varies ×/÷ :data:`FOLDS` ``["measured"]``, one whose source gives a
range ×/÷ ``["literature range"]``, an assumed one (``stat3sim describe`` marks it
"assumed") ×/÷ ``["assumed"]``, log-uniformly; a Hill coefficient at most ×/÷
:data:`HILL_FOLD`; a fraction, share or probability never above 1. Parameters that are
not uncertain quantities are never varied (:func:`evidence_kind` returns None): gene
levels, drug and stimulus inputs, protocol switches, definitions, derived values and the
scenario's own settings, and every parameter whose value is 0 (an absent mechanism;
log-uniform needs a value > 0). docs/sensitivity.md gives the rationale of each fold.

A sample is one run of the scenario (:func:`stat3sim.runs.simulate`) with the sample's
parameter values as an arm's overrides, untreated, plus one run per therapy arm a readout
needs (``effect:tocilizumab``: the day-``day`` tumor volume with tocilizumab, the shipped
``tnbc`` arm's regimen, over the untreated volume). Every run starts from the model's
definition (the run layer settles it before day 0), so a sample's numbers do not depend
on the process or the order it ran in: the same seed gives the same indices on any
number of workers. Samples run on Dask (:func:`stat3sim.cohort.connect`: a local
cluster, or an existing scheduler), or in this process with one worker; results are
written as Parquet parts as they arrive, and ``--resume`` skips the samples the parts hold.

A sample whose run fails in the solver is data (its row says so). The estimators leave
out the whole block the failed sample belongs to (Sobol': its base row, the ``k``
mixed rows and the second matrix's row; Morris: its trajectory), so the indices are
those of a smaller design, not of an imputed one; the JSON says how many were left out.

Bad input (an unknown parameter, group, readout or method; ``n`` ≤ 0; a Sobol' ``n`` that
is not a power of 2) raises :class:`~stat3sim.analysis.AnalysisError` naming the field.
"""
from __future__ import annotations

import hashlib
import json
import math
import re
import time
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import pandas as pd

from . import AnalysisError

METHODS = ("sobol", "morris")
SCALES = ("log", "linear")
#: ×/÷ fold of each evidence kind (log-uniform within [value / fold, value × fold]);
#: rationale in docs/sensitivity.md
FOLDS = {"measured": 2.0, "literature range": 3.0, "assumed": 10.0}
#: evidence kinds: the three folds, and "calibrated" (a fit to data: its range is the fit's 95 % CI)
KINDS = (*FOLDS, "calibrated")
#: the widest fold of a Hill coefficient, whatever its evidence (2 → 1 … 4)
HILL_FOLD = 2.0
#: the readout prefix of a therapy effect: ``effect:ARM`` is the day's tumor volume in
#: therapy arm ARM over the untreated one
EFFECT = "effect:"
#: the untreated run's arm name
CONTROL = "no treatment"
#: Morris grid levels (SALib's default)
MORRIS_LEVELS = 4
#: bootstrap resamples of the confidence intervals (95 %)
RESAMPLES = 200
#: most samples a run may have (a guard against a typo in --n)
MAX_SAMPLES = 200_000
#: the most CVODE steps per output interval of a sample's runs (engine.roadrunner.step_limit):
#: a normal 180-day tnbc run takes < 1,000 in all; with hundreds of parameters varied at
#: once, some samples make the solver crawl (steps ~1e-13 min for > 5 min of CPU in one
#: 600-day settle interval); capped, they fail in seconds and are recorded as failed
MAX_STEPS = 5000
#: the readout a therapy effect compares
EFFECT_READOUT = "tumor_volume_mm3"

#: sources of values that are not uncertain quantities of the biology (never varied)
_FIXED_SOURCE = re.compile(r"^\s*(gene level|input:|definition|protocol|derived|the scenario|Avogadro|"
                           r"the TME layer's|[a-z_]+: ×)", re.IGNORECASE)
#: a numeric range in a source: "10–50 nM", "50-300 sites", "1.5 to 2.3", "lower end of", "range"
_RANGE_SOURCE = re.compile(r"\d\s*[–—-]\s*\d|\d\s+to\s+\d|\brange\b|\blower end\b|\bupper end\b|\bbetween\b",
                           re.IGNORECASE)
#: a calibration's confidence interval in a source: "calibrated to … 95 % profile CI [0.104, 0.218]"
_CALIBRATED_CI = re.compile(r"calibrated to\b.*?95\s*%\s*(?:profile\s*)?CI\s*\[\s*([0-9.eE+-]+)\s*,\s*([0-9.eE+-]+)\s*\]",
                            re.IGNORECASE | re.DOTALL)


def is_assumed(source: object) -> bool:
    """The rule of ``stat3sim describe``: the source says "assumed" (report.html.is_assumed)."""
    return "assumed" in str(source or "").lower()


def calibrated_ci(source: object) -> tuple[float, float] | None:
    """The 95 % CI ``(low, high)`` a source states for a value calibrated to data
    ("calibrated to <data>, 95 % profile CI [low, high]"), or None."""
    m = _CALIBRATED_CI.search(str(source or ""))
    if not m:
        return None
    try:
        low, high = float(m.group(1)), float(m.group(2))
    except ValueError:
        return None
    return (low, high) if 0 < low < high else None


def evidence_kind(p) -> str | None:
    """``"assumed"``, ``"calibrated"``, ``"literature range"`` or ``"measured"`` for a parameter of the model
    (its :class:`~stat3sim.model.network.Parameter`), or None for one that is not varied:
    value 0 or not finite, a gene level (``lvl_``), a drug or stimulus input, a protocol
    switch, a definition, a derived value, the scenario's setting."""
    src = str(p.evidence)
    if not (math.isfinite(p.value) and p.value > 0):
        return None
    if "__lvl_" in p.id or p.id.startswith(("bone_lvl_",)) or _FIXED_SOURCE.match(src):
        return None
    if is_assumed(src):
        return "assumed"
    ci = calibrated_ci(src)
    if ci is not None and ci[0] <= p.value <= ci[1]:
        return "calibrated"
    if _RANGE_SOURCE.search(src):
        return "literature range"
    return "measured"


def _is_hill(p) -> bool:
    return (p.description or "").lower().startswith("hill coefficient")


@dataclass(frozen=True)
class Factor:
    """One varied input: its range ``[low, high]`` and how it is sampled (``log``:
    log-uniform, ``linear``: uniform)."""

    id: str
    low: float
    high: float
    nominal: float = math.nan
    unit: str = ""
    kind: str = ""
    source: str = ""
    scale: str = "log"

    @property
    def bounds(self) -> list[float]:
        """The bounds SALib samples within (log10 of the range for a log-uniform factor)."""
        if self.scale == "log":
            return [math.log10(self.low), math.log10(self.high)]
        return [self.low, self.high]

    def values(self, x: np.ndarray) -> np.ndarray:
        return np.power(10.0, x) if self.scale == "log" else np.asarray(x, float)


def factor_of(p) -> Factor | None:
    """The range of a model parameter from its evidence (None: not varied)."""
    from ..model.bounds import parameter_range

    kind = evidence_kind(p)
    if kind is None:
        return None
    if kind == "calibrated":  # the fit's 95 % CI (the value lies inside it: evidence_kind)
        low, high = calibrated_ci(str(p.evidence))
    else:
        fold = FOLDS[kind]
        if _is_hill(p):
            fold = min(fold, HILL_FOLD)
        low, high = p.value / fold, p.value * fold
    top = parameter_range(p)[1]
    high = min(high, top)
    if not high > low:  # a value at its upper bound with nothing below it: not varied
        return None
    return Factor(p.id, low, high, p.value, p.unit, kind, str(p.evidence), "log")


def groups(net) -> dict[str, list[str]]:
    """The named groups of ``--params``: ``all`` (every varied parameter), each evidence
    kind (``assumed``, ``measured``, ``literature``), each cell type's signaling module
    (``tumor``, ``caf``, …: ids ``<cell>__…``) and ``tme`` (the parameters outside the
    cell modules: populations, cytokines, metastases, host). ``KIND:GROUP`` (e.g.
    ``assumed:tme``) is the group's parameters of that evidence kind."""
    from ..model.tme import CELL_TYPES

    factors = [f for p in net.parameters if (f := factor_of(p)) is not None]
    out = {"all": [f.id for f in factors],
           "assumed": [f.id for f in factors if f.kind == "assumed"],
           "measured": [f.id for f in factors if f.kind == "measured"],
           "literature": [f.id for f in factors if f.kind == "literature range"],
           "calibrated": [f.id for f in factors if f.kind == "calibrated"]}
    in_cells: set[str] = set()
    for cell in CELL_TYPES:
        ids = [f.id for f in factors if f.id.startswith(f"{cell}__")]
        if ids:
            out[cell] = ids
            in_cells.update(ids)
    out["tme"] = [f.id for f in factors if f.id not in in_cells]
    return out


def select_factors(net, spec: str) -> list[Factor]:
    """The factors ``--params`` names: a group of :func:`groups` (or ``KIND:GROUP``), or
    comma-separated parameter ids (each one that :func:`factor_of` varies)."""
    import difflib

    spec = (spec or "").strip()
    if not spec:
        raise AnalysisError("params", "give a group (all, assumed, …) or comma-separated parameter ids")
    table = {p.id: p for p in net.parameters}
    grp = groups(net)
    kind, colon, rest = spec.lower().partition(":")
    if spec.lower() in grp:
        ids = grp[spec.lower()]
    elif colon and kind in ("assumed", "measured", "literature", "calibrated") and rest in grp:
        ids = [i for i in grp[rest] if i in set(grp[kind])]
    elif "," in spec or spec in table:
        ids = []
        for pid in (s.strip() for s in spec.split(",")):
            if not pid:
                continue
            if pid not in table:
                close = difflib.get_close_matches(pid, list(table), n=3, cutoff=0.6)
                raise AnalysisError("params", f"unknown parameter {pid!r}"
                                    + (f"; closest: {', '.join(close)}" if close else "")
                                    + f"; or a group: {', '.join(grp)}")
            if factor_of(table[pid]) is None:
                raise AnalysisError("params", f"{pid} is not varied (value {table[pid].value:g}, source "
                                              f"{str(table[pid].evidence)[:60]!r}): gene levels, inputs, switches, "
                                              "definitions and zero values keep their value")
            if pid not in ids:
                ids.append(pid)
    else:
        close = difflib.get_close_matches(spec, [*grp, *table], n=3, cutoff=0.6)
        raise AnalysisError("params", f"unknown group or parameter {spec!r}; groups: {', '.join(grp)}"
                            + (f"; closest: {', '.join(close)}" if close else ""))
    if not ids:
        raise AnalysisError("params", f"group {spec!r} has no varied parameter in this model")
    return [factor_of(table[i]) for i in ids]


# ---------------------------------------------------------------- design & indices
def problem(factors: Sequence[Factor]) -> dict:
    """SALib's problem dictionary."""
    return {"num_vars": len(factors), "names": [f.id for f in factors], "bounds": [f.bounds for f in factors]}


def check_design(method: str, n: int, k: int) -> int:
    """The number of rows of the design, or :class:`AnalysisError` (``method``, ``n``)."""
    if method not in METHODS:
        raise AnalysisError("method", f"unknown method {method!r}; allowed: {', '.join(METHODS)}")
    if isinstance(n, bool) or int(n) != n or n <= 0:
        raise AnalysisError("n", f"must be a whole number ≥ 1, got {n!r}")
    n = int(n)
    if method == "sobol" and n & (n - 1):
        raise AnalysisError("n", f"Sobol' needs a power of 2 (the Sobol' sequence's balance), got {n}; "
                                 f"e.g. {1 << max(0, n.bit_length() - 1)} or {1 << n.bit_length()}")
    if method == "morris" and n < 2:
        raise AnalysisError("n", f"Morris needs at least 2 trajectories, got {n}")
    if k < 1 or (method == "morris" and k < 2):
        raise AnalysisError("params", f"{method} needs at least {1 if method == 'sobol' else 2} parameters, got {k}")
    rows = n * (k + 2) if method == "sobol" else n * (k + 1)
    if rows > MAX_SAMPLES:
        raise AnalysisError("n", f"{method} with n {n} and {k} parameters is {rows} samples, more than "
                                 f"{MAX_SAMPLES}; give a smaller n or fewer parameters")
    return rows


def design(method: str, factors: Sequence[Factor], n: int, seed: int) -> np.ndarray:
    """The sample matrix in SALib's space (log10 for log-uniform factors): Sobol' (Saltelli's
    scheme without second order: ``n·(k+2)`` rows) or Morris (``n`` trajectories of
    ``k+1`` rows on :data:`MORRIS_LEVELS` levels). The seed fixes it."""
    check_design(method, n, len(factors))
    prob = problem(factors)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if method == "sobol":
            from SALib.sample import sobol as s

            return s.sample(prob, int(n), calc_second_order=False, scramble=True, seed=int(seed))
        from SALib.sample import morris as m

        return m.sample(prob, int(n), num_levels=MORRIS_LEVELS, seed=int(seed))


def values_of(factors: Sequence[Factor], x: np.ndarray) -> np.ndarray:
    """The design's rows as parameter values (log-uniform factors back from log10)."""
    return np.column_stack([f.values(x[:, j]) for j, f in enumerate(factors)]) if len(factors) else x


def _blocks(method: str, rows: int, k: int) -> np.ndarray:
    """The block (Sobol' base sample, Morris trajectory) of each design row."""
    size = k + 2 if method == "sobol" else k + 1
    return np.arange(rows) // size


def indices(method: str, factors: Sequence[Factor], x: np.ndarray, y: np.ndarray, seed: int = 0,
            resamples: int = RESAMPLES) -> dict:
    """Indices of one output ``y`` (one value per design row of ``x``): Sobol' ``S1``, ``ST``
    with their 95 % confidence half-widths; Morris ``mu``, ``mu_star`` (with its
    half-width) and ``sigma``, per factor. Blocks with a non-finite ``y`` are left out
    (``blocks_used``, ``blocks_left_out``)."""
    k = len(factors)
    y = np.asarray(y, float)
    blk = _blocks(method, len(y), k)
    n_blocks = int(blk.max()) + 1 if len(blk) else 0
    bad_blocks = np.unique(blk[~np.isfinite(y)])
    keep = ~np.isin(blk, bad_blocks)
    used = n_blocks - len(bad_blocks)
    out = {"blocks_used": int(used), "blocks_left_out": int(len(bad_blocks))}
    names = [f.id for f in factors]
    need = 2 if method == "sobol" else 2
    if used < need:
        out["parameters"] = {nm: {} for nm in names}
        out["error"] = f"only {used} complete blocks; at least {need} are needed"
        return out
    prob = problem(factors)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if method == "sobol":
            from SALib.analyze import sobol as a

            r = a.analyze(prob, y[keep], calc_second_order=False, num_resamples=resamples, conf_level=0.95,
                          seed=int(seed))
            keys = {"S1": "S1", "S1_conf": "S1_conf", "ST": "ST", "ST_conf": "ST_conf"}
        else:
            from SALib.analyze import morris as a

            r = a.analyze(prob, x[keep], y[keep], num_resamples=resamples, conf_level=0.95,
                          num_levels=MORRIS_LEVELS, seed=int(seed))
            keys = {"mu": "mu", "mu_star": "mu_star", "mu_star_conf": "mu_star_conf", "sigma": "sigma"}
    out["parameters"] = {nm: {k2: _num(r[k1][j]) for k2, k1 in keys.items()} for j, nm in enumerate(names)}
    out["variance"] = _num(np.var(y[keep]))
    return out


def _num(v) -> float | None:
    v = float(v)
    return v if math.isfinite(v) else None


def ranking(result: dict, method: str) -> list[tuple[str, float]]:
    """Factors by importance: Sobol' total order, Morris mu*; largest first."""
    key = "ST" if method == "sobol" else "mu_star"
    vals = [(nm, d.get(key)) for nm, d in result.get("parameters", {}).items()]
    return sorted(((nm, v) for nm, v in vals if v is not None), key=lambda t: -t[1])


# ------------------------------------------------------------------ the runs
@dataclass(frozen=True)
class Plan:
    """What every sample needs (picklable): the scenario, the day, the arms (name,
    regimens), the readouts each run records."""

    scenario: object
    day: float
    arms: tuple[tuple[str, tuple[str, ...]], ...]
    observables: tuple[str, ...]


def readout_arms(scenario, readouts: Sequence[str], known: Sequence[str]) -> tuple[list[str], list]:
    """(observables read from the untreated run, the therapy arms the effects need); an
    unknown readout or arm raises :class:`AnalysisError` (``readout``)."""
    import difflib

    from .. import runs

    obs, arms = [], []
    shipped = {a.name: a for a in runs.therapy_arms(scenario) if a.name != CONTROL and a.therapies}
    for r in readouts:
        if r.startswith(EFFECT):
            name = r[len(EFFECT):].strip()
            if name not in shipped:
                raise AnalysisError("readout", f"unknown therapy arm {name!r} in {r!r}; allowed: "
                                    + (", ".join(EFFECT + a for a in shipped) or f"none for {scenario.name}"))
            if shipped[name] not in arms:
                arms.append(shipped[name])
            if EFFECT_READOUT not in obs:
                obs.append(EFFECT_READOUT)
        elif r in known:
            if r not in obs:
                obs.append(r)
        else:
            close = difflib.get_close_matches(r, list(known), n=4, cutoff=0.5)
            raise AnalysisError("readout", f"unknown readout {r!r}" + (f"; closest: {', '.join(close)}" if close
                                                                       else "")
                                + f"; or a therapy effect {EFFECT}ARM ("
                                + (", ".join(EFFECT + a for a in shipped) or "none for this scenario") + ")")
    return obs, arms


def _quiet_solver() -> None:
    import roadrunner

    roadrunner.Logger.setLevel(roadrunner.Logger.LOG_FATAL)
    roadrunner.Logger.disableConsoleLogging()


from .._io import solver_output_hidden as _solver_output_hidden  # noqa: E402


def run_sample(plan: Plan, sample_id: int, params: dict[str, float]) -> dict:
    """One sample: the untreated run and each therapy arm's, with ``params`` as overrides.
    Returns a row: ``sample_id``, ``status`` ("ok" / "solver failed"), ``message``, and
    ``<arm>.<readout>`` at ``plan.day`` for each arm."""
    from .. import runs
    from ..engine.roadrunner import step_limit

    _quiet_solver()
    t0 = time.perf_counter()
    row: dict = {"sample_id": int(sample_id), "status": "ok", "message": ""}
    for name, therapies in plan.arms:
        readouts = list(plan.observables) if name == CONTROL else [EFFECT_READOUT]
        for r in readouts:
            row[f"{name}.{r}"] = math.nan
        try:
            with _solver_output_hidden(), step_limit(MAX_STEPS):
                res = runs.simulate(plan.scenario, runs.Arm(name, parameters=dict(params),
                                                            therapies=list(therapies)), days=plan.day,
                                    readouts=readouts)
        except Exception as e:  # noqa: BLE001 — a failed run is data
            res = None
            msg = " ".join(str(e).split())[:300] or type(e).__name__
        else:
            msg = res.message
        if res is None or not res.ok:
            row["status"] = "solver failed"
            row["message"] = (row["message"] + "; " if row["message"] else "") + f"{name}: {msg}"
            continue
        for r in readouts:
            row[f"{name}.{r}"] = res.at(r, plan.day)
    row["seconds"] = time.perf_counter() - t0
    return row


def readout_values(df: pd.DataFrame, readout: str) -> np.ndarray:
    """One readout per sample from the result rows (NaN where its runs failed)."""
    if readout.startswith(EFFECT):
        arm = readout[len(EFFECT):]
        return (df[f"{arm}.{EFFECT_READOUT}"] / df[f"{CONTROL}.{EFFECT_READOUT}"]).to_numpy(float)
    return df[f"{CONTROL}.{readout}"].to_numpy(float)


def transformed(y: np.ndarray, scale: str) -> np.ndarray:
    """``log``: log10 of the readout (non-positive values become NaN); ``linear``: as is."""
    y = np.asarray(y, float)
    if scale == "log":
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(y > 0, np.log10(np.where(y > 0, y, 1.0)), np.nan)
    return y


# ------------------------------------------------------------------ parts, resume
def done_samples(out: Path) -> set[int]:
    """Sample ids the Parquet parts of ``out`` already hold."""
    ids: set[int] = set()
    for part in sorted((out / "parts").glob("part-*.parquet")):
        ids.update(pd.read_parquet(part, columns=["sample_id"])["sample_id"].astype(int).tolist())
    return ids


def read_results(out: Path) -> pd.DataFrame:
    """Every result row of ``out``'s parts, by sample id."""
    parts = sorted((Path(out) / "parts").glob("part-*.parquet"))
    if not parts:
        return pd.DataFrame({"sample_id": []})
    df = pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True)
    return df.drop_duplicates("sample_id").sort_values("sample_id").reset_index(drop=True)


def _write_parquet(path: Path, df: pd.DataFrame) -> None:
    from .._io import atomic_write

    atomic_write(path, lambda tmp: df.to_parquet(tmp, index=False))


def execute(plan: Plan, samples: pd.DataFrame, out: Path, *, workers: int = 1, scheduler: str | None = None,
            progress: Callable[[int], None] | None = None, flush_seconds: float = 10.0,
            flush_every: int = 50) -> dict:
    """Run the samples of ``samples`` (``sample_id`` and one column per parameter) that the
    parts of ``out`` do not hold yet; write new parts as results arrive. With one worker
    and no scheduler they run in this process, else on Dask (:func:`stat3sim.cohort.connect`).
    Returns the session's counts and times."""
    done = done_samples(out)
    todo = samples[~samples["sample_id"].isin(done)]
    (out / "parts").mkdir(parents=True, exist_ok=True)
    existing = sorted((out / "parts").glob("part-*.parquet"))
    seq = 1 + max((int(p.stem.split("-")[1]) for p in existing), default=-1)
    params = [c for c in samples.columns if c != "sample_id"]
    tasks = [(int(r[0]), dict(zip(params, map(float, r[1:])))) for r in todo[["sample_id", *params]].itertuples(
        index=False, name=None)]
    rows: list[dict] = []
    last = time.perf_counter()
    t0 = last
    pids: set = set()

    def flush():
        nonlocal rows, seq, last
        if rows:
            _write_parquet(out / "parts" / f"part-{seq:05d}.parquet", pd.DataFrame(rows))
            seq += 1
        rows, last = [], time.perf_counter()

    def take(row: dict):
        rows.append(row)
        if progress is not None:
            progress(1)
        if len(rows) >= flush_every or time.perf_counter() - last > flush_seconds:
            flush()

    cpu = 0.0
    if not tasks:
        pass
    elif scheduler is None and workers <= 1:
        import os

        for sid, p in tasks:
            row = run_sample(plan, sid, p)
            cpu += row.get("seconds", 0.0)
            take(row)
        pids.add(os.getpid())
    else:
        from distributed import as_completed

        from ..cohort import connect

        client = connect(workers, scheduler)
        try:
            futures = [client.submit(_run_with_pid, plan, sid, p, key=f"stat3sim-sens-{sid}-{_plan_key(plan)}",
                                     pure=False) for sid, p in tasks]
            for fut in as_completed(futures, loop=client.loop):
                row, pid = fut.result()
                fut.release()
                pids.add(pid)
                cpu += row.get("seconds", 0.0)
                take(row)
        finally:  # every result is written by now: a cluster slow to shut down (a loaded
            # machine) is not a failure of the run
            cluster = getattr(client, "cluster", None)
            try:
                client.close()
                if cluster is not None:
                    cluster.close()
            except (TimeoutError, OSError):
                pass
    flush()
    return {"samples_run": len(tasks), "samples_already_done": len(done), "wall_s": time.perf_counter() - t0,
            "task_cpu_s": cpu, "workers": len(pids)}


def _run_with_pid(plan: Plan, sid: int, params: dict) -> tuple[dict, int]:
    import os

    return run_sample(plan, sid, params), os.getpid()


def _plan_key(plan: Plan) -> str:
    blob = json.dumps([plan.scenario.model_dump_json(), plan.day, plan.arms, plan.observables])
    return hashlib.sha256(blob.encode()).hexdigest()[:12]


# ------------------------------------------------------------------ one analysis
@dataclass
class Setup:
    """Everything a sensitivity run needs, checked (:func:`prepare`)."""

    plan: Plan
    method: str
    n: int
    seed: int
    scale: str
    readouts: list[str]
    factors: list[Factor]
    x: np.ndarray
    samples: pd.DataFrame
    info: dict = field(default_factory=dict)


def prepare(scenario, readouts: Sequence[str], method: str, n: int, params: str = "all", *, seed: int = 0,
            day: float | None = None, scale: str = "log", known_readouts: Sequence[str] | None = None) -> Setup:
    """Check every input and build the design (raises :class:`AnalysisError`)."""
    from .. import __version__, runs

    method = str(method).strip().lower()
    if method not in METHODS:
        raise AnalysisError("method", f"unknown method {method!r}; allowed: {', '.join(METHODS)}")
    if scale not in SCALES:
        raise AnalysisError("scale", f"unknown scale {scale!r}; allowed: {', '.join(SCALES)}")
    if isinstance(n, bool) or int(n) != n or n <= 0:
        raise AnalysisError("n", f"must be a whole number ≥ 1, got {n!r}")
    if not readouts:
        raise AnalysisError("readout", "give at least one readout")
    day = float(scenario.days if day is None else day)
    if not (math.isfinite(day) and day > 0):
        raise AnalysisError("day", f"must be a positive number of days, got {day!r}")
    net = runs.build(scenario)
    known = list(known_readouts) if known_readouts is not None else [o.name for o in net.observables]
    readouts = list(dict.fromkeys(r.strip() for r in readouts))
    obs, arms = readout_arms(scenario, readouts, known)
    factors = select_factors(net, params)
    check_design(method, int(n), len(factors))
    x = design(method, factors, int(n), int(seed))
    vals = values_of(factors, x)
    samples = pd.DataFrame(vals, columns=[f.id for f in factors])
    samples.insert(0, "sample_id", np.arange(len(samples)))
    plan = Plan(scenario, day, ((CONTROL, ()), *((a.name, tuple(a.therapies)) for a in arms)), tuple(obs))
    info = {"scenario": scenario.name, "method": method, "n": int(n), "seed": int(seed), "day": day, "scale": scale,
            "readouts": readouts, "samples": int(len(samples)), "version": __version__,
            "arms": [{"name": nm, "therapies": list(t)} for nm, t in plan.arms],
            "folds": {**FOLDS, "hill coefficient (at most)": HILL_FOLD},
            "parameters": [asdict(f) for f in factors]}
    info["key"] = hashlib.sha256(json.dumps([scenario.model_dump_json(), {k: v for k, v in info.items()
                                                                          if k != "version"}],
                                            default=str).encode()).hexdigest()[:16]
    return Setup(plan, method, int(n), int(seed), scale, readouts, factors, x, samples, info)


def same_setup(a: dict, b: dict) -> list[str]:
    """The settings in which two sensitivity.json manifests differ (what --resume may not change)."""
    keys = ("scenario", "method", "n", "seed", "day", "scale", "readouts", "samples", "version", "key")
    return [k for k in keys if a.get(k) != b.get(k)]


def analyse(setup: Setup, results: pd.DataFrame) -> dict:
    """The indices of every readout from the result rows (one per sample id)."""
    df = results.set_index("sample_id").reindex(setup.samples["sample_id"]).reset_index()
    failed = int((df["status"] != "ok").sum()) if "status" in df else len(df)
    missing = int(df["status"].isna().sum()) if "status" in df else len(df)
    out = {"readouts": {}}
    for r in setup.readouts:
        raw = readout_values(df, r) if f"{CONTROL}.{EFFECT_READOUT if r.startswith(EFFECT) else r}" in df else \
            np.full(len(df), np.nan)
        y = transformed(raw, setup.scale)
        res = indices(setup.method, setup.factors, setup.x, y, seed=setup.seed)
        finite = raw[np.isfinite(raw)]
        res["nominal_scale"] = setup.scale
        res["distribution"] = ({"median": _num(np.median(finite)), "p5": _num(np.percentile(finite, 5)),
                                "p95": _num(np.percentile(finite, 95))} if finite.size else {})
        res["ranking"] = [nm for nm, _ in ranking(res, setup.method)]
        out["readouts"][r] = res
    out["samples_failed"] = failed - missing
    out["samples_missing"] = missing
    if "seconds" in df:  # every session's, not only this one's (a resumed run's parts carry theirs)
        sec = df["seconds"].to_numpy(float)
        sec = sec[np.isfinite(sec)]
        out["sample_seconds"] = {"total": _num(sec.sum()), "median": _num(np.median(sec)) if sec.size else None,
                                 "max": _num(sec.max()) if sec.size else None}
    return out


__all__ = ["CONTROL", "EFFECT", "FOLDS", "Factor", "HILL_FOLD", "KINDS", "METHODS", "Plan", "SCALES", "Setup",
           "analyse", "check_design", "design", "done_samples", "evidence_kind", "execute", "factor_of", "groups",
           "indices", "prepare", "problem", "ranking", "read_results", "readout_values", "run_sample", "same_setup",
           "select_factors", "transformed", "values_of"]
