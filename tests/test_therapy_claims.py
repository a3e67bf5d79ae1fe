"""The therapy claims THx-1 … THx-7, THx-9 … THx-13 (``stat3sim validate --area therapy``),
each in two halves: **mechanism** (the drug at 10 × its cellular potency, constant) and
**clinic** (the labelled regimen with the catalog's PK, judged only where clinical evidence
exists).

Mechanism halves the model reproduces are asserted; those it does not are strict xfails
whose reason is the model's own (computed from its numbers, in the JSON), and the parts of
them that do hold are asserted separately, so a change that breaks them shows."""
from __future__ import annotations

import json
from functools import lru_cache

import pytest

from stat3sim.claims import run_claims
from stat3sim.claims.registry import STATUSES

THERAPY_IDS = ["THx-1", "THx-2", "THx-3", "THx-4", "THx-5", "THx-6", "THx-7", "THx-9", "THx-10", "THx-11", "THx-12",
               "THx-13"]


@lru_cache(maxsize=None)
def _res(cid):
    (res,) = run_claims(ids=[cid])
    assert not res.error, res.error
    return res


def _half(cid, which):
    return _res(cid).as_dict()[which]


@pytest.mark.parametrize("cid", THERAPY_IDS)
def test_both_halves_are_reported(cid):
    """Every therapy claim reports a mechanism and a clinic half: status, numbers, exposure;
    the clinic half also the occupancy at trough and peak of each drug it doses."""
    d = _res(cid).as_dict()
    for which in ("mechanism", "clinic"):
        h = d[which]
        assert h["status"] in STATUSES
        assert isinstance(h["numbers"], dict) and isinstance(h["exposure"], dict) and h["exposure"]
        if h["status"] != "pass":
            assert h.get("reason"), f"{cid} {which}: a {h['status']} half says why"
    for drug, e in d["clinic"]["exposure"].items():
        if e.get("regimen") is None:
            continue
        occ = d["clinic"]["occupancy"][drug]
        assert 0 <= occ["trough"] <= occ["peak"] <= 1
        assert 0 <= e["free_tumor_trough_nM"] <= e["free_tumor_peak_nM"]
    for drug, e in d["mechanism"]["exposure"].items():
        assert "regimen" in e and "continuous" in e["regimen"]
    # a judged clinic half names its clinical evidence
    assert (d["clinic"]["status"] == "reported") != bool(d["clinic"].get("evidence"))
    # a claim passes when its mechanism does not fail and its clinic half does not fail
    assert _res(cid).passed == (d["mechanism"]["status"] != "fail" and d["clinic"]["status"] != "fail")


@pytest.mark.parametrize("cid", ["THx-1", "THx-3", "THx-7", "THx-9", "THx-12", "THx-13"])
def test_mechanism_half_passes(cid):
    h = _half(cid, "mechanism")
    assert h["status"] == "pass", f"{cid} mechanism failed: {h.get('reason')}; {json.dumps(h['numbers'])}"


MECHANISM_FAILS = ("THx-2", "THx-4", "THx-6", "THx-10", "THx-11")


@pytest.mark.parametrize("cid", MECHANISM_FAILS)
def test_mechanism_halves_the_model_does_not_reproduce(cid):
    h = _half(cid, "mechanism")
    if h["status"] == "fail":
        pytest.xfail(f"{cid}: {h['reason']}")
    pytest.fail(f"{cid}'s mechanism half passes now: move it to test_mechanism_half_passes and update the docs")


@pytest.mark.parametrize("cid", ["THx-1", "THx-3", "THx-5", "THx-12"])
def test_clinic_half_judged_against_clinical_evidence_passes(cid):
    h = _half(cid, "clinic")
    assert h["evidence"]
    assert h["status"] == "pass", f"{cid} clinic: {h.get('reason')}; {json.dumps(h['numbers'])}"


def test_thx5_is_a_clinic_claim_and_says_why():
    """Ruxolitinib at the phase II regimen: pSTAT3 at trough ≥ 50 % of untreated and no PR [115];
    the reason is exposure vs potency, with the occupancy at trough and peak."""
    d = _res("THx-5").as_dict()
    assert d["mechanism"]["status"] == "reported" and d["clinic"]["status"] == "pass"
    occ = d["clinic"]["occupancy"]["ruxolitinib"]
    assert occ["trough"] < 0.05 and "occupancy" in d["clinic"]["numbers"]["why"]
    # at the study's exposure the same drug does what the clinic does not: the translation gap
    assert d["mechanism"]["numbers"]["pSTAT3_fraction_of_untreated"] < d["clinic"]["numbers"][
        "pSTAT3_fraction_of_untreated"] - 0.2


def test_thx2_tnbc_clinic_numbers():
    """At their label regimens siltuximab and clazakizumab lower tnbc tumor pSTAT3 ≥ 30 % and
    volume ≥ 10 % (the TNBC side of THx-2's clinic prediction)."""
    o = _half("THx-2", "clinic")["numbers"]
    for drug in ("siltuximab", "clazakizumab"):
        assert o[f"tnbc_{drug}_pSTAT3_drop"] >= 0.30 and o[f"tnbc_{drug}_volume_drop"] >= 0.10
        assert o[f"tnbc_{drug}_SOCS3_drop"] > 0 and o[f"tnbc_{drug}_IL6ST_drop"] > 0


def test_thx2_ceiling_is_the_reason():
    """The ER+ ceiling: IL-6 knocked out everywhere lowers er_endocrine_resistant tumor pSTAT3
    < 35 % — no anti-IL-6 can reach the claim's 30 % by much, and the reason says so."""
    h = _half("THx-2", "mechanism")
    assert h["numbers"]["er_endocrine_resistant_pSTAT3_drop_IL6_KO_everywhere"] < 0.35
    assert "IL-6 knocked out in every cell" in h["reason"]


def test_thx4_the_parts_that_hold():
    """THx-4: both JAK inhibitors' cellular IC50s in the claim's range, and the JAK2-amplified
    tumor loses more proliferation at equal exposure in both halves (≥ 1.3× at the label
    regimen; just under 1.3× at 10 × the cellular IC50, the mechanism half's one miss)."""
    m = _half("THx-4", "mechanism")["numbers"]
    for drug in ("ruxolitinib", "baricitinib"):
        assert 10.0 <= m[f"{drug}_IC50_nM"] <= 3000.0
    assert m["loss_ratio_JAK2_amplified"] > 1.0
    c = _half("THx-4", "clinic")
    assert c["status"] == "reported" and c["numbers"]["loss_ratio_JAK2_amplified"] >= 1.3


def test_thx6_combination_beats_ruxolitinib_alone_in_both_halves():
    for which in ("mechanism", "clinic"):
        assert _half("THx-6", which)["numbers"]["combo_volume_vs_rux"] <= -0.10


def test_thx10_combination_beats_either_alone_on_volume_at_the_clinic():
    """Fulvestrant + tocilizumab at their labels: tumor volume ≥ 10 % smaller than each alone [94]."""
    o = _half("THx-10", "clinic")["numbers"]
    assert o["volume_vs_endocrine"] <= -0.10 and o["volume_vs_tocilizumab"] <= -0.10


def test_thx11_tgfb_exclusion_lets_cd8_in():
    """With TGF-β's exclusion of CD8+ T cells [95], galunisertib + atezolizumab at the study's
    exposure has ≥ 20 % more CD8+ per mL than either alone and lowers metastatic burden ≥ 20 %
    against atezolizumab alone; JAK2 + GLI1 inhibition is more than Bliss-additive."""
    o = _half("THx-11", "mechanism")["numbers"]
    assert o["CD8_gain_vs_galunisertib"] >= 0.20 and o["CD8_gain_vs_atezolizumab"] >= 0.20
    assert o["metastatic_burden_drop_vs_atezolizumab"] >= 0.20
    assert o["inhibition_JAK"] > 0.05 and o["inhibition_GLI1"] > 0.05 and o["bliss_excess"] > 0
