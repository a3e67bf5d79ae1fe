"""Independent runs in worker processes: ``stat3sim run --jobs`` and ``stat3sim combo --jobs``.

Every simulation is independent of what ran before it in its process (CVODE's tolerances
are fixed from each run's own state; tests/test_engine_tme.py), so a run in a worker
gives the same numbers, to the last digit, as the same run in the calling process.
Workers are fresh ("spawn") processes: no compiled model or LLVM state is forked; each
loads what it needs from the disk cache of compiled models (or compiles it once).
"""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any, Callable, Iterable, Iterator

#: the most worker processes a command may ask for
MAX_JOBS = 64


def workers_for(jobs: int, tasks: int) -> int:
    """How many processes ``jobs`` means for ``tasks`` runs: 0 is one per CPU core; never
    more than there are runs; 1 means no worker processes at all."""
    if jobs < 0 or jobs > MAX_JOBS:
        raise ValueError(f"jobs must be 0 (one per CPU core) or 1 to {MAX_JOBS}, got {jobs}")
    return max(1, min(jobs or (os.cpu_count() or 1), tasks))


def run_all(fn: Callable[..., Any], argsets: Iterable[tuple], jobs: int = 1) -> Iterator[tuple[int, Any, str]]:
    """Call ``fn(*args)`` for each tuple of ``argsets``; yield ``(index, result, error)`` as
    each finishes (in order when serial). ``fn`` must be a module-level function and its
    arguments picklable. An exception (or a worker that dies) gives ``result`` None and
    ``error`` its one-line message; the other runs go on."""
    argsets = list(argsets)
    n = workers_for(jobs, len(argsets))
    if n <= 1:
        for i, args in enumerate(argsets):
            try:
                yield i, fn(*args), ""
            except Exception as e:  # noqa: BLE001 — a failed run is data
                yield i, None, _message(e)
        return
    with ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = {pool.submit(fn, *args): i for i, args in enumerate(argsets)}
        for fut in as_completed(futures):
            try:
                yield futures[fut], fut.result(), ""
            except Exception as e:  # noqa: BLE001 — includes BrokenProcessPool
                yield futures[fut], None, _message(e)


def _message(e: BaseException) -> str:
    text = " ".join(str(e).split())
    return f"{type(e).__name__}: {text[:300]}" if text else type(e).__name__
