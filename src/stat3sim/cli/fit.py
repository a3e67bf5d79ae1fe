"""``stat3sim fit``: multi-start fit and profile likelihoods of a PEtab problem.

What belongs here: the command's options, their checks, the Dask client and what the
command prints; the work is ``stat3sim.petab.fit`` (pyPESTO with our libRoadRunner
objective) and ``stat3sim.petab.fit_report`` (figures, tables, report.html).

Bad input (exit 2, nothing written): a problem that petab's checks reject (its messages
with file and row), no parameter to estimate, bounds that are not usable on their scale,
``--starts`` < 1, ``--workers`` < 1 or with ``--scheduler``, an ``--out`` that is a file or
a folder that is not empty, pyPESTO not installed.

Examples::

    stat3sim fit Boehm_JProteomeRes2014.yaml --starts 50 --out fit_boehm --workers 2 --seed 1
    stat3sim fit problem.yaml --starts 10 --out fit --no-profiles
"""
from __future__ import annotations

import math
import shutil
from pathlib import Path
from typing import Optional

import typer

from . import app
from ._common import bad, console, fail, warn, write_file


@app.command()
def fit(
    problem: Path = typer.Argument(..., metavar="PROBLEM.yaml", help="a PEtab v1 problem (YAML file)"),
    starts: int = typer.Option(20, "--starts", help="number of local optimisations from random starts"),
    out: Path = typer.Option(..., "--out", help="output folder (results.json, parameters.tsv, waterfall.png, "
                                                "fit_*.png, profiles.png, report.html)"),
    workers: Optional[int] = typer.Option(None, "--workers",
                                          help="local Dask worker processes (default 1: in this process)"),
    scheduler: Optional[str] = typer.Option(None, "--scheduler",
                                            help="address of an existing Dask scheduler, e.g. tcp://host:8786 "
                                                 "(its workers must see the problem's files at the same path)"),
    seed: int = typer.Option(0, "--seed", help="seed of the start points (same seed: same starts, same fit)"),
    profiles: bool = typer.Option(True, "--profiles/--no-profiles",
                                  help="profile likelihoods and 95 %% CIs of the fitted parameters"),
    max_iter: int = typer.Option(500, "--max-iter", help="L-BFGS-B iterations per start (1–100000)"),
) -> None:
    """Fit a PEtab problem: multi-start L-BFGS-B (pyPESTO) on the negative log-likelihood
    simulated with libRoadRunner, in the parameters' scale; profile-likelihood CIs."""
    from ..petab import PetabInputError, load_problem
    from ..petab.fit import fit_spec

    if starts < 1:
        bad("--starts", f"must be a whole number ≥ 1, got {starts}")
    if workers is not None and workers < 1:
        bad("--workers", f"must be ≥ 1, got {workers}")
    if workers is not None and scheduler:
        bad("--workers", "give --workers (a local cluster) or --scheduler (an existing one), not both")
    if not 1 <= max_iter <= 100_000:
        bad("--max-iter", f"must be 1–100000, got {max_iter}")
    if seed < 0:
        bad("--seed", f"must be ≥ 0, got {seed}")
    if out.exists() and not out.is_dir():
        bad("--out", f"{out} is a file; give a folder")
    if out.is_dir() and any(out.iterdir()):
        bad("--out", f"{out} is not empty; give a new or empty folder")
    try:
        import pypesto  # noqa: F401
    except ImportError:
        bad("PROBLEM.yaml", "fitting needs pyPESTO, which is not installed (pip install pypesto)")
    try:
        prob = load_problem(problem)
        spec = fit_spec(prob)
    except PetabInputError as e:
        bad("PROBLEM.yaml", " | ".join(e.lines))
    _check_simulates(problem, spec)

    from ..petab.fit import Nllh
    from ..petab.fit import fit as run_fit
    from ..petab.fit_report import summary as make_summary
    from ..petab.fit_report import write_outputs

    client = None
    if scheduler or (workers or 1) > 1:
        from ..cohort import CohortError, connect

        try:
            client = connect(workers, scheduler)
        except CohortError as e:
            bad(e.field, e.message)
    n_workers = scheduler if scheduler else str(workers or 1)
    con = console()
    created = not out.exists()
    try:
        result = run_fit(problem.resolve(), starts, seed=seed, client=client, profile=profiles, max_iter=max_iter,
                         progress=lambda m: typer.echo(m, err=True))
        if not math.isfinite(result.best.fval):
            fail(f"none of the {starts} starts gave a finite negative log-likelihood (every simulation failed)")
        dim = len(spec.ids)
        evaluations = sum(s.n_fval + 2 * dim * s.n_grad for s in result.starts)
        info = make_summary(result, str(problem), seed, n_workers, evaluations)
        out.mkdir(parents=True, exist_ok=True)
        names = write_outputs(out, result, Nllh(problem.resolve()), info,
                              lambda path, data: write_file(path, lambda tmp: Path(tmp).write_bytes(data)))
    except KeyboardInterrupt:
        if created:
            shutil.rmtree(out, ignore_errors=True)
        fail("interrupted; nothing written")
    except Exception:
        if created:
            shutil.rmtree(out, ignore_errors=True)
        raise
    finally:
        if client is not None:
            cluster = getattr(client, "cluster", None)
            client.close()
            if cluster is not None:
                cluster.close()
    best = result.best
    con.print(f"best negative log-likelihood {best.fval:.6f} (start {best.id}); "
              f"{info['starts_at_best']} of {starts} starts within 0.1 of it; "
              f"{result.seconds:.1f} s optimising, {result.profile_seconds:.1f} s profiling on {n_workers} worker(s)")
    for p in info["parameters"]:
        lo, hi = p["ci95_lower"], p["ci95_upper"]
        ci = f"[{'–' if lo is None else f'{lo:.4g}'}, {'–' if hi is None else f'{hi:.4g}'}]" if result.profiles else ""
        con.print(f"  {p['parameterId']}: {p['estimate']:.4g} {ci} {p['identifiability'] if result.profiles else ''}")
    con.print(f"wrote {out}/: {', '.join(names)}")
    failed = sum(1 for s in result.starts if not math.isfinite(s.fval))
    if failed:
        warn(f"{failed} of {starts} starts failed (no finite negative log-likelihood); see results.json")


def _check_simulates(problem: Path, spec) -> None:
    """The problem compiles and its noise formulas give sd > 0 at the nominal values (or
    mid-bounds, for parameters with no nominal value): bad input, exit 2, if not."""
    import numpy as np

    from ..petab import PetabInputError
    from ..petab.fit import Nllh
    from ._common import solver_output_hidden

    nllh = Nllh(problem)
    try:
        with solver_output_hidden():
            prob, _, simulator, _ = nllh._load()
    except PetabInputError as e:
        bad("PROBLEM.yaml", " | ".join(e.lines))
    x = np.where(np.isfinite(spec.nominal), spec.nominal, (spec.lb + spec.ub) / 2)
    errors = simulator.noise_errors(spec.values(x))
    if errors:
        bad("PROBLEM.yaml", " | ".join(errors))
