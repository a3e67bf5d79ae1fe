"""stat3sim._parallel: independent runs in worker processes."""
from __future__ import annotations

import os

import pytest

from stat3sim._parallel import MAX_JOBS, run_all, workers_for


def square_or_fail(x: float) -> float:
    if x < 0:
        raise ValueError("negative input")
    return x * x


def test_workers_for_counts_cores_and_tasks():
    assert workers_for(1, 10) == 1
    assert workers_for(3, 2) == 2  # never more processes than runs
    assert workers_for(0, 1000) == min(os.cpu_count() or 1, 1000)
    assert workers_for(0, 0) == 1
    for bad in (-1, MAX_JOBS + 1):
        with pytest.raises(ValueError, match="jobs"):
            workers_for(bad, 3)


@pytest.mark.parametrize("jobs", [1, 2])
def test_run_all_gives_every_result_and_records_failures(jobs):
    """Serial and in two processes: every index once, results right, an exception is that
    run's error and the others go on."""
    got = {i: (r, e) for i, r, e in run_all(square_or_fail, [(1.0,), (-1.0,), (3.0,)], jobs)}
    assert sorted(got) == [0, 1, 2]
    assert got[0] == (1.0, "") and got[2] == (9.0, "")
    assert got[1][0] is None and got[1][1] == "ValueError: negative input"


def test_run_all_is_in_order_when_serial():
    assert [i for i, _, _ in run_all(square_or_fail, [(float(k),) for k in range(5)], 1)] == list(range(5))
