"""Global sensitivity (``stat3sim sensitivity``, stat3sim.analysis.sensitivity): indices of a
function with known ones, the evidence-based ranges, 1 and 2 workers, resume, bad input."""
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("SALib")

from stat3sim import runs  # noqa: E402
from stat3sim.analysis import AnalysisError  # noqa: E402
from stat3sim.analysis import sensitivity as sa  # noqa: E402
from stat3sim.model.network import Evidence, Parameter  # noqa: E402
from stat3sim.scenarios import load_scenario  # noqa: E402

SRC = Path(__file__).resolve().parents[1] / "src"


def _cli(*args):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(SRC), *filter(None, [os.environ.get("PYTHONPATH")])]))
    return subprocess.run([sys.executable, "-m", "stat3sim.cli", "sensitivity", *args], capture_output=True, text=True,
                          env=env, timeout=600)


# ------------------------------------------------------------------ Ishigami
ISHIGAMI_S1 = (0.3139, 0.4424, 0.0)
ISHIGAMI_ST = (0.5576, 0.4424, 0.2437)


def _ishigami(v, a=7.0, b=0.1):
    return np.sin(v[:, 0]) + a * np.sin(v[:, 1]) ** 2 + b * v[:, 2] ** 4 * np.sin(v[:, 0])


def test_ishigami_sobol_indices_match_the_exact_values():
    """Through the module's own design, value transform, block bookkeeping and analysis."""
    fs = [sa.Factor(f"x{i}", -math.pi, math.pi, scale="linear") for i in (1, 2, 3)]
    x = sa.design("sobol", fs, 4096, seed=1)
    assert x.shape == (4096 * 5, 3)
    r = sa.indices("sobol", fs, x, _ishigami(sa.values_of(fs, x)), seed=1)
    assert r["blocks_used"] == 4096 and r["blocks_left_out"] == 0
    for name, s1, st in zip(("x1", "x2", "x3"), ISHIGAMI_S1, ISHIGAMI_ST):
        got = r["parameters"][name]
        assert got["S1"] == pytest.approx(s1, abs=0.02), name
        assert got["ST"] == pytest.approx(st, abs=0.02), name
        assert 0 < got["S1_conf"] < 0.05 and 0 < got["ST_conf"] < 0.05
    assert sa.ranking(r, "sobol")[0][0] == "x1"  # ST 0.558 > 0.442 > 0.244


def test_a_failed_sample_leaves_out_its_block_only():
    fs = [sa.Factor(f"x{i}", -math.pi, math.pi, scale="linear") for i in (1, 2, 3)]
    x = sa.design("sobol", fs, 2048, seed=2)
    y = _ishigami(sa.values_of(fs, x))
    y[7] = np.nan  # row 7 is in block 1 (rows 5..9)
    r = sa.indices("sobol", fs, x, y, seed=2)
    assert (r["blocks_used"], r["blocks_left_out"]) == (2047, 1)
    assert r["parameters"]["x1"]["ST"] == pytest.approx(ISHIGAMI_ST[0], abs=0.03)


def test_morris_finds_the_inert_and_the_dominant_input():
    fs = [sa.Factor(n, 0.1, 10.0) for n in ("a", "b", "c")]  # log-uniform
    x = sa.design("morris", fs, 20, seed=3)
    assert x.shape == (20 * 4, 3)
    v = sa.values_of(fs, x)
    assert v.min() >= 0.1 - 1e-12 and v.max() <= 10.0 + 1e-12
    y = 3 * np.log10(v[:, 0]) + 0.5 * np.log10(v[:, 1])
    r = sa.indices("morris", fs, x, y, seed=3)
    p = r["parameters"]
    assert p["a"]["mu_star"] > 5 * p["b"]["mu_star"] > 0 and p["c"]["mu_star"] == pytest.approx(0, abs=1e-12)
    assert [n for n, _ in sa.ranking(r, "morris")] == ["a", "b", "c"]
    # mu* is the change of the output over the factor's whole (log10) range: 3 × 2 decades
    assert p["a"]["mu_star"] == pytest.approx(6.0) and p["b"]["mu_star"] == pytest.approx(1.0)


def test_design_is_fixed_by_its_seed():
    fs = [sa.Factor(n, 1.0, 4.0) for n in ("a", "b")]
    assert np.array_equal(sa.design("sobol", fs, 8, 5), sa.design("sobol", fs, 8, 5))
    assert not np.array_equal(sa.design("sobol", fs, 8, 5), sa.design("sobol", fs, 8, 6))


# ------------------------------------------------------------------ ranges from evidence
def _p(value, source, unit="1/min", description="a rate", pid="k_x"):
    return Parameter(pid, value, unit, Evidence(source), description)


def test_ranges_follow_the_evidence_kind():
    f = sa.factor_of(_p(2.0, "assumed, calibrated to SIG-5"))
    assert (f.kind, f.low, f.high) == ("assumed", 0.2, 20.0)
    f = sa.factor_of(_p(2.0, "blood leukocytes 50–300 IL-6 sites per cell (FACTS: Hansen 2020)"))
    assert (f.kind, f.low, f.high) == ("literature range", 2.0 / 3, 6.0)
    f = sa.factor_of(_p(2.0, "Sobotta et al. 2017, MODEL2307050001: STAT3 import t½ 12 min"))
    assert (f.kind, f.low, f.high) == ("measured", 1.0, 4.0)
    # calibrated to data: the range is the fit's 95 % CI, whatever ranges the source also quotes
    f = sa.factor_of(_p(0.148, "calibrated to Sobotta et al. 2017 (IL-6 40–500 ng/mL), 95 % profile CI [0.104, 0.218] /min"))
    assert (f.kind, f.low, f.high) == ("calibrated", 0.104, 0.218)
    # a CI that does not hold the value, or an assumed value's CI, is not a calibration's range
    assert sa.factor_of(_p(2.0, "calibrated to X, 95 % profile CI [0.104, 0.218]")).kind == "measured"
    assert sa.factor_of(_p(0.15, "assumed: calibrated to X, 95 % profile CI [0.104, 0.218]")).kind == "assumed"
    # a Hill coefficient at most ×/÷ 2; a fraction never above 1
    f = sa.factor_of(_p(2.0, "assumed: cooperative", "dimensionless", "Hill coefficient of X"))
    assert (f.low, f.high) == (1.0, 4.0)
    f = sa.factor_of(_p(0.9, "assumed: 90 % recycled", "dimensionless", "fraction of internalised gp130 recycled"))
    assert (f.low, f.high) == pytest.approx((0.09, 1.0))
    # not varied: zero, gene levels, inputs, switches, definitions
    for p in (_p(0.0, "assumed"), _p(1.0, "gene level, 1 = wild type", pid="tumor__lvl_IL6"),
              _p(1.0, "protocol switch: 0 while ..."), _p(1440.0, "definition"), _p(5.0, "input: drug concentration")):
        assert sa.factor_of(p) is None, p


def test_assumed_group_uses_the_rule_of_describe():
    """Every parameter `describe` marks "assumed" that is varied at all is in the assumed group."""
    from stat3sim.report.html import is_assumed

    net = runs.build(load_scenario("tnbc"))
    g = sa.groups(net)
    marked = {p.id for p in net.parameters if is_assumed(p.evidence) and sa.factor_of(p) is not None}
    assert set(g["assumed"]) == marked and len(marked) > 400
    assert set(g["assumed"]) | set(g["measured"]) | set(g["literature"]) | set(g["calibrated"]) == set(g["all"])
    # the STAT3 rates calibrated to Sobotta 2017: one per cell type, each varied over its CI
    assert {i.split("__", 1)[1] for i in g["calibrated"]} == {"k_import_dimer", "k_export", "k_dephos_nuc"}
    assert len(g["calibrated"]) == 27
    assert all(i.startswith("tumor__") for i in g["tumor"])


@pytest.mark.parametrize("spec, word", [("no_such_param", "unknown group or parameter"),
                                        ("k_kill,no_such_param", "unknown parameter"),
                                        ("k_kill,tumor__lvl_IL6", "not varied"), ("", "give a group")])
def test_bad_params_spec(spec, word):
    net = runs.build(load_scenario("tnbc"))
    with pytest.raises(AnalysisError, match=word) as e:
        sa.select_factors(net, spec)
    assert e.value.field == "params"


# ------------------------------------------------------------------ the command
ARGS = ["--scenario", "tnbc", "--readout", "tumor_volume_mm3", "--readout", "effect:tocilizumab",
        "--method", "morris", "--n", "2", "--params", "k_kill,K_T_C", "--day", "8", "--seed", "4"]


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory):
    out = tmp_path_factory.mktemp("sens") / "two"
    r = _cli(*ARGS, "--out", str(out), "--workers", "2")
    assert r.returncode == 0, r.stderr[-3000:]
    return out, r


def test_command_writes_indices_samples_parts_and_tornados(two_workers):
    out, r = two_workers
    doc = json.loads((out / "indices.json").read_text())
    assert doc["samples"] == 6 and doc["session"]["workers"] == 2 and doc["samples_failed"] == 0
    for key in ("tumor_volume_mm3", "effect:tocilizumab"):
        res = doc["readouts"][key]
        assert res["blocks_used"] == 2 and set(res["parameters"]) == {"k_kill", "K_T_C"}
        assert all(v["mu_star"] is not None and v["mu_star"] >= 0 for v in res["parameters"].values())
    assert 0 < doc["readouts"]["effect:tocilizumab"]["distribution"]["median"] < 1.5
    assert doc["parameters"]["k_kill"]["evidence"] == "measured"
    assert (out / "samples.parquet").is_file() and list((out / "parts").glob("part-*.parquet"))
    for name in ("tornado-tumor_volume_mm3.png", "tornado-effect_tocilizumab.png"):
        assert (out / name).stat().st_size > 5000
    assert "CVODE" not in r.stderr and "CVode" not in r.stderr


def test_same_seed_same_indices_on_one_and_two_workers(two_workers, tmp_path):
    out2, _ = two_workers
    r = _cli(*ARGS, "--out", str(tmp_path / "one"), "--workers", "1")
    assert r.returncode == 0, r.stderr[-3000:]
    one = json.loads((tmp_path / "one" / "indices.json").read_text())
    two = json.loads((out2 / "indices.json").read_text())
    assert one["readouts"] == two["readouts"]
    assert one["session"]["workers"] == 1


def test_resume_runs_only_what_is_missing(two_workers, tmp_path):
    import shutil

    out = tmp_path / "resumed"
    shutil.copytree(two_workers[0], out)
    parts = sorted((out / "parts").glob("part-*.parquet"))
    import pandas as pd

    df = pd.concat([pd.read_parquet(p) for p in parts]).sort_values("sample_id")
    for p in parts:
        p.unlink()
    df.iloc[:4].to_parquet(out / "parts" / "part-00000.parquet", index=False)  # 2 of 6 samples lost
    r = _cli(*ARGS, "--out", str(out), "--workers", "1", "--resume")
    assert r.returncode == 0, r.stderr[-3000:]
    doc = json.loads((out / "indices.json").read_text())
    assert (doc["session"]["samples_already_done"], doc["session"]["samples_run"]) == (4, 2)
    assert doc["readouts"] == json.loads((two_workers[0] / "indices.json").read_text())["readouts"]
    # other settings: refused
    r = _cli(*[a if a != "4" else "5" for a in ARGS], "--out", str(out), "--resume")
    assert r.returncode == 2 and "--resume" in r.stderr and "seed" in r.stderr


@pytest.mark.parametrize("change, option", [
    ({"--readout": "no_such_readout"}, "--readout"),
    ({"--readout": "effect:no_such_arm"}, "--readout"),
    ({"--params": "no_such_param"}, "--params"),
    ({"--params": "no_such_group"}, "--params"),
    ({"--params": "k_kill,nope"}, "--params"),
    ({"--n": "0"}, "--n"),
    ({"--n": "-3"}, "--n"),
    ({"--method": "fast"}, "--method"),
    ({"--method": "sobol", "--n": "3"}, "--n"),
    ({"--scale": "sqrt"}, "--scale"),
    ({"--day": "-1"}, "--day"),
    ({"--scenario": "no_such_scenario"}, "--scenario"),
])
def test_bad_input_is_one_line_exit_2_nothing_written(change, option, tmp_path):
    args = ["--scenario", "tnbc", "--readout", "tumor_volume_mm3", "--method", "morris", "--n", "2",
            "--params", "k_kill,K_T_C"]
    for k, v in change.items():
        if k in args:
            args[args.index(k) + 1] = v
        else:
            args += [k, v]
    out = tmp_path / "out"
    r = _cli(*args, "--out", str(out))
    assert r.returncode == 2, r.stderr
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "error" in lines[0] and option in lines[0], r.stderr
    assert not out.exists()


def test_out_not_empty_without_resume(tmp_path):
    (tmp_path / "x").write_text("keep")
    r = _cli("--scenario", "tnbc", "--readout", "tumor_volume_mm3", "--method", "morris", "--n", "2",
             "--params", "k_kill,K_T_C", "--out", str(tmp_path))
    assert r.returncode == 2 and "--out" in r.stderr and "not empty" in r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x"]


def test_a_crawling_sample_fails_at_the_step_cap_and_is_data(monkeypatch):
    """The per-interval step cap (engine.roadrunner.step_limit) turns a run the solver cannot
    finish within it into a failed row with the solver's message; the cap is lifted after."""
    from stat3sim.engine import roadrunner as eng

    monkeypatch.setattr(sa, "MAX_STEPS", 3)
    plan = sa.Plan(load_scenario("tnbc"), 2.0, ((sa.CONTROL, ()),), ("tumor_volume_mm3",))
    row = sa.run_sample(plan, 0, {"k_kill": 0.9})
    msg = row["message"].lower()
    assert row["status"] == "solver failed" and ("mxstep" in msg or "too_much" in msg), row["message"]
    assert math.isnan(row[f"{sa.CONTROL}.tumor_volume_mm3"])
    assert eng.MAX_NUM_STEPS == 50000 and all(s.rr.integrator.maximum_num_steps == 50000
                                              for s in eng._CACHE.values())
    monkeypatch.setattr(sa, "MAX_STEPS", 5000)
    row = sa.run_sample(plan, 0, {"k_kill": 0.9})
    assert row["status"] == "ok" and row[f"{sa.CONTROL}.tumor_volume_mm3"] > 0
