"""Virtual cohorts: distributions and sampling, burn-in to diagnosis, the saved state,
`stat3sim cohort` on Dask (same results on 1 and 2 workers, SIGKILL then --resume), bad input."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stat3sim.cohort import PopulationError, load_distributions, read_results, sample
from stat3sim.cohort.burnin import POPULATION, burn_in, full_state
from stat3sim.cohort.runner import burnin_network
from stat3sim.engine.roadrunner import Simulator
from stat3sim.scenarios import load_scenario

SRC = Path(__file__).resolve().parents[1] / "src"
ARGS = ["--scenario", "tnbc", "--n", "10", "--seed", "3", "--days", "30"]


@pytest.fixture(scope="module")
def burn():
    net = burnin_network(load_scenario("tnbc"))
    return net, Simulator(net)


def _cli(*args, **kw):
    env = dict(os.environ, PYTHONPATH=f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}")
    return subprocess.run([sys.executable, "-m", "stat3sim.cli", "cohort", *args], capture_output=True, text=True,
                          env=env, timeout=120, **kw)


def _write(tmp_path, text):
    p = tmp_path / "dist.yaml"
    p.write_text(text)
    return p


# ------------------------------------------------------------------ population
def test_distributions_are_sourced_and_sampling_is_seeded_and_stratified(burn, tmp_path):
    net, _ = burn
    dists = load_distributions("tnbc", net)
    assert all(d.source for d in dists) and {"k_tumor_prolif", "diagnosis_diameter_mm"} <= {d.name for d in dists}
    a, b, c = sample(dists, 20, 7, net), sample(dists, 20, 7, net), sample(dists, 20, 8, net)
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a["k_tumor_prolif"], c["k_tumor_prolif"])
    # lognormals without a median are centred on the model value; truncation holds
    assert a["diagnosis_diameter_mm"].between(10, 50).all()
    p = _write(tmp_path, "default:\n  k_kill: {distribution: uniform, low: 0.5, high: 1.5, source: assumed}\n")
    u = sample(load_distributions("tnbc", net, p), 10, 1, net)["k_kill"].to_numpy()
    assert sorted(np.floor((u - 0.5) * 10).astype(int)) == list(range(10))  # one draw per stratum (Latin hypercube)


def test_an_extended_sample_keeps_its_first_patients(burn):
    """A trial that screens more patients extends the sample: the first patients (and their
    PK factors) are those of the sample without extension; the new ones follow, their own
    Latin hypercube, seeded."""
    from stat3sim.cohort.population import PKVariability, sample_pk

    net, _ = burn
    dists = load_distributions("tnbc", net)
    a, ext = sample(dists, 20, 7, net), sample(dists, 20, 7, net, (20, 40))
    assert list(ext["patient_id"]) == list(range(80))
    pd.testing.assert_frame_equal(ext.iloc[:20], a)
    pd.testing.assert_frame_equal(ext, sample(dists, 20, 7, net, (20, 40)))
    assert not np.allclose(ext["k_tumor_prolif"].iloc[20:40], a["k_tumor_prolif"])  # a new batch, not a copy
    u = ext["diagnosis_diameter_mm"].iloc[20:40]
    assert u.between(10, 50).all() and u.nunique() == 20
    pk = [PKVariability("tocilizumab", "tocilizumab", 0.39, "test")]
    pd.testing.assert_frame_equal(sample_pk(pk, 20, 7, (20,)).iloc[:20], sample_pk(pk, 20, 7))


@pytest.mark.parametrize("text, match", [
    ("default:\n  k_nonsense: {distribution: lognormal, sigma: 0.5, source: assumed}\n", "unknown parameter"),
    ("default:\n  caf__k_ATB: {distribution: lognormal, sigma: 0.5, source: assumed}\n", "cannot vary per patient"),
    ("default:\n  k_kill: {distribution: normal, sigma: 0.5, source: assumed}\n", "allowed: lognormal"),
    ("default:\n  k_kill: {distribution: lognormal, sigma: 0.5}\n", "needs a source"),
])
def test_bad_distribution_files_are_refused(burn, tmp_path, text, match):
    with pytest.raises(PopulationError, match=match):
        load_distributions("tnbc", burn[0], _write(tmp_path, text))


# ------------------------------------------------------------------ burn-in
def test_burn_in_reaches_its_own_diagnosis_and_the_saved_state_continues_the_run(burn):
    net, sim = burn
    b = burn_in(sim, net, {}, 20.0)
    assert b.reached and abs(b.baseline["tumor_diameter_mm"] - 20.0) < 0.02
    assert 17 < b.baseline["doubling_time_days"] < 189  # tnbc: Ryu 2014 103 ± 2 × 43 d
    b2 = burn_in(sim, net, {}, 25.0)
    assert b2.days > b.days  # a larger diagnosis size takes longer to reach
    # from the state at 20 mm, growth reaches 25 mm after the same time as the burn-in did
    res = sim.run_from_state(full_state(net, b.state), net, times=np.linspace(0, (b2.days - b.days) * 1440, 3),
                             parameters={"growth_on": 1.0}, rtol=POPULATION.rtol, atol=POPULATION.atol,
                             max_order=POPULATION.max_order)
    assert res.ok
    assert res["tumor_diameter_mm"][-1] == pytest.approx(25.0, abs=0.03)
    assert res["CD8_per_mL"][-1] == pytest.approx(b2.baseline["CD8_per_mL"], rel=1e-3)
    # a faster-growing patient reaches diagnosis sooner
    fast = burn_in(sim, net, {"k_tumor_prolif": 2 * net.parameter("k_tumor_prolif").value}, 25.0)
    assert fast.days < b2.days


# ------------------------------------------------------------------ the command
@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    out = tmp_path_factory.mktemp("cohort") / "ref"
    r = _cli(*ARGS, "--out", str(out), "--workers", "2")
    assert r.returncode == 0, r.stderr[-2000:]
    return out, r


def test_cohort_writes_rows_summary_and_report(reference):
    out, r = reference
    df = read_results(out)
    assert len(df) == 10 and df["patient_id"].tolist() == list(range(10))
    assert set(df["status"]) <= {"ok", "rejected", "solver failed"}
    assert (df["status"] == "ok").any()
    ok = df[df["status"] == "ok"]
    assert ok["day30.tumor_volume_mm3"].notna().all() and ok["baseline.tumor_diameter_mm"].notna().all()
    assert ((df["status"] == "rejected") == (df["reason"] != "") | (df["status"] == "solver failed")).all()
    s = json.loads((out / "summary.json").read_text())
    assert s["patients"] == 10 and sum(s["counts"].values()) == 10
    assert sum(s["rejections_by_reason"].values()) == s["counts"]["rejected"]
    assert s["seed"] == 3 and s["version"] and all(d["source"] for d in s["distributions"])
    # each worker sets up each model structure once: burn-in + one arm
    assert s["session"]["compiles"] <= 2 * s["session"]["workers"]
    assert (out / "report.html").stat().st_size > 1000 and (out / "baseline.png").stat().st_size > 1000
    assert "CVODE" not in r.stderr and "CV_" not in r.stderr


def test_same_seed_same_results_on_one_and_two_workers(reference, tmp_path):
    r = _cli(*ARGS, "--out", str(tmp_path / "one"), "--workers", "1")
    assert r.returncode == 0, r.stderr[-2000:]
    pd.testing.assert_frame_equal(read_results(tmp_path / "one"), read_results(reference[0]))


def test_sigkill_then_resume_gives_the_uninterrupted_results(reference, tmp_path):
    out = tmp_path / "killed"
    env = dict(os.environ, PYTHONPATH=f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}")
    p = subprocess.Popen([sys.executable, "-m", "stat3sim.cli", "cohort", *ARGS, "--out", str(out), "--workers", "1"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, start_new_session=True)
    try:
        t0 = time.time()
        while not list((out / "parts").glob("part-*.parquet")) and time.time() - t0 < 90 and p.poll() is None:
            time.sleep(0.05)
    finally:
        os.killpg(p.pid, signal.SIGKILL)  # the command and the cluster it started
        p.wait()
    n_before = len(read_results(out))
    assert 0 < n_before < 10, "the kill must land mid-cohort"
    assert not (out / "summary.json").exists()
    r = _cli(*ARGS, "--out", str(out), "--workers", "1", "--resume")
    assert r.returncode == 0, r.stderr[-2000:]
    s = json.loads((out / "summary.json").read_text())
    assert s["session"]["patients_already_done"] == n_before
    assert s["session"]["patients_run"] == 10 - n_before  # nothing computed twice
    pd.testing.assert_frame_equal(read_results(out), read_results(reference[0]))


@pytest.mark.parametrize("args, field", [
    (["--scenario", "tnbc", "--n", "0"], "--n"),
    (["--scenario", "no_such_scenario", "--n", "5"], "--scenario"),
    (["--scenario", "tnbc", "--n", "5", "--scheduler", "tcp://127.0.0.1:9"], "--scheduler"),
    (["--scenario", "tnbc", "--n", "5", "--arm", "not-a-drug 5 mg"], "--arm"),
])
def test_bad_input_one_message_exit_2_nothing_written(tmp_path, args, field, refused):
    out = tmp_path / "out"
    refused(_cli(*args, "--out", str(out)), field, out)


def test_unknown_parameter_in_a_distribution_file_exit_2(tmp_path):
    p = _write(tmp_path, "default:\n  k_nonsense: {distribution: lognormal, sigma: 0.5, source: assumed}\n")
    r = _cli("--scenario", "tnbc", "--n", "5", "--distributions", str(p), "--out", str(tmp_path / "out"))
    assert r.returncode == 2 and "k_nonsense" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


# ------------------------------------------------------------------ an existing Dask cluster
def test_a_cluster_started_outside_the_tool_gives_the_local_results(reference, tmp_path):
    env = dict(os.environ, PYTHONPATH=f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}")
    sfile = tmp_path / "scheduler.json"
    procs = [subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--scheduler-file", str(sfile),
                               "--host", "127.0.0.1", "--port", "0", "--dashboard-address", ":0"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, start_new_session=True)]
    try:
        address, t0 = None, time.time()
        while address is None and time.time() - t0 < 60:  # the scheduler creates the file, then writes it
            try:
                address = json.loads(sfile.read_text())["address"]
            except (OSError, ValueError, KeyError):
                time.sleep(0.1)
        assert address, f"the scheduler wrote no address to {sfile} within 60 s"
        for _ in range(2):
            procs.append(subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", address, "--nthreads",
                                           "1", "--nworkers", "1", "--no-dashboard"], stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL, env=env, start_new_session=True))
        r = _cli(*ARGS, "--out", str(tmp_path / "ext"), "--scheduler", address)
        assert r.returncode == 0, r.stderr[-2000:]
        pd.testing.assert_frame_equal(read_results(tmp_path / "ext"), read_results(reference[0]))
        s = json.loads((tmp_path / "ext" / "summary.json").read_text())
        assert s["session"]["workers"] >= 1
    finally:
        for p in procs:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait()


# ------------------------------------------------------------------ PK variability, PD-L1, selection
def test_pk_variability_is_sourced_seeded_per_drug_and_moves_exposure():
    from stat3sim.cohort.population import ASSUMED_PK_CV, pk_variability, sample_pk

    v = pk_variability(["tocilizumab 8 mg/kg iv q4w", "atezolizumab 840 mg iv q2w"])
    assert [x.drug for x in v] == ["atezolizumab", "tocilizumab"]
    assert v[1].cv == pytest.approx(0.39) and "Frey" in v[1].source
    assert v[0].cv == ASSUMED_PK_CV and v[0].source.startswith("assumed")
    a = sample_pk(v, 400, 5)
    b = sample_pk(v[1:], 400, 5)
    # a drug's factors do not depend on the other drugs of the cohort
    np.testing.assert_array_equal(a["pk.tocilizumab.clearance_factor"], b["pk.tocilizumab.clearance_factor"])
    eta = np.log(a["pk.tocilizumab.clearance_factor"])
    assert eta.std() == pytest.approx(np.sqrt(np.log1p(0.39 ** 2)), rel=0.05) and abs(eta.mean()) < 0.02


def test_a_patients_clearance_factor_changes_its_treated_arm_only():
    from stat3sim.cohort.runner import ArmPlan, prepare, run_patient

    sc = load_scenario("tnbc")
    plan, patients, info = prepare(sc, 1, 3, days=30, arms=(ArmPlan("no treatment"),
                                                             ArmPlan("toci", ("tocilizumab 8 mg/kg iv q4w",))))
    rec = {"patient_id": 0, "pk.tocilizumab.clearance_factor": 1.0}  # the nominal patient, typical clearance
    assert "pk.tocilizumab.clearance_factor" in patients
    base = run_patient(plan, rec)["rows"]
    fast = run_patient(plan, {**rec, "pk.tocilizumab.clearance_factor": 4.0})["rows"]
    assert base[0]["status"] == "ok", base[0]["reason"]
    assert fast[0]["day30.tumor_volume_mm3"] == base[0]["day30.tumor_volume_mm3"]  # untreated arm unchanged
    # faster clearance: less drug, a larger tumor in the tocilizumab arm (9,840 -> 10,390 mm³)
    assert fast[1]["day30.tumor_volume_mm3"] > base[1]["day30.tumor_volume_mm3"] * 1.02
    assert info["pk_variability"][0]["drug"] == "tocilizumab"


def test_pdl1_threshold_gives_the_impassion130_share():
    from stat3sim.cohort.population import PDL1_POSITIVE_SHARE, pdl1_threshold

    x = pd.Series(np.random.default_rng(1).lognormal(0, 0.5, 1000))
    assert (x >= pdl1_threshold(x)).mean() == pytest.approx(PDL1_POSITIVE_SHARE, abs=0.002)


def test_selection_moves_the_plausible_patients_towards_the_observed_distribution():
    from stat3sim.cohort.population import Target, select

    rng = np.random.default_rng(0)
    base = pd.DataFrame({"patient_id": np.arange(2000), "doubling_time_days": rng.lognormal(np.log(150), 0.6, 2000)})
    t = [Target("doubling_time_days", 103.0, 43.0, "test")]
    s = select(base, t, seed=4)
    assert s.ks_after["doubling_time_days"] < 0.5 * s.ks_before["doubling_time_days"]
    assert 0 < s.table["selected"].sum() < 2000 and 0 < s.ess < 2000
    assert s.table["p_accept"].between(0, 1).all()
    again = select(base, t, seed=4)
    pd.testing.assert_frame_equal(s.table, again.table)


def test_a_patients_weight_sets_its_dose_on_the_compiled_arm():
    """mg/kg dosing: a heavier patient gets more tocilizumab (the arm's compiled model runs
    with the patient's PK values and doses; no structure of its own)."""
    from stat3sim.cohort.runner import ArmPlan, prepare, run_patient

    plan, _, _ = prepare(load_scenario("tnbc"), 1, 3, days=30,
                         arms=(ArmPlan("toci", ("tocilizumab 8 mg/kg iv q4w",)),))
    rows = {}
    for w in (50.0, 100.0):
        rec = {"patient_id": 0, "weight_kg": w, "bsa_m2": float(np.sqrt(w * 165 / 3600)),
               "pk.tocilizumab.clearance_factor": 1.0}
        r = run_patient(plan, rec)["rows"][0]
        assert r["status"] == "ok", r["reason"]
        rows[w] = r["day30.tumor_volume_mm3"]
    assert rows[100.0] < rows[50.0] * 0.995  # more drug, a smaller tumor
