"""``stat3sim rerun DIR``: re-create a ``stat3sim run`` from its ``summary.json`` alone and
check that the numbers agree.

What belongs here: reading the run record (``summary.json``'s ``provenance``: the resolved
scenario, the arms with their changes, the options; see :mod:`stat3sim.provenance`),
running it again through the same code as ``run`` (:func:`.tme.run_scenario`) into
another directory, and comparing the day-end table of every arm (every readout on the
last day of ``timecourses`` and ``therapy_timecourses``) within a relative tolerance.

Errors: a directory without a readable ``summary.json``, a summary without a run record
(written before stat3sim recorded one) or without its time courses, an ``--out`` that is
the run directory itself, a bad ``--rtol``: one line, exit code 2, nothing written. Numbers
that do not agree: the arms and readouts that differ, exit code 1. A run recorded by
another stat3sim version or commit is re-run all the same, with a warning.

Examples::

    stat3sim run tnbc --days 20 --no-therapy --no-claims --out results/short
    stat3sim rerun results/short                        # into results/short/rerun
    stat3sim rerun results/short --out /tmp/again --rtol 1e-9
"""
from __future__ import annotations

import json
import math
import time
from pathlib import Path
from typing import Any, Optional

import typer

from . import app
from ._common import bad, console, fail, fmt, warn, write_text
from .tme import check_jobs, check_out_dir

#: the default relative tolerance of the comparison
RERUN_RTOL = 1e-6
#: differences below this (in the readout's own unit) are rounding on a readout that is zero
RERUN_ATOL = 1e-12
#: the time-course files whose arms are compared, in this order
TIMECOURSES = ("timecourses", "therapy_timecourses")


def _read_summary(run_dir: Path) -> dict[str, Any]:
    if not run_dir.is_dir():
        bad("DIR", f"{str(run_dir)!r} is not a directory; give the --out directory of a `stat3sim run`")
    path = run_dir / "summary.json"
    if not path.is_file():
        bad("DIR", f"{str(run_dir)!r} has no summary.json; give the --out directory of a `stat3sim run`")
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        bad("DIR", f"{path} cannot be read: {e}")
    record = summary.get("provenance") if isinstance(summary, dict) else None
    if not isinstance(record, dict) or not isinstance(record.get("scenario"), dict) or "arms" not in record:
        bad("DIR", f"{path} has no run record (provenance); it was written by a stat3sim that did not record "
                   "one: run the scenario again with `stat3sim run`")
    return summary


def _read_table(run_dir: Path, stem: str):
    """``run_dir/<stem>.parquet`` (else ``.csv``) as a DataFrame, or None when neither exists."""
    import pandas as pd

    for suffix, read in ((".parquet", pd.read_parquet), (".csv", pd.read_csv)):
        path = run_dir / f"{stem}{suffix}"
        if path.is_file():
            try:
                return read(path)
            except Exception as e:  # noqa: BLE001 — a damaged file is named, not a traceback
                bad("DIR", f"{path} cannot be read: {type(e).__name__}: {e}")
    return None


def day_end_rows(table) -> dict[str, dict[str, float]]:
    """arm -> {readout: value on the arm's last row} of a stacked time-course table."""
    out: dict[str, dict[str, float]] = {}
    if table is None or not len(table):
        return out
    numeric = [c for c in table.columns if c != "arm"]
    for arm, df in table.groupby("arm", sort=False):
        last = df.iloc[-1]
        out[str(arm)] = {c: float(last[c]) for c in numeric}
    return out


def compare(before: dict[str, dict[str, float]], after: dict[str, dict[str, float]], rtol: float,
            atol: float = RERUN_ATOL) -> list[dict[str, Any]]:
    """Per arm: readouts compared, the largest relative difference, the readouts that
    differ (``|a − b| > rtol·max(|a|, |b|)`` and ``> atol``; NaN equals NaN) and those only
    one side has."""
    rows = []
    for arm in dict.fromkeys([*before, *after]):
        a, b = before.get(arm), after.get(arm)
        if a is None or b is None:
            rows.append({"arm": arm, "ok": False, "compared": 0, "max_rel_diff": None, "differ": [],
                         "missing": ["the whole arm (" + ("not re-run" if b is None else "not in the original")
                                     + ")"]})
            continue
        differ, worst = [], 0.0
        missing = sorted(set(a) ^ set(b))
        for c in (c for c in a if c in b):
            x, y = a[c], b[c]
            if math.isnan(x) and math.isnan(y):
                continue
            d = abs(x - y)
            scale = max(abs(x), abs(y))
            rel = d / scale if scale > 0 else 0.0
            if not math.isfinite(d):
                rel = math.inf
            if d > atol:
                worst = max(worst, rel)
            if not (d <= atol or d <= rtol * scale):
                differ.append(f"{c} {fmt(x)} → {fmt(y)}")
        rows.append({"arm": arm, "ok": not differ and not missing, "compared": len((set(a) & set(b)) - {"time_days"}),
                     "max_rel_diff": worst, "differ": differ, "missing": missing})
    return rows


@app.command()
def rerun(
    run_dir: Path = typer.Argument(..., metavar="DIR", help="the output directory of a `stat3sim run`"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="where the re-run writes (default: DIR/rerun)"),
    rtol: float = typer.Option(RERUN_RTOL, "--rtol", help="relative tolerance of the comparison"),
    claims: bool = typer.Option(False, "--claims/--no-claims",
                                help="check the claims in the re-run's report too (they do not change the "
                                     "numbers compared)"),
    jobs: int = typer.Option(0, "--jobs", "-j", help="processes for the treated arms, as in `run` (same numbers)"),
) -> None:
    """Re-create a `stat3sim run` from its summary.json alone and check that the day-end table of
    every arm agrees (exit 1 if not)."""
    t0 = time.perf_counter()
    jobs = check_jobs(jobs)
    if not math.isfinite(rtol) or not (0 < rtol < 1):
        bad("--rtol", f"must be a relative tolerance between 0 and 1 (e.g. 1e-6), got {rtol:g}")
    summary = _read_summary(run_dir)
    record = summary["provenance"]
    before = {}
    for stem in TIMECOURSES:
        before.update(day_end_rows(_read_table(run_dir, stem)))
    if not before:
        bad("DIR", f"{str(run_dir)!r} has no timecourses.parquet or .csv to compare with")
    out_dir = out if out is not None else run_dir / "rerun"
    if out_dir.resolve() == run_dir.resolve():
        bad("--out", "is the run directory itself; the re-run would overwrite what it is compared with")
    check_out_dir(out_dir)

    from ..provenance import arms_from_record, scenario_from_record, software
    from ..scenarios import ScenarioError, validate
    from .tme import _vocabulary, run_scenario

    try:
        sc = validate(scenario_from_record(record["scenario"]), _vocabulary())
        arms = arms_from_record(record["arms"])
        th_arms = arms_from_record(record.get("therapy_arms") or [])
    except ScenarioError as e:
        bad("DIR", f"summary.json: the recorded scenario does not load in this stat3sim: {e.field}: {e.message}")
    except Exception as e:  # noqa: BLE001 — a hand-edited or foreign record
        bad("DIR", f"summary.json: the run record cannot be read: {type(e).__name__}: {e}")
    if not arms:
        bad("DIR", "summary.json: the run record has no arms")
    was, now = record.get("software") or {}, software()
    for key, what in (("stat3sim", "version"), ("git_commit", "commit")):
        if was.get(key) and now.get(key) and was[key] != now[key]:
            warn(f"the run was recorded by stat3sim {what} {was[key]}; this is {now[key]}: numbers may differ")
    options = dict(record.get("options") or {})
    options.update({"claims": claims, "jobs": jobs})

    run_scenario(sc, out_dir, arms, th_arms, options=options, t0=t0)

    after = {}
    for stem in TIMECOURSES:
        after.update(day_end_rows(_read_table(out_dir, stem)))
    rows = compare(before, after, rtol)
    n_ok = sum(r["ok"] for r in rows)
    worst = max((r["max_rel_diff"] for r in rows if r["max_rel_diff"] is not None), default=0.0)
    check = {"rerun_of": str(run_dir), "rtol": rtol, "atol": RERUN_ATOL, "arms": rows,
             "agree": n_ok == len(rows), "max_rel_diff": worst,
             "recorded_by": {k: was.get(k) for k in ("stat3sim", "git_commit")},
             "rerun_by": {k: now.get(k) for k in ("stat3sim", "git_commit")}}
    write_text(out_dir / "rerun_check.json", json.dumps(check, indent=2, ensure_ascii=False) + "\n")

    con = console()
    day = fmt(float(options.get("days") or sc.days))
    for r in rows:
        if r["ok"]:
            con.print(f"  {r['arm']}: {r['compared']} readouts agree (largest relative difference "
                      f"{r['max_rel_diff']:.2g})", soft_wrap=True, markup=False)
        else:
            what = "; ".join([*r["differ"][:6], *(["…"] if len(r["differ"]) > 6 else []),
                              *(f"missing: {m}" for m in r["missing"][:6])])
            con.print(f"  {r['arm']}: DIFFERS: {what}", soft_wrap=True, markup=False)
    con.print(f"rerun of {run_dir}: {n_ok} of {len(rows)} arms agree at day {day} within rtol {rtol:g} "
              f"(largest relative difference {worst:.2g}); wrote {out_dir / 'rerun_check.json'}",
              soft_wrap=True, markup=False)
    if n_ok != len(rows):
        fail(f"{len(rows) - n_ok} of {len(rows)} arms differ from the recorded run (see above)")
