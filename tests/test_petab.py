"""``stat3sim simulate --petab``: a PEtab problem with an exact solution, bad inputs, and
(when the collection is on disk) the PEtab benchmark collection's Boehm and Bachmann
problems against its simulatedData and AMICI's log-likelihood."""
from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stat3sim.petab import load_problem, negative_log_likelihood, parameter_values, simulate_problem
from stat3sim.petab.benchmarks import AMICI_LLH, collection_dir, problem_yaml, relative_errors, simulated_data

REPO = Path(__file__).resolve().parents[1]
TURNOVER = REPO / "tests" / "data" / "petab_turnover"


def stat3sim(*args, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "stat3sim.cli", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


# ------------------------------------------------------------ exact solution
def exact(row: pd.Series, k: float = 0.5, a0: float = 2.0) -> float:
    """The turnover problem's observables: dA/dt = p − k·A (cell = 1).

    decay: A(0) = A0, p = 0; start5: A(0) = 5, p = 0; basal → prod: steady state at
    p = 0.2 (A = 0.4), then p = p_prod = 1: A = 2 + (0.4 − 2)·exp(−k t)."""
    t, cond = float(row["time"]), row["simulationConditionId"]
    if cond == "decay":
        a = a0 * math.exp(-k * t)
    elif cond == "start5":
        a = 5.0 * math.exp(-k * t)
    else:
        a = 1.0 / k + (0.2 / k - 1.0 / k) * math.exp(-k * t) if math.isfinite(t) else 1.0 / k
    obs = row["observableId"]
    if obs == "obs_A":
        scale = 2.0 if str(row["observableParameters"]) == "scale" else float(row["observableParameters"])
        return scale * a
    if obs == "obs_lap":
        return a + 0.1  # offset
    return a


def test_turnover_matches_exact_solution():
    problem, sim, nllh, chi2 = simulate_problem(TURNOVER / "problem.yaml")
    want = np.array([exact(r) for _, r in problem.measurement_df.iterrows()])
    got = sim.table["simulation"].to_numpy(float)
    assert not sim.failed and not sim.not_steady
    np.testing.assert_allclose(got, want, rtol=1e-6)
    # the simulation table is the measurement table with `simulation` for `measurement`
    cols = list(problem.measurement_df.columns)
    assert list(sim.table.columns) == [("simulation" if c == "measurement" else c) for c in cols]


def test_nllh_is_petabs():
    """Our negative log-likelihood equals petab's own (petab.v1.calculate) on the same
    simulation, and the closed form on the exact solution: normal, log10-normal (with the
    Jacobian term) and Laplace rows, sigmas from parameters, numbers and overrides."""
    from petab.v1.calculate import calculate_llh

    problem, sim, nllh, _ = simulate_problem(TURNOVER / "problem.yaml")
    assert nllh == pytest.approx(-calculate_llh(problem.measurement_df, sim.table, problem.observable_df,
                                                problem.parameter_df), rel=1e-10)
    want = 0.0
    for _, r in problem.measurement_df.iterrows():
        m, y, obs = float(r["measurement"]), exact(r), r["observableId"]
        if obs == "obs_A":
            s = 0.1 if str(r["noiseParameters"]) == "sd" else float(r["noiseParameters"])
            want += 0.5 * math.log(2 * math.pi * s * s) + 0.5 * ((m - y) / s) ** 2
        elif obs == "obs_logA":
            s = 0.05
            want += (0.5 * math.log(2 * math.pi * s * s) + 0.5 * ((math.log10(m) - math.log10(y)) / s) ** 2
                     + math.log(m * math.log(10)))
        else:
            want += math.log(2 * 0.3) + abs(m - y) / 0.3
    assert nllh == pytest.approx(want, rel=1e-6)


def test_cli_writes_table_and_json(tmp_path):
    out = tmp_path / "sim.tsv"
    r = stat3sim("simulate", "--petab", TURNOVER / "problem.yaml", "--out", out, "--json")
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    assert summary["measurements"] == 13 and summary["conditions"] == 3 and not summary["failed_conditions"]
    _, _, nllh, _ = simulate_problem(TURNOVER / "problem.yaml")
    assert summary["negative_log_likelihood"] == pytest.approx(nllh, rel=1e-12)
    table = pd.read_csv(out, sep="\t")
    assert "simulation" in table.columns and "measurement" not in table.columns and len(table) == 13
    r = stat3sim("simulate", "--petab", TURNOVER / "problem.yaml")
    assert r.returncode == 0 and "negative log-likelihood at nominal parameters" in r.stdout


def test_parameters_table_changes_the_simulation(tmp_path):
    pars = tmp_path / "pars.tsv"
    pars.write_text("parameterId\tnominalValue\nk\t0.25\n")
    out = tmp_path / "sim.tsv"
    r = stat3sim("simulate", "--petab", TURNOVER / "problem.yaml", "--parameters", pars, "--out", out)
    assert r.returncode == 0, r.stderr
    table = pd.read_csv(out, sep="\t", keep_default_na=False, na_values=[""])
    table["time"] = table["time"].astype(float)
    want = [exact(r, k=0.25) for _, r in table.iterrows()]
    np.testing.assert_allclose(table["simulation"].to_numpy(float), want, rtol=1e-6)


# ------------------------------------------------------------------ bad input
def _copy(tmp_path: Path) -> Path:
    d = tmp_path / "problem"
    shutil.copytree(TURNOVER, d)
    return d


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def _rejected(d: Path, tmp_path: Path, *extra) -> str:
    out = tmp_path / "sim.tsv"
    r = stat3sim("simulate", "--petab", d / "problem.yaml", "--out", out, *extra)
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert not out.exists()
    assert r.stderr.startswith("stat3sim simulate: error: ") and r.stderr.count("\n") == 1
    return r.stderr


def test_missing_column(tmp_path):
    d = _copy(tmp_path)
    df = pd.read_csv(d / "measurements.tsv", sep="\t", dtype=str, keep_default_na=False)
    df.drop(columns=["time"]).to_csv(d / "measurements.tsv", sep="\t", index=False)
    err = _rejected(d, tmp_path)
    assert "measurements.tsv" in err and "time" in err


def test_unknown_observable_names_file_and_row(tmp_path):
    d = _copy(tmp_path)
    _edit(d / "measurements.tsv", "obs_A\t\tdecay\t2\t", "obs_B\t\tdecay\t2\t")
    err = _rejected(d, tmp_path)
    assert "measurements.tsv row 3 (line 4)" in err and "obs_B" in err


def test_non_positive_sd_names_row(tmp_path):
    d = _copy(tmp_path)
    _edit(d / "measurements.tsv", "0.2\t1\t0.2", "0.2\t1\t0")
    err = _rejected(d, tmp_path)
    assert "measurements.tsv row 4 (line 5)" in err and "must be a number > 0" in err


def test_non_positive_noise_formula_names_row(tmp_path):
    d = _copy(tmp_path)
    _edit(d / "observables.tsv", "lin\t0.3\tlaplace", "lin\t-0.3\tlaplace")
    err = _rejected(d, tmp_path)
    assert "observables.tsv row 3 (line 4)" in err


def test_condition_column_not_in_model(tmp_path):
    d = _copy(tmp_path)
    _edit(d / "conditions.tsv", "conditionId\tp\tA", "conditionId\tp\tq")
    err = _rejected(d, tmp_path)
    assert "conditions.tsv" in err and "q" in err


def test_parameter_table_row_not_used_anywhere(tmp_path):
    d = _copy(tmp_path)
    with open(d / "parameters.tsv", "a") as fh:
        fh.write("kx\tlin\t0\t1\t0.5\t1\n")
    err = _rejected(d, tmp_path)
    assert "parameters.tsv row 8 (line 9)" in err and "kx" in err


def test_bad_parameters_table(tmp_path):
    pars = tmp_path / "pars.tsv"
    pars.write_text("parameterId\tnominalValue\nk\t0.3\nnot_a_parameter\t1\n")
    err = _rejected(TURNOVER, tmp_path, "--parameters", pars)
    assert "--parameters" in err and "pars.tsv row 2 (line 3)" in err and "not_a_parameter" in err


def test_not_petab_v1(tmp_path):
    d = _copy(tmp_path)
    _edit(d / "problem.yaml", "format_version: 1", "format_version: 2.0.0")
    assert "only PEtab v1" in _rejected(d, tmp_path)


def test_petab_excludes_other_options(tmp_path):
    r = stat3sim("simulate", "--petab", TURNOVER / "problem.yaml", "--minutes", "10")
    assert r.returncode == 2 and "--minutes" in r.stderr
    r = stat3sim("simulate", "--parameters", TURNOVER / "parameters.tsv")
    assert r.returncode == 2 and "needs --petab" in r.stderr


# ------------------------------------------------------- benchmark collection
@pytest.mark.parametrize("name", ["Boehm_JProteomeRes2014", "Bachmann_MSB2011"])
def test_benchmark_problem_reproduces(name):
    """The collection's simulatedData to 1e-3 relative and AMICI's log-likelihood."""
    yaml = problem_yaml(name)
    if not yaml.is_file():
        pytest.skip(f"PEtab benchmark collection not in {collection_dir()} (set STAT3SIM_PETAB_BENCHMARKS; "
                    "docs/petab.md)")
    problem, sim, nllh, _ = simulate_problem(yaml)
    ref = pd.read_csv(simulated_data(name), sep="\t")
    rel = relative_errors(sim.table, ref)
    assert len(rel) == len(problem.measurement_df) and np.all(np.isfinite(rel))
    assert rel.max() < 1e-3
    assert nllh == pytest.approx(-AMICI_LLH[name], abs=1e-3)
