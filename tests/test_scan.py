"""Run-level scans: `stat3sim scan` over a regimen's dose or a parameter's range.

The dose-response runs go through a subprocess, the way users run them; bad inputs (which
stop before any simulation) and the compiled-model check run in-process.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from stat3sim.cli import app

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
TOCI = "tocilizumab {dose} mg/kg iv q4w"


def stat3sim(*args, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "stat3sim.cli", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout)


def files_under(path: Path) -> list[Path]:
    return sorted(path.rglob("*"))


def test_tocilizumab_dose_scan_is_monotone(tmp_path):
    """More tocilizumab, smaller tumor at day 56 (1 → 8 mg/kg iv q4w), with a table and a figure;
    the four doses share one compiled model."""
    r = stat3sim("scan", "--scenario", "tnbc", "--therapy", TOCI, "--doses", "1,2,4,8", "--day", "56",
                 "--readout", "tumor_volume_mm3", "--readout", "tocilizumab_plasma_ug_mL", "--jobs", "1",
                 "--out", "toci.csv", "--plot", "toci.png", cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-2000:]
    t = pd.read_csv(tmp_path / "toci.csv")
    assert list(t.columns) == ["dose", "regimen", "day", "tumor_volume_mm3", "tocilizumab_plasma_ug_mL"]
    assert list(t["dose"]) == [1, 2, 4, 8] and set(t["day"]) == {56}
    assert list(t["regimen"]) == [TOCI.replace("{dose}", str(d)) for d in (1, 2, 4, 8)]
    v = t["tumor_volume_mm3"].to_numpy()
    assert np.all(np.diff(v) <= 0), v  # non-increasing
    assert v[-1] < 0.9 * v[0], v  # and it does fall: 8 mg/kg ≥ 10 % below 1 mg/kg
    c = t["tocilizumab_plasma_ug_mL"].to_numpy()
    assert np.all(np.diff(c) > 0), c  # the drug's own readout rises with the dose
    assert (tmp_path / "toci.png").read_bytes().startswith(PNG_SIGNATURE)
    assert "1 compiled model built or loaded" in r.stdout, r.stdout


def test_points_of_one_structure_do_not_recompile():
    """A serial dose scan builds (compiles or loads) one model for every dose of one drug, and a
    second scan of the same structure builds none."""
    from stat3sim.analysis.scan import dose_points, run_scan
    from stat3sim.scenarios import load_scenario

    sc = load_scenario("tnbc")
    first = run_scan(sc, dose_points(TOCI, [2, 4, 8]), kind="dose", variable="dose", day=7, jobs=1)
    assert first.structures <= 1 and not first.failed
    again = run_scan(sc, dose_points(TOCI, [1, 3]), kind="dose", variable="dose", day=7, jobs=1)
    assert again.structures == 0 and not again.failed


def test_parameter_scan_with_workers_equals_serial(tmp_path):
    """`--set PARAM=a:b:n`: faster proliferation, larger tumor; worker processes give the same
    numbers as a serial scan (within 1e-12 relative: a worker process's compiled model may
    round one operation differently, ~1 ulp)."""
    from stat3sim.analysis.scan import parameter_points, parse_range, run_scan
    from stat3sim.scenarios import load_scenario

    r = stat3sim("scan", "--set", "k_tumor_prolif=0.01:0.03:3", "--day", "10", "--readout", "tumor_volume_mm3",
                 "--readout", "CD8_per_mL", "--jobs", "2", "--out", "p.csv", cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-2000:]
    t = pd.read_csv(tmp_path / "p.csv")
    assert list(t["k_tumor_prolif"]) == [0.01, 0.02, 0.03]
    assert np.all(np.diff(t["tumor_volume_mm3"]) > 0)
    values, log = parse_range("0.01:0.03:3")
    serial = run_scan(load_scenario("tnbc"), parameter_points("k_tumor_prolif", values), kind="parameter",
                      variable="k_tumor_prolif", readouts=["tumor_volume_mm3", "CD8_per_mL"], day=10, jobs=1)
    np.testing.assert_allclose(serial.data, t[["tumor_volume_mm3", "CD8_per_mL"]].to_numpy(), rtol=1e-12, atol=0)


def test_parse_range():
    from stat3sim.analysis import AnalysisError
    from stat3sim.analysis.scan import parse_range

    assert parse_range("0:1:5") == ([0.0, 0.25, 0.5, 0.75, 1.0], False)
    vals, log = parse_range("0.1:10:3log")
    assert log and vals == pytest.approx([0.1, 1.0, 10.0])
    for bad in ("0:1", "a:b:3", "0:1:1", "1:1:3", "0:1:3log", "0:1:1000", "0:1:2.5"):
        with pytest.raises(AnalysisError):
            parse_range(bad)


BAD = {
    "malformed range": (["--set", "k_tumor_prolif=0.01:0.03"], ["--set", "malformed range", "a:b:n"]),
    "not a range": (["--set", "k_tumor_prolif"], ["--set", "PARAM=a:b:n"]),
    "log of zero": (["--set", "k_tumor_prolif=0:0.03:3log"], ["--set", "ends > 0"]),
    "unknown parameter": (["--set", "k_tumor_prolf=0.01:0.03:3"], ["--set", "k_tumor_prolf", "k_tumor_prolif"]),
    "value out of bounds": (["--set", "k_tumor_prolif=-0.01:0.03:3"], ["--set", "k_tumor_prolif"]),
    "two ranges": (["--set", "k_tumor_prolif=0.01:0.03:3", "--set", "k_cd8_rec=1:2:2"], ["--set", "one"]),
    "nothing to scan": ([], ["--set", "give what to scan"]),
    "set and therapy": (["--set", "k_tumor_prolif=0.01:0.03:3", "--therapy", TOCI, "--doses", "1,2"],
                        ["--therapy", "cannot be combined with --set"]),
    "no {dose}": (["--therapy", "tocilizumab 8 mg/kg iv q4w", "--doses", "1,2"], ["--therapy", "{dose}"]),
    "no doses": (["--therapy", TOCI], ["--doses"]),
    "doses without therapy": (["--set", "k_tumor_prolif=0.01:0.03:3", "--doses", "1,2"], ["--doses"]),
    "negative dose": (["--therapy", TOCI, "--doses", "-1,2"], ["--doses", "≥ 0"]),
    "one dose": (["--therapy", TOCI, "--doses", "4"], ["--doses", "2 to"]),
    "unknown drug": (["--therapy", "tocilizumob {dose} mg/kg iv q4w", "--doses", "1,2"], ["--therapy", "tocilizumab"]),
    "bad unit": (["--therapy", "tocilizumab {dose} mg/kgg iv q4w", "--doses", "1,2"], ["--therapy"]),
    "unknown readout": (["--therapy", TOCI, "--doses", "1,2", "--readout", "tumour_volume"],
                        ["--readout", "tumour_volume", "tumor_volume_mm3"]),
    "bad day": (["--therapy", TOCI, "--doses", "1,2", "--day", "0"], ["--day", "positive"]),
    "bad plot": (["--therapy", TOCI, "--doses", "1,2", "--plot", "x.gif"], ["--plot", ".gif"]),
    "unknown scenario": (["--scenario", "tnbcc", "--therapy", TOCI, "--doses", "1,2"], ["--scenario", "tnbc"]),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_is_one_line_exit_2_nothing_written(case, tmp_path, monkeypatch):
    args, words = BAD[case]
    before = files_under(tmp_path)
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(app, ["scan", *args, "--out", "s.csv"])
    assert r.exit_code == 2, (r.exit_code, r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("stat3sim scan: error: "), r.stderr
    for w in words:
        assert w in lines[0], (w, lines[0])
    assert files_under(tmp_path) == before
    assert r.stdout == ""
