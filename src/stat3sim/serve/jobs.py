"""Runs of the explorer: a queue, one worker process, progress, results on disk.

The HTTP threads never simulate. ``Jobs.submit`` queues a checked :class:`~.api.RunSpec`;
one dispatcher thread takes the jobs in order and sends each arm to a worker process (a
fresh "spawn" process, as ``stat3sim run --jobs`` uses: no compiled model is forked, and
a crash or a hang in the solver cannot take the server with it). A job's progress is the
arms finished out of its arms; the page polls ``GET /api/runs/<id>`` and draws each arm
as it comes (``GET /api/runs/<id>/series``).

Each arm goes through :func:`stat3sim.runs.simulate` (the run layer of ``stat3sim run``).
When the arms are done the time courses are written (``timecourses.csv``). The report
(10–30 s of figures) is made only when asked for (``Jobs.request_report``), by the same
worker, after any waiting run: :func:`stat3sim.report.html.write_report` with what
``stat3sim run`` gives it (the untreated reference as the scenario's arm, every arm as a
therapy arm; no claims are checked). Each job's files live in its own folder under a
temporary directory the server removes when it stops; only the newest ``MAX_KEPT``
finished jobs are kept.

Limits: ``MAX_QUEUED`` jobs waiting (a further one is refused, 429), ``ARM_TIMEOUT_S`` per
arm and ``REPORT_TIMEOUT_S`` for the report (past it the worker process is stopped and
replaced, and the job fails with that message).
"""
from __future__ import annotations

import itertools
import math
import multiprocessing
import queue
import secrets
import shutil
import tempfile
import threading
import time
from collections import OrderedDict
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Any, Callable

from .api import REFERENCE_ARM, RequestError, RunSpec

#: jobs that may wait for the worker; one more is refused (HTTP 429)
MAX_QUEUED = 4
#: finished jobs whose results are kept (older ones and their files are dropped)
MAX_KEPT = 16
#: seconds one arm may take in the worker before it is stopped
ARM_TIMEOUT_S = 300.0
#: seconds the report may take
REPORT_TIMEOUT_S = 300.0
#: readouts the page draws, by panel (columns of the run's frame; drug columns are found by suffix)
TUMOR_COLUMNS = ("tumor_volume_mm3", "tumor_diameter_mm")
SERUM_COLUMNS = ("serum_IL6_pg_mL", "serum_IL11_pg_mL", "serum_TNFa_pg_mL", "serum_TGFb_pg_mL", "serum_CRP_mg_L")
#: a job id: 16 hex digits (64 random bits)
JOB_ID = r"[0-9a-f]{16}"


# -------------------------------------------------------- in the worker process
def simulate_arm(scenario, arm, days: float, points_per_day: int) -> tuple[Any, str, float, list[str]]:
    """One arm through the run layer: (frame or None, failure message, seconds, dose warnings)."""
    from .. import runs

    t0 = time.perf_counter()
    try:
        res = runs.simulate(scenario, arm, days=days, points_per_day=points_per_day)
    except Exception as e:  # noqa: BLE001 — a failed arm is data
        return None, f"{type(e).__name__}: {' '.join(str(e).split())[:400]}", time.perf_counter() - t0, []
    warnings = list(res.meta.get("warnings") or [])
    if not res.ok:
        return None, res.message or "the solver failed", time.perf_counter() - t0, warnings
    return res.frame, "", time.perf_counter() - t0, warnings


def write_timecourses(out_dir: str, arms: list, frames: dict) -> None:
    """``timecourses.csv`` (every arm stacked, the arm first, as ``stat3sim run`` writes its
    therapy arms) and ``frames.pkl`` (the frames, for the report) into ``out_dir``."""
    import pickle

    import pandas as pd

    from .._io import atomic_write

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    ok = [a.name for a in arms if a.name in frames]
    if ok:
        table = pd.concat([frames[n].assign(arm=n)[["arm", *frames[n].columns]] for n in ok], ignore_index=True)
    else:
        table = pd.DataFrame({"arm": pd.Series(dtype=str), "time_days": pd.Series(dtype=float)})
    atomic_write(out / "timecourses.csv", lambda tmp: table.to_csv(tmp, index=False))

    def dump(tmp: str) -> None:
        with open(tmp, "wb") as fh:
            pickle.dump({n: frames[n] for n in ok}, fh, protocol=pickle.HIGHEST_PROTOCOL)
    atomic_write(out / "frames.pkl", dump)


def write_report_file(out_dir: str, scenario, arms: list, failed: dict) -> str:
    """``report.html`` (and ``figures/``) in ``out_dir`` from the frames ``write_timecourses``
    left there: :func:`stat3sim.report.html.write_report` given what ``stat3sim run`` gives
    it for a scenario with therapy arms (the untreated reference as the scenario's arm, every
    arm as a therapy arm, the reference first; no claims are checked)."""
    import pickle

    from .. import runs
    from ..model import tme
    from ..report.html import write_report

    out = Path(out_dir)
    with open(out / "frames.pkl", "rb") as fh:  # written by this package, never by a client
        frames = pickle.load(fh)
    try:
        net = runs.build(scenario)
    except Exception:  # noqa: BLE001 — the report then goes without parameters
        net = None
    ref = arms[0].name
    write_report(
        out,
        scenario={"name": scenario.name, "description": scenario.description, "subtype": scenario.subtype,
                  "days": f"{scenario.days:.4g}", "failed": {k: v for k, v in failed.items() if k == ref}},
        arms={ref: frames[ref]} if ref in frames else {},
        observables={o.name: (o.unit, o.description) for o in net.observables} if net is not None else {},
        parameters=tme.parameters_table(net) if net is not None else None,
        claims=[], serum_ranges=tme.SERUM_RANGES,
        therapy_arms={"arms": {a.name: frames[a.name] for a in arms if a.name in frames},
                      "failed": {k: v for k, v in failed.items() if k != ref},
                      "regimens": {a.name: list(a.therapies) for a in arms},
                      "descriptions": {a.name: a.description for a in arms},
                      "translation": []} if len(arms) > 1 else None)
    return "report.html"


# ------------------------------------------------------------ in the server
def _series(frame) -> dict[str, list]:
    """The columns the page draws, as lists (non-finite values as None)."""
    cols = ["time_days", *[c for c in TUMOR_COLUMNS if c in frame.columns],
            *[c for c in frame.columns if c.endswith(".pSTAT3")],
            *[c for c in SERUM_COLUMNS if c in frame.columns],
            *[c for c in frame.columns if c.endswith("_plasma_nM") and not c.endswith("_free_plasma_nM")]]
    return {c: [float(x) if math.isfinite(x) else None for x in frame[c].to_numpy(dtype=float)] for c in cols}


class Job:
    """One run: its request, state (queued, running, done, failed), progress, results, and
    its report's state (none, queued, running, ready, failed)."""

    def __init__(self, spec: RunSpec, directory: Path):
        self.id = secrets.token_hex(8)
        self.spec = spec
        self.dir = directory / self.id
        self.state = "queued"
        self.step = "waiting for the worker"
        self.done = 0
        self.total = len(spec.arms)
        self.error = ""
        self.started: float | None = None
        self.finished: float | None = None
        self.series: dict[str, dict] = {}
        self.failed: dict[str, str] = {}
        self.warnings: list[str] = []
        self.seconds: dict[str, float] = {}
        self.files: list[str] = []
        self.report = "none"
        self.report_error = ""
        self.lock = threading.Lock()

    def status(self) -> dict[str, Any]:
        with self.lock:
            now = self.finished or time.time()
            out = {"id": self.id, "state": self.state, "step": self.step,
                   "progress": {"done": self.done, "total": self.total},
                   "elapsed_s": round(now - (self.started or now), 2), "request": self.spec.request,
                   "warnings": list(self.warnings),
                   "arms": [{"name": a.name, "regimens": list(a.therapies),
                             "state": "ok" if a.name in self.series else "failed" if a.name in self.failed
                             else "waiting", **({"error": self.failed[a.name]} if a.name in self.failed else {})}
                            for a in self.spec.arms],
                   "arms_done": [a.name for a in self.spec.arms if a.name in self.series or a.name in self.failed],
                   "report": self.report,
                   "seconds": {k: round(v, 2) for k, v in self.seconds.items()},
                   "files": {f: f"/api/runs/{self.id}/{f}" for f in self.files}}
            if self.error:
                out["error"] = self.error
            if self.report_error:
                out["report_error"] = self.report_error
            return out

    def series_of(self) -> dict[str, Any]:
        """The drawn readouts of every arm finished so far (``GET /api/runs/<id>/series``)."""
        with self.lock:
            return {"id": self.id, "state": self.state, "series": dict(self.series), "failed": dict(self.failed)}


class Jobs:
    """The job queue, its dispatcher thread and the worker process (see the module's text).
    ``pool_factory`` makes the executor (tests may give a thread pool)."""

    def __init__(self, directory: Path | None = None, *, max_queued: int = MAX_QUEUED, max_kept: int = MAX_KEPT,
                 arm_timeout_s: float = ARM_TIMEOUT_S, report_timeout_s: float = REPORT_TIMEOUT_S,
                 pool_factory: Callable[[], Any] | None = None):
        self._own_dir = directory is None
        self.dir = Path(tempfile.mkdtemp(prefix="stat3sim-serve-")) if directory is None else Path(directory)
        self.max_queued, self.max_kept = max_queued, max_kept
        self.arm_timeout_s, self.report_timeout_s = arm_timeout_s, report_timeout_s
        self._pool_factory = pool_factory or (lambda: ProcessPoolExecutor(
            max_workers=1, mp_context=multiprocessing.get_context("spawn")))
        self._pool = None
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        # (priority, order, kind, job): runs (0) before reports (1), each kind first come first served
        self._queue: queue.PriorityQueue = queue.PriorityQueue()
        self._order = itertools.count()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._dispatch, name="stat3sim-serve-dispatcher", daemon=True)
        self._thread.start()

    # ---- the HTTP side
    def _waiting(self) -> int:
        return sum((j.state == "queued") + (j.report == "queued") for j in self._jobs.values())

    def submit(self, spec: RunSpec) -> Job:
        """Queue a run (429 when ``max_queued`` runs and reports wait already)."""
        with self._lock:
            waiting = self._waiting()
            if waiting >= self.max_queued:
                raise RequestError("runs", f"{waiting} runs or reports are already waiting; try again when one has "
                                           f"finished (at most {self.max_queued} wait)", 429)
            job = Job(spec, self.dir)
            self._jobs[job.id] = job
            self._evict()
        self._queue.put((0, next(self._order), "run", job))
        return job

    def request_report(self, job: Job) -> Job:
        """Queue the report of a finished run (once; asking again changes nothing)."""
        with self._lock, job.lock:
            if job.state != "done":
                raise RequestError("report", f"run {job.id} has not finished (state: {job.state})", 409)
            if job.report in ("queued", "running", "ready"):
                return job
            if self._waiting() >= self.max_queued:
                raise RequestError("report", f"{self._waiting()} runs or reports are already waiting; try again "
                                             "when one has finished", 429)
            job.report, job.report_error = "queued", ""
        self._queue.put((1, next(self._order), "report", job))
        return job

    def get(self, job_id: str) -> Job:
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            raise RequestError("run", f"no run {job_id!r} (unknown, or dropped: the newest {self.max_kept} are kept)",
                               404)
        return job

    def close(self) -> None:
        """Stop the dispatcher and the worker; remove the results (if the directory is ours)."""
        self._stop.set()
        self._queue.put((-1, -1, "stop", None))
        self._thread.join(timeout=5)
        self._kill_pool()
        if self._own_dir:
            shutil.rmtree(self.dir, ignore_errors=True)

    def _evict(self) -> None:
        finished = [j for j in self._jobs.values() if j.state in ("done", "failed") and j.report != "queued"
                    and j.report != "running"]
        for j in finished[:max(0, len(finished) - self.max_kept)]:
            del self._jobs[j.id]
            shutil.rmtree(j.dir, ignore_errors=True)

    # ---- the dispatcher
    def _pool_(self):
        if self._pool is None:
            self._pool = self._pool_factory()
        return self._pool

    def _kill_pool(self) -> None:
        """Stop the worker process now (a run past its time, or shutdown) and forget the pool."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        for p in list((getattr(pool, "_processes", None) or {}).values()):
            try:
                p.terminate()  # the process this executor started; nothing else
            except Exception:  # noqa: BLE001
                pass
        pool.shutdown(wait=False, cancel_futures=True)

    def _call(self, timeout: float, fn, *args):
        fut = self._pool_().submit(fn, *args)
        try:
            return fut.result(timeout=timeout)
        except FutureTimeout:
            self._kill_pool()
            raise TimeoutError(f"took longer than {timeout:g} s; the worker was stopped") from None
        except Exception as e:
            if type(e).__name__ == "BrokenProcessPool":
                self._kill_pool()
            raise

    def _dispatch(self) -> None:
        while not self._stop.is_set():
            _, _, kind, job = self._queue.get()
            if job is None or self._stop.is_set():
                return
            try:
                self._run(job) if kind == "run" else self._report(job)
            except Exception as e:  # noqa: BLE001 — a job fails, the server goes on
                message = f"{type(e).__name__}: {' '.join(str(e).split())[:400]}"
                with job.lock:
                    if kind == "run":
                        job.state, job.error, job.step, job.finished = "failed", message, "failed", time.time()
                    else:
                        job.report, job.report_error = "failed", message

    def _run(self, job: Job) -> None:
        spec = job.spec
        with job.lock:
            job.state, job.started = "running", time.time()
        frames: dict[str, Any] = {}
        for i, arm in enumerate(spec.arms):
            with job.lock:
                job.step = f"arm {i + 1} of {len(spec.arms)}: {arm.name}"
            try:
                frame, message, took, warnings = self._call(self.arm_timeout_s, simulate_arm, spec.scenario, arm,
                                                            spec.days, spec.points_per_day)
            except Exception as e:  # noqa: BLE001 — a failed arm is data
                frame, message, took, warnings = None, f"{type(e).__name__}: {' '.join(str(e).split())[:400]}", 0.0, []
            with job.lock:
                job.seconds[arm.name] = took
                job.warnings += [w for w in warnings if w not in job.warnings]
                if frame is None:
                    job.failed[arm.name] = message
                else:
                    frames[arm.name] = frame
                    job.series[arm.name] = _series(frame)
                job.done += 1
            if self._stop.is_set():
                return
        if REFERENCE_ARM in job.failed:
            with job.lock:
                job.state, job.step, job.finished = "failed", "failed", time.time()
                job.error = f"the untreated reference failed: {job.failed[REFERENCE_ARM]}"
            return
        write_timecourses(str(job.dir), spec.arms, frames)
        with job.lock:
            job.files = ["timecourses.csv"]
            job.state, job.step, job.finished = "done", "done", time.time()
        with self._lock:
            self._evict()

    def _report(self, job: Job) -> None:
        with job.lock:
            job.report = "running"
        t0 = time.perf_counter()
        name = self._call(self.report_timeout_s, write_report_file, str(job.dir), job.spec.scenario, job.spec.arms,
                          dict(job.failed))
        with job.lock:
            job.seconds["report"] = time.perf_counter() - t0
            job.files.append(name)
            job.report = "ready"


__all__ = ["ARM_TIMEOUT_S", "JOB_ID", "Job", "Jobs", "MAX_KEPT", "MAX_QUEUED", "REPORT_TIMEOUT_S", "simulate_arm",
           "write_report_file", "write_timecourses"]
