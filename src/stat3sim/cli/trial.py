"""``stat3sim trial``: a virtual trial of a design (shipped name or YAML file) on the
cohort machinery (a local Dask cluster or an existing scheduler), resumable.

What belongs here: the command's options, their checks and the progress bar; the work is
``stat3sim.trial``.
"""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Optional

import typer

from . import app
from ._common import bad, warn


@app.command()
def trial(
    design: str = typer.Argument(..., help="a shipped design (ruxolitinib_tnbc_phase2, napabucasin_pstat3, "
                                           "tocilizumab_endocrine_resistant, tnbc_first_line_chemo_io, "
                                           "checkpoint_monotherapy_tnbc) or a YAML file"),
    n: Optional[int] = typer.Option(None, "--n", help="virtual patients per arm (default: the design's n_per_arm)"),
    out: Path = typer.Option(..., "--out", help="output folder (summary.json, report.html, figures, patients.parquet)"),
    seed: int = typer.Option(0, "--seed", help="seed of the screened population (same seed: same patients)"),
    workers: Optional[int] = typer.Option(None, "--workers", help="local Dask worker processes (default: all cores)"),
    scheduler: Optional[str] = typer.Option(None, "--scheduler",
                                            help="address of an existing Dask scheduler, e.g. tcp://host:8786"),
    resume: bool = typer.Option(False, "--resume", help="continue an interrupted trial in --out"),
    screen: Optional[int] = typer.Option(None, "--screen", help="patients to screen (default: sized from the "
                                                                "inclusion criteria)"),
    json_out: bool = typer.Option(False, "--json", help="print summary.json to stdout"),
) -> None:
    """Run a virtual trial: screen and enrol virtual patients, run every arm from each
    patient's state at diagnosis, read RECIST 1.1, analyse ORR, PFS, hazard ratios and
    subgroups, and set the published outcomes next to the predicted ones."""
    from ..trial.design import DesignError, load_design
    from ._cluster import (check_cluster_options, check_out, check_resume, cluster_session, progress,
                           read_manifest, write_manifest)

    try:
        d = load_design(design)
    except DesignError as e:
        bad("DESIGN", str(e))
    n = d.n_per_arm if n is None else n
    if n <= 0:
        bad("--n", f"must be a whole number of patients per arm ≥ 1, got {n}")
    if screen is not None and screen < n:
        bad("--screen", f"must be at least --n ({n}), got {screen}")
    check_cluster_options(workers, scheduler)
    manifest = check_out(out, "trial.json", resume, "trial")
    settings = {"design": d.model_dump(mode="json", exclude={"path"}), "n_per_arm": n, "seed": seed, "screen": screen}
    if resume:
        old = read_manifest(manifest)
        check_resume(manifest, [k for k in settings if old.get(k) != settings[k]], "trial")
    with cluster_session(workers, scheduler, out, resume, "*/parts/part-*.parquet",
                         f"the finished patients are in {out}") as client:
        if not resume:
            write_manifest(manifest, settings)
        with progress("{task.description}") as bar:
            tasks: dict = {}
            start = time.perf_counter()

            def tick(stage: str, k: int) -> None:
                if stage not in tasks:
                    tasks[stage] = (bar.add_task(stage, total=None, rate=""), [0, time.perf_counter()])
                task, c = tasks[stage]
                c[0] += k
                bar.update(task, advance=k, rate=f"{c[0] / max(time.perf_counter() - c[1], 1e-9):.2f}/s")

            from ..trial.runner import TrialError, run

            try:
                summary = run(d, n, seed, out, client, progress=tick, n_screen=screen)
            except TrialError as e:
                bad(e.field, e.message)
        from ..trial.report import write_report

        write_report(out, summary, d)
        summary["timing"]["wall_s_with_setup"] = time.perf_counter() - start
    if json_out:
        typer.echo(json.dumps(summary, indent=2))
        return
    e = summary["enrolment"]
    typer.echo(f"{d.name}: screened {e['screened']}, plausible {e['plausible']}, eligible {e['eligible']}, "
               f"enrolled {e['enrolled']} (each in every arm) in {summary['timing']['total_s']:.0f} s")
    for arm, s in summary["arms"].items():
        ci = s.get("orr_ci95") or [None, None]
        med = s.get("median_pfs_months")
        typer.echo(f"  {arm}: n {s['n']}, ORR {_pct(s['orr'])} ({_pct(ci[0])}–{_pct(ci[1])}), median PFS "
                   f"{'not reached' if med is None else f'{med:.1f} mo'}")
    for c in summary.get("comparisons", []):
        hr, ci, p = c.get("hazard_ratio"), c.get("hazard_ratio_ci95") or [None, None], c.get("logrank_p")
        hr_text = "n/a" if hr is None else f"{hr:.2f} ({ci[0]:.2f}–{ci[1]:.2f})"
        p_text = "n/a" if p is None else f"{p:.3g}"
        typer.echo(f"  {c['experimental']} vs {c['control']}: PFS HR {hr_text}, log-rank p {p_text}")
    if e["arm_solver_failures"]:
        warn(f"{len(e['arm_solver_failures'])} patient-arms failed in the solver (messages in summary.json)")
    typer.echo(f"wrote {out}/summary.json, {out}/report.html, {out}/patients.parquet and the figures")


def _pct(x) -> str:
    return "n/a" if x is None else f"{100 * x:.0f} %"
