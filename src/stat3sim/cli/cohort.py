"""``stat3sim cohort``: a virtual cohort of a scenario on Dask (a local cluster or an
existing scheduler), streamed to Parquet parts, resumable.

What belongs here: the command's options, their checks and the progress bar; the work is
``stat3sim.cohort``.
"""
from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Optional

import typer

from . import app
from ._common import allowed, bad, warn


def _arms(scenario, names: list[str]):
    from ..cohort import ArmPlan
    from ..runs import THERAPY_ARMS
    from ..therapy.catalog import TherapyError
    from ..therapy.regimen import parse_regimen

    known = {n: tuple(t) for n, _, t in THERAPY_ARMS.get(scenario.name, [])}
    arms = [ArmPlan("no treatment")]
    for name in names:
        if name in known:
            arm = ArmPlan(name, known[name])
        else:
            try:
                parse_regimen(name)
            except TherapyError as e:
                choices = allowed(known) if known else "none for this scenario"
                bad("--arm", f"{name!r} is neither a standard arm of {scenario.name} ({choices}) nor a regimen "
                             f"({e.field}: {e.message})")
            arm = ArmPlan(name, (name,))
        if arm.name in {a.name for a in arms}:
            bad("--arm", f"{name!r} is given twice")
        arms.append(arm)
    return tuple(arms)


def _readout_days(text: Optional[str]) -> Optional[tuple[float, ...]]:
    if text is None:
        return None
    try:
        vals = tuple(sorted({float(x) for x in text.split(",") if x.strip()}))
    except ValueError:
        bad("--readout-days", f"a comma-separated list of days, e.g. 30,90,180; got {text!r}")
    if not vals or any(not math.isfinite(v) for v in vals):
        bad("--readout-days", f"a comma-separated list of days, e.g. 30,90,180; got {text!r}")
    return vals


@app.command()
def cohort(
    scenario: str = typer.Option(..., "--scenario", help="a shipped scenario name or a scenario YAML file"),
    n: int = typer.Option(..., "--n", help="number of virtual patients"),
    seed: int = typer.Option(0, "--seed", help="seed of the Latin-hypercube sample (same seed: same patients)"),
    out: Path = typer.Option(..., "--out", help="output folder (parts/, summary.json, report.html, baseline.png)"),
    workers: Optional[int] = typer.Option(None, "--workers", help="local Dask worker processes (default: all cores)"),
    scheduler: Optional[str] = typer.Option(None, "--scheduler",
                                            help="address of an existing Dask scheduler, e.g. tcp://host:8786"),
    resume: bool = typer.Option(False, "--resume", help="continue an interrupted cohort in --out"),
    days: Optional[float] = typer.Option(None, "--days", help="days of treatment after diagnosis (default: the scenario's)"),
    arm: list[str] = typer.Option([], "--arm", help="a therapy arm besides 'no treatment': a standard arm's name "
                                                   "(tnbc: 'tocilizumab', ...) or a regimen; repeatable"),
    distributions: Optional[Path] = typer.Option(None, "--distributions",
                                                 help="a distribution file (layout of stat3sim/cohort/data/populations.yaml)"),
    uncertainty: Optional[Path] = typer.Option(None, "--uncertainty", metavar="FILE",
                                               help="each patient also draws the calibrated parameters from this "
                                                    "parameter-uncertainty file (TSV: ids, estimate, ci95_low, "
                                                    "ci95_high, scale, source; or a `stat3sim fit` results.json), "
                                                    "as `stat3sim run --bands` does"),
    readout_days: Optional[str] = typer.Option(None, "--readout-days", help="days with readouts, e.g. 30,90,180"),
    timecourses: bool = typer.Option(False, "--timecourses", help="also write daily time courses (timecourses/)"),
    select: bool = typer.Option(False, "--select", help="also select the plausible patients to the subtype's observed "
                                                        "doubling times (Allen 2016): selection.parquet"),
) -> None:
    """Run a virtual cohort: sample patients, grow each to its diagnosis, filter for
    plausibility, run every arm; one Parquet row per patient and arm."""
    from ._cluster import (check_cluster_options, check_out, check_resume, cluster_session, progress,
                           read_manifest, write_manifest)
    from .tme import check_days, load_checked

    if n <= 0:
        bad("--n", f"must be a whole number of patients ≥ 1, got {n}")
    check_cluster_options(workers, scheduler)
    if distributions is not None and not distributions.is_file():
        bad("--distributions", f"no such file: {distributions}")
    if uncertainty is not None and not uncertainty.is_file():
        bad("--uncertainty", f"no such file: {uncertainty}")
    sc = load_checked(scenario, "--scenario")
    days = check_days(days)
    arms = _arms(sc, arm)
    rdays = _readout_days(readout_days)
    manifest = check_out(out, "cohort.json", resume, "cohort")
    from ..cohort import CohortError, PopulationError, execute, finish, prepare
    from ..uncertainty import UncertaintyError
    from ..cohort.runner import done_patients, ranges_info, same_cohort

    try:
        plan, patients, info = prepare(sc, n, seed, days=days, arms=arms, distributions=distributions,
                                       readout_days=rdays, timecourses=timecourses, out=out, uncertainty=uncertainty)
    except UncertaintyError as e:
        bad("--uncertainty", str(e))
    except PopulationError as e:
        bad("--uncertainty" if "parameter-uncertainty file" in e.message else "--distributions", str(e))
    except CohortError as e:
        bad(e.field, e.message)
    if resume:
        check_resume(manifest, same_cohort(read_manifest(manifest), info), "cohort")
    with cluster_session(workers, scheduler, out, resume, "parts/part-*.parquet",
                         f"the finished patients are in {out}/parts") as client:
        from .._io import atomic_write

        if not resume:
            write_manifest(manifest, info)
            atomic_write(out / "patients.parquet", lambda tmp: patients.to_parquet(tmp, index=False))
        t0 = time.perf_counter()
        with progress("patients") as bar:
            already = len(done_patients(out)) if resume else 0
            task = bar.add_task("cohort", total=n, completed=already, rate="")
            start = time.perf_counter()
            count = [0]

            def tick(k: int) -> None:
                count[0] += k
                rate = count[0] / max(time.perf_counter() - start, 1e-9)
                bar.update(task, advance=k, rate=f"{rate:.2f}/s")

            session = execute(plan, patients, out, client, progress=tick)
            ranges = client.submit(ranges_info, plan, pure=False).result()
        session["wall_s_with_setup"] = time.perf_counter() - t0
        summary = finish(out, info, session, ranges, select=select)
    c = summary["counts"]
    typer.echo(f"{summary['patients']} patients: {c['ok']} kept, {c['rejected']} rejected, "
               f"{c['solver failed']} solver failed; {session['patients_run']} run in {session['wall_s']:.1f} s "
               f"on {session['workers']} workers ({session['compiles']} compiles)")
    for reason, k in summary["rejections_by_reason"].items():
        typer.echo(f"  rejected: {reason}: {k}")
    if "selection" in summary:
        sel = summary["selection"]
        typer.echo(f"selected {sel['selected']} of {sel['plausible']} plausible patients to the observed doubling "
                   f"times (effective sample size {sel['effective_sample_size']:.0f}): {out}/selection.parquet")
    if c["solver failed"]:
        warn(f"{c['solver failed']} patients failed in the solver (messages in summary.json)")
    typer.echo(f"wrote {out}/parts, {out}/summary.json, {out}/report.html, {out}/baseline.png")
