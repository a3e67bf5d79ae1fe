"""``stat3sim sensitivity``: global sensitivity of a scenario's readouts to its parameters
(Sobol' or Morris, SALib), in parallel on Dask, resumable.

What belongs here: the command's options, their checks (every one before anything runs
or is written), the progress bar and what is written; the work is
:mod:`stat3sim.analysis.sensitivity`.

Writes into ``--out``: ``sensitivity.json`` (settings, parameter ranges), ``samples.parquet``
(the design: one row per sample), ``parts/part-NNNNN.parquet`` (results as they arrive,
for ``--resume``), ``indices.json`` (per readout: Sobol' S1/ST with 95 % CIs, or Morris
mu, mu*, its CI and sigma; the ranking) and ``tornado-<readout>.png`` per readout.

Examples::

    stat3sim sensitivity --scenario tnbc --readout tumor_volume_mm3 --readout effect:tocilizumab \\
        --method morris --n 3 --params assumed --out sens-morris --workers 2
    stat3sim sensitivity --scenario tnbc --readout serum_IL6_pg_mL --method sobol --n 64 \\
        --params k_tumor_prolif,k_kill,K_T_C --out sens-sobol
"""
from __future__ import annotations

import json
import re
import shutil
import sys
import time
from pathlib import Path
from typing import List, Optional

import typer

from . import app
from ._common import bad, console, fail, fmt, warn

#: AnalysisError field -> the option a person typed
_OPTION = {"method": "--method", "n": "--n", "params": "--params", "readout": "--readout", "day": "--day",
           "scale": "--scale"}
_TOP = 15


def _slug(readout: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", readout).strip("_")


@app.command()
def sensitivity(
    scenario: str = typer.Option(..., "--scenario", help="a shipped scenario name or a scenario YAML file"),
    readout: List[str] = typer.Option(..., "--readout", help="a readout of the untreated run (tumor_volume_mm3, "
                                                            "serum_IL6_pg_mL, tumor.pSTAT3, …) or a therapy effect "
                                                            "effect:ARM (tnbc: effect:tocilizumab, the day's tumor "
                                                            "volume with the arm over without); repeatable"),
    method: str = typer.Option(..., "--method", help="sobol (first- and total-order indices) or morris "
                                                     "(elementary effects: mu*, sigma)"),
    n: int = typer.Option(..., "--n", help="sobol: base samples, a power of 2 (runs n·(k+2)); morris: "
                                           "trajectories (runs n·(k+1)); k = number of parameters"),
    params: str = typer.Option("all", "--params", help="all, a group (assumed, measured, literature, calibrated, "
                                                       "tme, or a cell type: tumor, caf, …), KIND:GROUP (e.g. "
                                                       "assumed:tme) "
                                                       "or comma-separated parameter ids"),
    out: Path = typer.Option(..., "--out", help="output folder"),
    workers: Optional[int] = typer.Option(None, "--workers", help="local Dask worker processes (default 1: in this "
                                                                  "process; same numbers on any number)"),
    scheduler: Optional[str] = typer.Option(None, "--scheduler",
                                            help="address of an existing Dask scheduler, e.g. tcp://host:8786"),
    seed: int = typer.Option(0, "--seed", help="seed of the design and of the bootstrap CIs"),
    resume: bool = typer.Option(False, "--resume", help="continue an interrupted run in --out"),
    day: Optional[float] = typer.Option(None, "--day", help="the day the readouts are read; runs go to it "
                                                            "(default: the scenario's last)"),
    scale: str = typer.Option("log", "--scale", help="indices of log10 of each readout (log, default: readouts "
                                                     "spanning decades) or of the readout itself (linear)"),
) -> None:
    """Global sensitivity of readouts to parameters, ranged by their evidence (docs/sensitivity.md)."""
    from ..analysis import AnalysisError
    from ..analysis import sensitivity as sa
    from .scan import _known_readouts
    from .tme import check_days, load_checked

    if n <= 0:
        bad("--n", f"must be a whole number ≥ 1, got {n}")
    m = method.strip().lower()
    if m not in sa.METHODS:
        bad("--method", f"unknown method {method!r}; allowed: {', '.join(sa.METHODS)}")
    if scale not in sa.SCALES:
        bad("--scale", f"unknown scale {scale!r}; allowed: {', '.join(sa.SCALES)}")
    if workers is not None and workers <= 0:
        bad("--workers", f"must be ≥ 1, got {workers}")
    if workers is not None and scheduler:
        bad("--workers", "give --workers (a local cluster) or --scheduler (an existing one), not both")
    day = check_days(day, "--day")
    if out.exists() and not out.is_dir():
        bad("--out", f"{out} is a file; give a folder")
    manifest = out / "sensitivity.json"
    if resume and not manifest.is_file():
        bad("--resume", f"{out} holds no sensitivity run to resume (no sensitivity.json)")
    if not resume and out.is_dir() and any(out.iterdir()):
        bad("--out", f"{out} is not empty; give --resume to continue the run there, or another folder")
    sc = load_checked(scenario, "--scenario")
    try:
        setup = sa.prepare(sc, list(readout), m, n, params, seed=seed, day=day, scale=scale,
                           known_readouts=_known_readouts(sc))
    except AnalysisError as e:
        bad(_OPTION.get(e.field, e.field), e.message)
    if resume:
        diff = sa.same_setup(json.loads(manifest.read_text()), setup.info)
        if diff:
            bad("--resume", f"{out} holds a run with other settings ({', '.join(diff)}); give the same options")

    from .._io import atomic_write

    k = len(setup.factors)
    print(f"sensitivity of {sc.name}: {setup.method}, {k} parameters, {len(setup.samples)} samples × "
          f"{len(setup.plan.arms)} run{'s' if len(setup.plan.arms) > 1 else ''} of {fmt(setup.plan.day)} days",
          file=sys.stderr)
    created = not out.exists()
    t0 = time.perf_counter()
    try:
        if not resume:
            atomic_write(manifest, lambda tmp: Path(tmp).write_text(json.dumps(setup.info, indent=2, default=float)))
            atomic_write(out / "samples.parquet", lambda tmp: setup.samples.to_parquet(tmp, index=False))
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, \
            TimeRemainingColumn

        with Progress(TextColumn("samples"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TextColumn("ETA"),
                      TimeRemainingColumn(), console=Console(stderr=True), transient=False) as bar:
            already = len(sa.done_samples(out)) if resume else 0
            task = bar.add_task("sensitivity", total=len(setup.samples), completed=already)
            session = sa.execute(setup.plan, setup.samples, out, workers=workers or 1, scheduler=scheduler,
                                 progress=lambda j: bar.update(task, advance=j))
    except KeyboardInterrupt:
        fail(f"interrupted; the finished samples are in {out}/parts: continue with --resume")
    except Exception:
        if created and not resume and not any((out / "parts").glob("part-*.parquet")):
            shutil.rmtree(out, ignore_errors=True)
        raise
    results = sa.read_results(out)
    result = sa.analyse(setup, results)
    session["wall_s_with_setup"] = time.perf_counter() - t0
    doc = {**{kk: setup.info[kk] for kk in ("scenario", "method", "n", "seed", "day", "scale", "readouts", "samples",
                                             "version", "arms", "folds")},
           "parameters": {f.id: {"nominal": f.nominal, "low": f.low, "high": f.high, "unit": f.unit,
                                 "evidence": f.kind, "source": f.source} for f in setup.factors},
           **result, "session": session}
    atomic_write(out / "indices.json", lambda tmp: Path(tmp).write_text(json.dumps(doc, indent=2, default=float)))
    from ..analysis.plots import tornado_figure
    from ..report.figures import save_figure

    figures = []
    for r in setup.readouts:
        fig = tornado_figure(doc, r, top=_TOP)
        path = out / f"tornado-{_slug(r)}.png"
        save_figure(fig, path)
        figures.append(path)

    con = console()
    key = "ST" if setup.method == "sobol" else "mu_star"
    for r in setup.readouts:
        res = result["readouts"][r]
        con.print(f"{r} ({setup.scale}): top by {key}"
                  + (f"; {res['blocks_left_out']} of {res['blocks_used'] + res['blocks_left_out']} blocks left out "
                     "(failed runs)" if res["blocks_left_out"] else ""), soft_wrap=True, markup=False)
        for nm in res["ranking"][:10]:
            d = res["parameters"][nm]
            if setup.method == "sobol":
                con.print(f"  {nm:<40} ST {fmt(d['ST'])} ± {fmt(d['ST_conf'])}  S1 {fmt(d['S1'])} ± "
                          f"{fmt(d['S1_conf'])}", soft_wrap=True, markup=False)
            else:
                con.print(f"  {nm:<40} mu* {fmt(d['mu_star'])} ± {fmt(d['mu_star_conf'])}  sigma {fmt(d['sigma'])}",
                          soft_wrap=True, markup=False)
    con.print(f"{session['samples_run']} samples run in {session['wall_s']:.1f} s on {session['workers']} "
              f"worker{'s' if session['workers'] != 1 else ''} ({session['samples_already_done']} already done)",
              soft_wrap=True)
    if result["samples_failed"]:
        warn(f"{result['samples_failed']} samples failed in the solver (their blocks are left out; messages in "
             f"{out}/parts)")
    con.print(f"wrote {out}/indices.json, " + ", ".join(str(p) for p in figures), soft_wrap=True)
