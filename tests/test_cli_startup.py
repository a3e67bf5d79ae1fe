"""`stat3sim --help` and argument errors stay fast: they import none of the heavy
libraries (libRoadRunner, libSBML, numpy, pandas, matplotlib, Dask, SciPy, lifelines).
The time itself is measured in benchmarks/bench_cli.py, not here."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
HEAVY = {"roadrunner", "libsbml", "numpy", "pandas", "matplotlib", "dask", "distributed", "scipy", "lifelines"}


def _imports(*args: str, cwd: Path) -> tuple[set[str], subprocess.CompletedProcess]:
    env = dict(os.environ, PYTHONPATH=f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}")
    r = subprocess.run([sys.executable, "-X", "importtime", "-m", "stat3sim.cli", *args], capture_output=True,
                       text=True, env=env, cwd=cwd, timeout=120)
    names = {line.rsplit("|", 1)[-1].strip() for line in r.stderr.splitlines() if line.startswith("import time:")}
    return names, r


@pytest.mark.parametrize("args, code", [
    (["--help"], 0),
    (["run", "--help"], 0),
    (["cohort", "--help"], 0),
    (["trial", "--help"], 0),
    (["serve", "--help"], 0),
    (["sensitivity", "--help"], 0),
    (["fit", "--help"], 0),
    (["run", "--days", "-1"], 2),
    (["run", "tnbc", "--points-per-day", "0"], 2),
    (["simulate", "--cell", "nope", "--out", "x.csv"], 2),
    (["cohort", "--scenario", "tnbc", "--n", "0", "--out", "o"], 2),
    (["trial", "no_such_design", "--out", "o"], 2),
])
def test_help_and_argument_errors_import_no_heavy_library(args, code, tmp_path):
    names, r = _imports(*args, cwd=tmp_path)
    assert r.returncode == code, r.stderr[-2000:]
    assert not (names & HEAVY), f"{' '.join(args)} imports {sorted(names & HEAVY)}"
    assert "stat3sim.cli" in names  # the probe sees the command's imports


def test_the_public_api_still_loads_on_use():
    import stat3sim

    assert "Simulator" in dir(stat3sim)
    net = stat3sim.signaling_network("tumor")
    assert net.species and callable(stat3sim.simulate)
    with pytest.raises(AttributeError):
        stat3sim.no_such_name
