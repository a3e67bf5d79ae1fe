"""Trial designs (stat3sim.trial.design): the four shipped designs load with their published
outcomes sourced; bad designs raise one DesignError naming the field; criteria apply to a
baseline table."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from stat3sim.trial.design import READOUT_UNITS, DesignError, eligible, list_designs, load_design, subgroup_flags

SHIPPED = ("ruxolitinib_tnbc_phase2", "napabucasin_pstat3", "tocilizumab_endocrine_resistant",
           "tnbc_first_line_chemo_io")
ROOT = Path(__file__).resolve().parents[1]


def test_the_four_designs_are_shipped_and_load():
    assert set(SHIPPED) <= set(list_designs())
    for name in SHIPPED:
        d = load_design(name)
        assert d.name == name and d.n_per_arm > 0 and d.source.strip()
        for p in d.published:
            assert p.source.strip() and p.tag in ("read", "recalled")
            if p.role == "calibration":
                assert p.arm == d.control
        assert d.published or d.published_note, f"{name}: say why there is no published outcome"


def test_impassion130_design():
    d = load_design("tnbc_first_line_chemo_io")
    assert d.control == "placebo + nab-paclitaxel" and len(d.arms) == 2 and d.ratio(d.arms[1].name) == 1
    assert d.confirmation and d.imaging_every_weeks == 8 and [s.name for s in d.subgroups] == ["pdl1_positive"]
    exp = [p for p in d.published if p.arm == "atezolizumab + nab-paclitaxel" and p.hazard_ratio_endpoint == "pfs"]
    assert {(p.population, p.hazard_ratio, p.median_pfs_months) for p in exp} == {("ITT", 0.80, 7.2),
                                                                                   ("pdl1_positive", 0.62, 7.5)}
    assert all(p.role == "prediction" for p in exp)
    fda = [p for p in d.published if p.orr == 0.33][0]
    assert fda.role == "calibration" and fda.orr_ci95 == (0.260, 0.401) and fda.orr_confirmed
    assert "d1,8,15 q28d" in d.arms[0].regimens[0]


def test_readout_units_are_the_cohorts_baseline_readouts_and_the_documented_units():
    from stat3sim.cohort.burnin import BASELINE_READOUTS

    assert set(READOUT_UNITS) == set(BASELINE_READOUTS) | {"doubling_time_days"}
    doc = (ROOT / "docs" / "observables.md").read_text(encoding="utf-8")
    for name, unit in READOUT_UNITS.items():
        if name == "doubling_time_days":
            continue
        m = re.search(r"^\| `" + re.escape(name) + r"` \| ([^|]+) \|", doc, re.M)
        assert m and m.group(1).strip() == unit, name


def _write(tmp_path, change) -> str:
    data = yaml.safe_load((ROOT / "src/stat3sim/trial/data/tnbc_first_line_chemo_io.yaml").read_text())
    change(data)
    path = tmp_path / "design.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return str(path)


def _set(key, value):
    def f(d):
        d[key] = value
    return f


@pytest.mark.parametrize("change,field,words", [
    (lambda d: d["arms"][1]["regimens"].__setitem__(0, "atezolizumib 840 mg iv q2w"), "arms[1].regimens[0]",
     "did you mean atezolizumab"),
    (_set("n_per_arm", 0), "n_per_arm", "> 0"),
    (_set("n_per_arm", -5), "n_per_arm", "> 0"),
    (_set("blinding", "double"), "blinding", "unknown field"),
    (_set("endpoints", ["orr", "os"]), "endpoints", "unknown endpoint 'os'"),
    (lambda d: d["subgroups"][0].__setitem__("readout", "tumor.PDL2"), "subgroups[0].readout", "did you mean 'tumor.PDL1'"),
    (_set("control", "placebo"), "control", "unknown arm 'placebo'"),
    (_set("control", None), "control", "names its control arm"),
    (_set("scenario", "tnbcc"), "scenario", "did you mean 'tnbc'"),
    (_set("followup_days", 0), "followup_days", "> 0"),
    (_set("imaging_every_weeks", 60), "imaging_every_weeks", "after the follow-up end"),
    (_set("arms", []), "arms", "at least one arm"),
    (lambda d: d["published"][4].__setitem__("role", "calibration"), "published[4].role", "only the control arm"),
    (lambda d: d["published"][0].__setitem__("source", " "), "published[0].source", "source"),
    (lambda d: d["published"][0].__setitem__("population", "pdl1"), "published[0].population", "unknown population"),
    (lambda d: d["subgroups"][0].__setitem__("op", "=="), "subgroups[0].op", "'>'"),
    (_set("inclusion", [{"readout": "serum_CRP_mg_L", "op": ">", "value": 10, "unit": "ng/mL"}]), "inclusion[0].unit",
     "mg/L"),
    (_set("inclusion", [{"readout": "serum_CRP_mg_L", "op": ">", "value": 10}]), "inclusion[0].unit", "give unit"),
    (_set("inclusion", [{"readout": "serum_CRP_mg_L", "op": ">"}]), "inclusion[0]", "value"),
    (_set("randomisation", {"placebo": 1}), "randomisation.placebo", "unknown arm"),
    (_set("n_per_arm", True), "n_per_arm", "expected a number"),
])
def test_bad_designs_name_the_field(tmp_path, change, field, words):
    with pytest.raises(DesignError) as e:
        load_design(_write(tmp_path, change))
    assert e.value.field == field, str(e.value)
    assert words in str(e.value) and "\n" not in str(e.value)


def test_unknown_names_and_files(tmp_path):
    with pytest.raises(DesignError) as e:
        load_design("ruxolitinib_tnbc_phase3")
    assert e.value.field == "design" and "ruxolitinib_tnbc_phase2" in str(e.value)
    with pytest.raises(DesignError, match="no such file"):
        load_design(str(tmp_path / "nope.yaml"))
    (tmp_path / "empty.yaml").write_text("")
    with pytest.raises(DesignError, match="empty"):
        load_design(str(tmp_path / "empty.yaml"))
    # a readout list passed in replaces the documented one
    with pytest.raises(DesignError) as e:
        load_design("napabucasin_pstat3", readouts=["tumor.pSTAT3"])
    assert e.value.field == "subgroups[1].readout"


def test_a_valid_criterion_with_a_value_and_unit(tmp_path):
    path = _write(tmp_path, _set("inclusion", [{"readout": "serum_CRP_mg_L", "op": ">", "value": 10, "unit": "mg/L"}]))
    d = load_design(path)
    base = pd.DataFrame({"serum_CRP_mg_L": [5.0, 10.0, 12.0, np.nan], "tumor.PDL1": [1.0, 2.0, 3.0, 4.0]})
    assert eligible(d, base).tolist() == [False, False, True, False]


def test_quantile_criteria_and_subgroup_flags():
    d = load_design("ruxolitinib_tnbc_phase2")
    base = pd.DataFrame({"tumor.pSTAT3": np.linspace(0.1, 0.9, 9), "serum_IL6_pg_mL": np.arange(9.0)})
    ok = eligible(d, base)
    assert ok.sum() == 5 and ok.iloc[-1] and not ok.iloc[0]  # ≥ the median of 9
    flags = subgroup_flags(d, base)
    assert list(flags.columns) == ["il6_high"] and flags["il6_high"].sum() == 3  # top tertile
    imp = load_design("tnbc_first_line_chemo_io")
    big = pd.DataFrame({"tumor.PDL1": np.random.default_rng(0).lognormal(size=10000)})
    assert subgroup_flags(imp, big)["pdl1_positive"].mean() == pytest.approx(0.408, abs=0.002)
