"""Prediction bands (``stat3sim run --bands``), the parameter-uncertainty file they draw from
(:mod:`stat3sim.uncertainty`) and the cohort's draws from the same file."""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from typer.testing import CliRunner

from stat3sim import runs, uncertainty as U
from stat3sim.analysis import bands as B
from stat3sim.cli import app
from stat3sim.scenarios import load_scenario

FIXTURE = Path(__file__).resolve().parent / "data" / "parameter_uncertainty.tsv"
HEADER = "ids\testimate\tci95_low\tci95_high\tscale\tsource\n"
CELLS = ("tumor", "adipocyte", "macrophage", "neutrophil", "mdsc", "dc", "cd8", "cd4", "caf")


def table(tmp_path: Path, *rows: str, header: str = HEADER, name: str = "unc.tsv") -> Path:
    p = tmp_path / name
    p.write_text(header + "".join(r + "\n" for r in rows), encoding="utf-8")
    return p


@pytest.fixture(scope="module")
def tnbc_net():
    return runs.build(load_scenario("tnbc"))


# ------------------------------------------------------------------ the file
def test_fixture_loads_and_checks(tnbc_net):
    rows, notes = U.load(FIXTURE)
    assert notes == [] and len(rows) == 4
    checked = U.check(rows, tnbc_net)
    phos = checked[0]
    assert phos.ids == tuple(f"{c}__k_stat3_phos" for c in CELLS) and phos.scale == "log"
    assert (phos.lower_bound, phos.upper_bound) == (0.0, math.inf)
    assert U.differences(checked, tnbc_net) == []  # the fixture's estimates are the model's values


BAD_ROWS = {
    "scale": ("k_kill\t0.9\t0.6\t1.2\tlogit\tx", "line 3", "column scale", "log, lin"),
    "number": ("k_kill\tabc\t0.6\t1.2\tlin\tx", "line 3", "column estimate", "number"),
    "outside CI": ("k_kill\t2\t0.6\t1.2\tlin\tx", "line 3", "column estimate", "within the CI"),
    "empty CI": ("k_kill\t0.9\t1.2\t0.6\tlin\tx", "line 3", "column ci95_high", "above ci95_low"),
    "log at 0": ("k_kill\t0.9\t0\t1.2\tlog\tx", "line 3", "column ci95_low", "> 0 in log scale"),
    "no source": ("k_kill\t0.9\t0.6\t1.2\tlin\t", "line 3", "column source", "where the CI comes from"),
    "empty id": ("k_kill,,k_tumor_prolif\t0.9\t0.6\t1.2\tlin\tx", "line 3", "column ids", "separated by commas"),
}


@pytest.mark.parametrize("case", sorted(BAD_ROWS))
def test_bad_rows_name_file_line_and_column(tmp_path, case):
    row, line, column, words = BAD_ROWS[case]
    p = table(tmp_path, "k_tumor_prolif\t0.0062\t0.005\t0.008\tlog\tok", row)
    with pytest.raises(U.UncertaintyError) as e:
        U.load(p)
    text = str(e.value)
    assert text.startswith(str(p)) and f"{line}, {column}: " in text and words in text, text


def test_bad_file_level_errors(tmp_path, tnbc_net):
    with pytest.raises(U.UncertaintyError, match="line 1, column ci95_high: missing"):
        U.load(table(tmp_path, "k_kill\t0.9\t0.6\tlin\tx", header="ids\testimate\tci95_low\tscale\tsource\n"))
    with pytest.raises(U.UncertaintyError, match="has no rows"):
        U.load(table(tmp_path, name="empty.tsv"))
    with pytest.raises(U.UncertaintyError, match=r"line 3, column ids: k_kill is also in line 2"):
        U.load(table(tmp_path, "k_kill\t0.9\t0.6\t1.2\tlin\tx", "k_tumor_prolif,k_kill\t0.9\t0.6\t1.2\tlin\tx"))
    rows, _ = U.load(table(tmp_path, "k_kill\t0.9\t0.6\t1.2\tlin\tx", "no_such_param\t1\t0.5\t2\tlog\tx"))
    with pytest.raises(U.UncertaintyError, match=r"line 3, column ids: no_such_param is not a parameter"):
        U.check(rows, tnbc_net)
    rows, _ = U.load(table(tmp_path, "Ve_T\t1.5\t1.2\t1.8\tlin\tx"))  # a fraction: at most 1
    with pytest.raises(U.UncertaintyError, match=r"line 2, column estimate: 1.5 is outside the range of Ve_T"):
        U.check(rows, tnbc_net)


def test_fit_results_json(tmp_path):
    res = {"problem": "mine.yaml", "parameters": [
        {"parameterId": "k_kill", "parameterScale": "log10", "estimate": 0.9, "ci95_lower": 0.5, "ci95_upper": 1.4,
         "lowerBound": 0.01, "upperBound": 100.0},
        {"parameterId": "k_tumor_prolif", "parameterScale": "lin", "estimate": 0.006, "ci95_lower": 0.004,
         "ci95_upper": None, "lowerBound": 0.0, "upperBound": 0.05}]}
    p = tmp_path / "results.json"
    p.write_text(json.dumps(res))
    rows, notes = U.load(p)
    assert [(r.ids, r.scale, r.low, r.high) for r in rows] == [(("k_kill",), "log", 0.5, 1.4),
                                                                (("k_tumor_prolif",), "lin", 0.004, 0.05)]
    assert len(notes) == 1 and "k_tumor_prolif" in notes[0] and "upper" in notes[0]
    assert "open side" in rows[1].source and "mine.yaml" in rows[0].source
    del res["parameters"][0]["estimate"]
    p.write_text(json.dumps(res))
    with pytest.raises(U.UncertaintyError, match=r"parameters\[0\], column estimate: missing"):
        U.load(p)


# ------------------------------------------------------------------ the distribution
def test_draws_follow_the_rows_distribution(tmp_path, tnbc_net):
    """The 2.5/50/97.5 % quantiles of the draws are the CI's ends and the estimate (a
    two-piece normal in the row's scale), the draws pass a KS test against it, the ids
    of a row share each draw, and a fraction's draws are truncated at 1."""
    rows = U.check(U.load(table(tmp_path, "k_tumor_prolif,k_kill\t0.0062\t0.004\t0.012\tlog\tx",
                                "Ve_T\t0.9\t0.75\t1.2\tlin\tx"))[0], tnbc_net)
    d = U.draw(rows, 4000, seed=3)
    assert (d["k_tumor_prolif"] == d["k_kill"]).all()
    q = np.quantile(d["k_tumor_prolif"], [0.025, 0.5, 0.975])
    assert q == pytest.approx([0.004, 0.0062, 0.012], rel=0.01)
    assert stats.kstest(d["k_tumor_prolif"], rows[0].cdf).pvalue > 0.05
    ve = d["Ve_T"].to_numpy()
    assert ve.max() <= 1.0 and ve.min() > 0.5
    r = rows[1]
    lo_mass = float(r.cdf(1.0))  # the kept part of the untruncated two-piece normal
    assert stats.kstest(ve, lambda v: np.asarray(r.cdf(v)) / lo_mass).pvalue > 0.05
    assert U.draw(rows, 50, seed=3).equals(U.draw(rows, 50, seed=3))
    assert not U.draw(rows, 50, seed=4).equals(U.draw(rows, 50, seed=3))
    ext = U.draw(rows, 50, seed=3, extensions=(20,))
    assert ext.iloc[:50].equals(U.draw(rows, 50, seed=3)) and len(ext) == 70


# ------------------------------------------------------------------ quantiles
def test_quantiles_of_a_constructed_ensemble():
    t = np.arange(4.0)
    members = {m: pd.DataFrame({"time_days": t, "x": float(m) + t, "y": np.full(4, 2.0 * m)}) for m in range(101)}
    members[7] = members[7].assign(x=[np.nan, 7.0, 8.0, 9.0])  # a member without a value on day 0
    q = B.quantiles(members, (5.0, 95.0))
    x = q[q.readout == "x"].set_index("time_days")
    assert list(x.columns) == ["readout", "q05", "q50", "q95", "members"]
    assert x.loc[3.0, ["q05", "q50", "q95"]].tolist() == pytest.approx([8.0, 53.0, 98.0])
    assert x.loc[0.0, "members"] == 100 and x.loc[1.0, "members"] == 101
    assert x.loc[0.0, "q50"] == pytest.approx(np.quantile([m for m in range(101) if m != 7], 0.5))
    y = q[q.readout == "y"].set_index("time_days")
    assert y.loc[2.0, ["q05", "q50", "q95"]].tolist() == pytest.approx([10.0, 100.0, 190.0])
    q10 = B.quantiles(members, (10.0, 90.0))
    assert {"q10", "q90"} <= set(q10.columns)


def test_effects_pair_each_member_with_its_own_reference():
    t = np.arange(3.0)
    ref = {m: pd.DataFrame({"time_days": t, "tumor_volume_mm3": [1.0, 1.0, 10.0 * (m + 1)]}) for m in range(21)}
    arm = {m: pd.DataFrame({"time_days": t, "tumor_volume_mm3": [1.0, 1.0, 5.0 * (m + 1)]}) for m in range(21)}
    ens = B.Ensemble({"no treatment": ref, "drug": arm}, [], 0.0, 42, 0.0)
    nominal = {"no treatment": ref[10], "drug": arm[10]}
    (e,) = B.effects(ens, [("drug", "no treatment")], nominal)
    # paired: every member halves its own reference, though the unpaired spread is 20-fold
    assert (e["q05"], e["q50"], e["q95"], e["nominal"], e["members"]) == pytest.approx((0.5, 0.5, 0.5, 0.5, 21))


# ------------------------------------------------------------------ the ensemble
@pytest.fixture(scope="module")
def short_tnbc():
    return load_scenario("tnbc").model_copy(update={"days": 12.0})


def test_same_seed_same_bands_and_nominal_inside(tmp_path_factory, short_tnbc, tnbc_net):
    """A symmetric distribution of one parameter (k_kill, normal): the nominal run lies in
    the 5–95 % band of every banded readout on every day; the same seed gives the same
    bands, another seed others."""
    tmp = tmp_path_factory.mktemp("sym")
    rows = U.load(table(tmp, "k_kill\t0.9\t0.5\t1.3\tlin\tsymmetric"))[0]
    arms = [runs.Arm("wild type")]

    def bands(seed):
        plan = B.prepare(rows, 6, seed, B.DEFAULT_LEVELS, tnbc_net, short_tnbc)
        ens = B.run_ensemble(plan, short_tnbc, arms)
        assert ens.failed == [] and len(ens.frames["wild type"]) == 6
        return B.band_table(ens)

    a, b, c = bands(5), bands(5), bands(6)
    pd.testing.assert_frame_equal(a, b)
    assert not a[["q05", "q95"]].equals(c[["q05", "q95"]])
    nominal = runs.simulate(short_tnbc, arms[0]).frame
    for col in B.EFFECT_READOUTS:
        band = a[a.readout == col].set_index("time_days")
        v = nominal.set_index("time_days")[col]
        tol = 1e-6 * v.abs() + 1e-12
        assert ((band["q05"] <= v + tol) & (v - tol <= band["q95"])).all(), col
    vol = a[(a.readout == "tumor_volume_mm3")].iloc[-1]
    assert vol["q95"] > vol["q05"] * 1.001  # k_kill moves the tumor: the band is not a line


def test_a_failed_member_is_recorded_not_fatal(monkeypatch, tmp_path, short_tnbc, tnbc_net):
    rows = U.load(table(tmp_path, "k_kill\t0.9\t0.5\t1.3\tlin\tx"))[0]
    plan = B.prepare(rows, 3, 0, B.DEFAULT_LEVELS, tnbc_net, short_tnbc)
    real = B.run_member
    first = float(plan.draws["k_kill"].iloc[1])

    def flaky(sc, arm, params, ppd=1):
        if params["k_kill"] == first:
            return None, "CVODE error: too much work", 0.0
        return real(sc, arm, params, ppd)

    monkeypatch.setattr(B, "run_member", flaky)
    ens = B.run_ensemble(plan, short_tnbc, [runs.Arm("wild type"), runs.Arm("no treatment")])
    assert ens.failed == [{"member": 1, "arm": "wild type", "message": "CVODE error: too much work"},
                          {"member": 1, "arm": "no treatment", "message": "CVODE error: too much work"}]
    assert sorted(ens.frames["wild type"]) == [0, 2]
    assert set(B.band_table(ens)["members"]) == {2}


# ------------------------------------------------------------------ cohort
def test_cohort_draws_follow_the_file(tmp_path):
    from stat3sim.cohort.population import PopulationError, load_distributions, sample
    from stat3sim.cohort.runner import burnin_network

    net = burnin_network(load_scenario("tnbc"))
    dists = load_distributions("tnbc", net)
    rows = U.check(U.load(FIXTURE)[0], net, pinned=True)
    n = 400
    with_unc = sample(dists, n, 7, net, uncertainty=rows)
    without = sample(dists, n, 7, net)
    phos = with_unc[[f"{c}__k_stat3_phos" for c in CELLS]]
    assert (phos.nunique(axis=1) == 1).all()  # one draw per row of the file
    q = np.quantile(phos.iloc[:, 0], [0.025, 0.5, 0.975])
    assert q == pytest.approx([0.02, 0.05, 0.125], rel=0.03)
    assert stats.kstest(phos.iloc[:, 0], rows[0].cdf).pvalue > 0.05
    # columns the file does not touch are those drawn without it
    assert with_unc["k_cd8_rec"].equals(without["k_cd8_rec"])
    # k_kill is in both files: each patient scatters (populations.yaml σ 1.0) around a drawn typical value
    assert not with_unc["k_kill"].equals(without["k_kill"])
    # prefix-stable: an extended sample keeps the first patients as they were
    ext = sample(dists, 60, 7, net, extensions=(30,), uncertainty=rows)
    pd.testing.assert_frame_equal(ext.iloc[:60], sample(dists, 60, 7, net, uncertainty=rows))
    # a folded copy without its leader cannot be drawn per patient
    part = U.load(table(tmp_path, "macrophage__k_stat3_phos\t0.05\t0.02\t0.125\tlog\tx"))[0]
    with pytest.raises(U.UncertaintyError, match="folded copy"):
        U.check(part, net, pinned=True)
    fixed = [d for d in dists if d.name == "diagnosis_diameter_mm"]
    clash = U.check(U.load(table(tmp_path, "k_kill\t0.9\t0.6\t1.2\tlin\tx", name="c.tsv"))[0], net, pinned=True)
    with pytest.raises(PopulationError, match="k_kill"):
        sample([*fixed, dists[0].__class__("k_kill", "uniform", "x", low=0.1, high=2.0)], 5, 0, net,
               uncertainty=clash)


# ------------------------------------------------------------------ the command
def invoke(*args, cwd: Path, monkeypatch):
    monkeypatch.chdir(cwd)
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.mark.parametrize("case", ["bad scale", "unknown id", "no shipped file", "seed without bands",
                                  "levels reversed", "one member"])
def test_bad_band_input_exit_2_nothing_written(tmp_path, monkeypatch, case):
    bad_scale = table(tmp_path, "k_kill\t0.9\t0.6\t1.2\tlogit\tx", name="bad.tsv")
    unknown = table(tmp_path, "k_kill\t0.9\t0.6\t1.2\tlin\tx", "nope_param\t1\t0.5\t2\tlog\tx", name="unk.tsv")
    args, words = {
        "bad scale": (["--bands", "4", "--uncertainty", bad_scale], ["--uncertainty", "bad.tsv", "line 2",
                                                                    "column scale"]),
        "unknown id": (["--bands", "4", "--uncertainty", unknown], ["--uncertainty", "unk.tsv", "line 3",
                                                                   "column ids", "nope_param"]),
        "no shipped file": (["--bands", "4"], ["--uncertainty", "ships no parameter uncertainty"]),
        "seed without bands": (["--seed", "3"], ["--seed", "needs --bands"]),
        "levels reversed": (["--bands", "4", "--uncertainty", FIXTURE, "--band-levels", "95,5"],
                            ["--band-levels", "0 < LOW < 50 < HIGH < 100"]),
        "one member": (["--bands", "1", "--uncertainty", FIXTURE], ["--bands", "from 2"]),
    }[case]
    monkeypatch.setattr(U, "shipped_path", lambda: None)
    r = invoke("run", "tnbc", "--days", "3", "--no-claims", "--out", "res", *args, cwd=tmp_path,
               monkeypatch=monkeypatch)
    assert r.exit_code == 2, r.output
    lines = [ln for ln in r.stderr.strip().splitlines() if ln.strip()]
    assert len(lines) == 1 and all(w in lines[0] for w in words), r.stderr
    assert not (tmp_path / "res").exists()


def test_run_with_bands_end_to_end(tmp_path, monkeypatch):
    sc = tmp_path / "bt.yaml"
    sc.write_text("name: bt\ndescription: bands end to end\ncomparisons:\n"
                  "  - {name: tocilizumab, therapies: ['tocilizumab 8 mg/kg iv q4w']}\n")
    r = invoke("run", sc, "--days", "4", "--no-claims", "--no-standard-arms", "--jobs", "1", "--bands", "3",
               "--uncertainty", FIXTURE, "--seed", "2", "--out", "res", cwd=tmp_path, monkeypatch=monkeypatch)
    assert r.exit_code == 0, r.output + r.stderr
    out = tmp_path / "res"
    bands = pd.read_csv(out / "bands.csv")
    assert list(bands.columns) == ["arm", "readout", "time_days", "q05", "q50", "q95", "members"]
    assert set(bands["arm"]) == {"wild type", "no treatment", "tocilizumab"}
    assert set(bands["time_days"]) == {0.0, 1.0, 2.0, 3.0, 4.0} and (bands["members"] == 3).all()
    assert (bands["q05"] <= bands["q50"]).all() and (bands["q50"] <= bands["q95"]).all()
    draws = pd.read_csv(out / "band_draws.csv")
    assert len(draws) == 3 and (draws["status"] == "ok").all() and "k_kill" in draws
    s = json.loads((out / "summary.json").read_text())
    b = s["bands"]
    assert b["members"] == 3 and b["seed"] == 2 and b["levels_percent"] == [5.0, 50.0, 95.0] and b["failed"] == []
    vol = [e for e in b["effects"] if e["arm"] == "tocilizumab" and e["readout"] == "tumor_volume_mm3"]
    assert len(vol) == 1 and vol[0]["reference"] == "no treatment" and vol[0]["q05"] <= vol[0]["q95"]
    assert {"bands.csv", "band_draws.csv", "figures/bands_arms.png", "figures/bands_effects.png",
            "figures/bands_therapy.png"} <= set(s["outputs"])
    page = (out / "report.html").read_text()
    assert 'id="bands"' in page and "5–95 % band over 3 draws of the calibrated parameters" in page
    assert "tocilizumab:" in r.stdout and "members)" in r.stdout
