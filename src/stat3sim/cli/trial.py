"""``stat3sim trial``: a virtual trial of a design (shipped name or YAML file) on the
cohort machinery (a local Dask cluster or an existing scheduler), resumable.

What belongs here: the command's options, their checks and the progress bar; the work is
``stat3sim.trial``.
"""
from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Optional

import typer

from . import app
from ._common import bad, fail, warn


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
    from ..cohort import CohortError, connect
    from ..trial.design import DesignError, load_design
    from ..trial.runner import TrialError, run

    try:
        d = load_design(design)
    except DesignError as e:
        bad("DESIGN", str(e))
    n = d.n_per_arm if n is None else n
    if n <= 0:
        bad("--n", f"must be a whole number of patients per arm ≥ 1, got {n}")
    if screen is not None and screen < n:
        bad("--screen", f"must be at least --n ({n}), got {screen}")
    if workers is not None and workers <= 0:
        bad("--workers", f"must be ≥ 1, got {workers}")
    if workers is not None and scheduler:
        bad("--workers", "give --workers (a local cluster) or --scheduler (an existing one), not both")
    if out.exists() and not out.is_dir():
        bad("--out", f"{out} is a file; give a folder")
    manifest = out / "trial.json"
    settings = {"design": d.model_dump(mode="json", exclude={"path"}), "n_per_arm": n, "seed": seed, "screen": screen}
    if resume:
        if not manifest.is_file():
            bad("--resume", f"{out} holds no trial to resume (no trial.json)")
        old = json.loads(manifest.read_text())
        diff = [k for k in settings if old.get(k) != settings[k]]
        if diff:
            bad("--resume", f"{out} holds a trial with other settings ({', '.join(diff)}); give the same options")
    elif out.is_dir() and any(out.iterdir()):
        bad("--out", f"{out} is not empty; give --resume to continue the trial there, or another folder")
    try:
        client = connect(workers, scheduler)
    except CohortError as e:
        bad(e.field, e.message)
    created = not out.exists()
    try:
        from .._io import atomic_write
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                                   TimeRemainingColumn)

        out.mkdir(parents=True, exist_ok=True)
        if not resume:
            atomic_write(manifest, lambda tmp: Path(tmp).write_text(json.dumps(settings, indent=2)))
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                      console=Console(stderr=True), transient=False) as bar:
            tasks: dict = {}
            start = time.perf_counter()

            def tick(stage: str, k: int) -> None:
                if stage not in tasks:
                    tasks[stage] = (bar.add_task(stage, total=None, rate=""), [0, time.perf_counter()])
                task, c = tasks[stage]
                c[0] += k
                bar.update(task, advance=k, rate=f"{c[0] / max(time.perf_counter() - c[1], 1e-9):.2f}/s")

            try:
                summary = run(d, n, seed, out, client, progress=tick, n_screen=screen)
            except TrialError as e:
                bad(e.field, e.message)
        from ..trial.report import write_report

        write_report(out, summary, d)
        summary["timing"]["wall_s_with_setup"] = time.perf_counter() - start
    except KeyboardInterrupt:
        fail(f"interrupted; the finished patients are in {out}: continue with --resume")
    except Exception:
        if created and not resume and not any(out.glob("*/parts/part-*.parquet")):
            shutil.rmtree(out, ignore_errors=True)
        raise
    finally:
        cluster = getattr(client, "cluster", None)
        client.close()
        if cluster is not None:
            cluster.close()
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
