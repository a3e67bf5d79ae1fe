"""The API's worked examples run as written, and the API reference builds from the
docstrings (Sphinx, offline) with the pages of the public API."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(args, cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=f"{ROOT / 'src'}{os.pathsep}{os.environ.get('PYTHONPATH', '')}")
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=timeout)


def test_api_tour_runs(tmp_path):
    r = _run([str(ROOT / "examples" / "api_tour.py")], tmp_path)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "peak pSTAT3" in r.stdout and "tnbc tocilizumab: day-30 tumor" in r.stdout
    assert "RECIST: best response PR" in r.stdout


def test_api_cohort_runs(tmp_path):
    r = _run([str(ROOT / "examples" / "api_cohort.py"), "4", "14", str(tmp_path / "c")], tmp_path)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "4 patients sampled" in r.stdout and "kept" in r.stdout
    assert (tmp_path / "c" / "summary.json").is_file()


def test_api_reference_builds_with_the_public_api(tmp_path):
    pytest.importorskip("sphinx")
    r = _run(["-m", "sphinx", "-q", "-b", "html", str(ROOT / "docs" / "api"), str(tmp_path / "html")], ROOT)
    assert r.returncode == 0, r.stderr[-3000:]
    pages = {p: (tmp_path / "html" / f"{p}.html").read_text(encoding="utf-8")
             for p in ("signaling", "runs", "cohort", "trial", "fit")}
    for page, ident in [("signaling", "stat3sim.signaling_network"), ("runs", "stat3sim.runs.simulate"),
                        ("cohort", "stat3sim.cohort.prepare"), ("trial", "stat3sim.trial.runner.run"),
                        ("trial", "stat3sim.trial.recist.read_patient"), ("fit", "stat3sim.petab.fit.fit")]:
        assert f'id="{ident}"' in pages[page], f"{ident} not documented on {page}.html"
    assert "Mechanistic" in pages["runs"] or "scenario" in pages["runs"]
