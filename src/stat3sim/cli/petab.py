"""The ``--petab`` side of ``simulate``: a PEtab (v1) problem simulated with our engine.

What belongs here: the command-line checks and what the command writes and prints (the
simulation table, the negative log-likelihood, the ``--json`` summary). Reading,
validating and simulating the problem is ``stat3sim.petab``.

Errors: a problem that petab's checks reject, a ``--parameters`` table with an unknown
id or a non-number, or a noise standard deviation that is not > 0 is exit code 2 with
petab's messages, each with its file and row, and nothing is written. A condition whose
simulation fails leaves NaN in its rows; the table is written and the command exits 1.

Examples::

    stat3sim simulate --petab Boehm_JProteomeRes2014.yaml --out sim.tsv
    stat3sim simulate --petab problem.yaml --parameters best.tsv --out sim.tsv --json
"""
from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Optional

from ._common import bad, check_output, console, fail, fmt, solver_output_hidden, warn, write_file

TABLE_SUFFIXES = (".tsv",)


def _bad_petab(option: str, lines: list[str]) -> None:
    bad(option, " | ".join(lines))


def simulate_petab(problem_path: Path, out: Optional[Path], parameters: Optional[Path], as_json: bool) -> None:
    """``simulate --petab``: check everything, simulate, write the table, report the nllh."""
    from ..petab import PetabInputError, PetabSimulator, load_problem, negative_log_likelihood, parameter_values

    check_output(out, "--out", TABLE_SUFFIXES)
    try:
        problem = load_problem(problem_path)
    except PetabInputError as e:
        _bad_petab("--petab", e.lines)
    try:
        values = parameter_values(problem, parameters)
    except PetabInputError as e:
        _bad_petab("--parameters" if parameters is not None else "--petab", e.lines)
    try:
        with solver_output_hidden():
            simulator = PetabSimulator(problem)
    except PetabInputError as e:
        _bad_petab("--petab", e.lines)
    option = "--parameters" if parameters is not None else "--petab"
    errors = simulator.noise_errors(values)
    if errors:
        _bad_petab(option, errors)
    with solver_output_hidden():
        sim = simulator.simulate(values)
    errors = simulator.noise_errors(values, sim)
    if errors:
        _bad_petab(option, errors)
    nllh, chi2 = negative_log_likelihood(problem.measurement_df, problem.observable_df,
                                         sim.table["simulation"].to_numpy(float), sim.sigma)
    for label, message in sim.failed.items():
        warn(f"condition {label}: the simulation failed ({message}); its rows are NaN")
    for label in sim.not_steady:
        warn(f"condition {label}: no steady state reached (pre-equilibration or time = inf); "
             "the state reached was used")
    if out is not None:
        from petab.v1 import write_simulation_df

        write_file(out, lambda tmp: write_simulation_df(sim.table, tmp))
    n_cond = len(simulator.mdf.groupby(["preequilibrationConditionId", "simulationConditionId"]))
    summary = {
        "problem": str(problem_path),
        "parameters": str(parameters) if parameters is not None else "nominal",
        "out": str(out) if out is not None else None,
        "measurements": int(len(sim.table)),
        "conditions": n_cond,
        "failed_conditions": sim.failed,
        "not_steady_conditions": sim.not_steady,
        "negative_log_likelihood": nllh if math.isfinite(nllh) else None,
        "chi2": chi2 if math.isfinite(chi2) else None,
        "compile_seconds": round(simulator.compile_seconds, 3),
        "simulate_seconds": round(sim.seconds, 3),
    }
    if as_json:
        sys.stdout.write(json.dumps(summary, indent=2) + "\n")
    else:
        con = console()
        if out is not None:
            con.print(f"wrote {out} ({len(sim.table)} simulated measurements, {n_cond} condition{'s' if n_cond != 1 else ''})")
        at = "nominal parameters" if parameters is None else str(parameters)
        con.print(f"negative log-likelihood at {at}: {nllh:.10g} (chi² {fmt(chi2)}; priors not included)")
    if sim.failed:
        fail(f"the simulation failed in {len(sim.failed)} of {n_cond} conditions; their rows are NaN")
