"""The calibration of the STAT3 module's kinetics to Sobotta et al. 2017's hepatocyte data
(docs/calibration.md, scripts/calibrate_signaling.py): the data file is well-formed, the
fit's record (``data/calibration/sobotta2017_fit_uncertainty.tsv``) holds estimates inside
their profile-likelihood CIs; the model ships the three shared rates (nuclear import,
export, nuclear dephosphorylation) in every cell type and the whole fit in the hepatocyte
preset, and the packaged uncertainty table is those three rows; the data fit the shipped
hepatocyte module as well as the best fit and far better than the values before."""
from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data" / "calibration" / "sobotta2017_hepatocyte_il6.csv"
UNCERTAINTY = REPO / "data" / "calibration" / "sobotta2017_fit_uncertainty.tsv"


def _script():
    spec = importlib.util.spec_from_file_location("calibrate_signaling", REPO / "scripts" / "calibrate_signaling.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_calibration_data_well_formed():
    cal = _script()
    df = pd.read_csv(DATA)
    assert list(df.columns) == cal.COLUMNS
    assert len(df) > 50
    assert set(df["observable"]) <= set(cal.observables())
    assert set(df["observable"]) == {v[0] for v in cal.SETS.values()}
    for col in ("IL6_ng_mL", "time_min", "value", "noise_sd"):
        assert df[col].map(lambda v: isinstance(v, float) and math.isfinite(v)).all(), col
    assert (df["time_min"] >= 0).all() and (df["IL6_ng_mL"] >= 0).all()
    assert (df["noise_sd"] > 0).all()
    assert set(df["noise_scale"]) <= {"lin", "log10"}
    assert (df.loc[df["noise_scale"] == "log10", "value"] > 0).all()
    # every row says where it comes from and how it was read
    assert df["source"].str.contains("PMID 29062282").all()
    assert df["how_read"].str.contains("measurementData line").all()
    assert df["unit"].str.len().gt(0).all()
    # the absolute data: % phosphorylated between 0 and 100, concentrations > 0
    pct = df[df["observable"] == "pSTAT3_percent"]["value"]
    assert len(pct) == 5 and pct.between(0, 100).all()


def _tnbc_parameters():
    from stat3sim import runs
    from stat3sim.scenarios import load_scenario

    net = runs.build(load_scenario("tnbc"))
    params = net.parameters.values() if isinstance(net.parameters, dict) else net.parameters
    return {p.id: p for p in params}


def test_the_fit_record_holds_estimates_inside_their_cis_for_model_parameters():
    table = pd.read_csv(UNCERTAINTY, sep="\t")
    assert list(table.columns) == ["ids", "estimate", "ci95_low", "ci95_high", "scale", "source"]
    assert len(table) >= 3
    cal = _script()
    params = _tnbc_parameters()
    for _, row in table.iterrows():
        assert row["scale"] in ("log", "lin")
        assert 0 < row["ci95_low"] < row["estimate"] < row["ci95_high"]
        ids = row["ids"].split(",")
        assert len(ids) == 9  # every cell type's copy of the parameter
        name = ids[0].split("__", 1)[1]
        assert cal.BEST_FIT[name] == pytest.approx(row["estimate"], rel=1e-2), name
        shipped = cal.BEST_FIT[name] if name in cal.SHARED else cal.OLD_VALUES[name]
        for pid in ids:
            assert pid in params, pid
            assert params[pid].value == pytest.approx(shipped, rel=1e-3), pid
            if name in cal.SHARED:  # calibrated, with its CI, and no longer "assumed"
                src = str(params[pid].evidence)
                assert "assumed" not in src and "calibrated to Sobotta et al. 2017" in src
                assert f"CI [{row['ci95_low']:.3g}, {row['ci95_high']:.3g}]" in src, (pid, src)


def test_the_hepatocyte_preset_is_the_best_fit():
    from stat3sim.model.cells import cell_type
    from stat3sim.model.signaling.parameters import PER_CELL

    cal = _script()
    ov = cell_type("hepatocyte").overrides
    for name, v in cal.BEST_FIT.items():
        value = ov[name][0] if name in ov else PER_CELL[name][0]
        assert value == pytest.approx(v, rel=1e-3), name
    # the three the data do not determine say so
    for name in set(cal.BEST_FIT) - set(cal.SHARED) - {"R0_gp130", "k_tl_SOCS3", "K_tf_STAT3"}:
        assert "not determined" in str(ov[name][1]), name


def test_the_packaged_uncertainty_table_is_the_shipped_rows_of_the_fit_record():
    from stat3sim import runs, uncertainty
    from stat3sim.scenarios import load_scenario

    cal = _script()
    path = uncertainty.shipped_path()
    assert path is not None
    rows, _ = uncertainty.load(path)
    record = pd.read_csv(UNCERTAINTY, sep="\t")
    assert {r.ids[0].split("__", 1)[1] for r in rows} == set(cal.SHARED)
    for r in rows:
        (rec,) = [x for _, x in record.iterrows() if x["ids"].split(",") == list(r.ids)]
        assert (r.estimate, r.low, r.high, r.scale) == (rec["estimate"], rec["ci95_low"], rec["ci95_high"], rec["scale"])
    net = runs.build(load_scenario("tnbc"))
    assert uncertainty.differences(uncertainty.check(rows, net), net) == []


def test_the_packaged_table_is_derived_from_the_record(tmp_path):
    """``calibrate_signaling.py ship`` writes the packaged table from the record: the
    shipped file is exactly what it writes."""
    from stat3sim import uncertainty

    cal = _script()
    out = tmp_path / "parameter_uncertainty.tsv"
    assert cal.write_packaged(UNCERTAINTY, out) == len(cal.SHARED)
    assert out.read_text() == uncertainty.shipped_path().read_text()


def test_the_best_fit_fits_the_data_far_better_than_the_model_values(tmp_path):
    pytest.importorskip("petab")
    cal = _script()
    yaml = str(cal.build(tmp_path / "petab").resolve())
    best = cal.nuisance_fit(yaml, cal.BEST_FIT)
    model = cal.nuisance_fit(yaml)  # the hepatocyte preset as shipped
    before = cal.nuisance_fit(yaml, cal.OLD_VALUES)  # the claim-tuned kinetics before the calibration
    assert abs(model - best) < 0.5, (model, best)
    # by far more than a CI's 1.92: the claim-tuned kinetics are not what these data say
    assert best < before - 50, (best, before)
