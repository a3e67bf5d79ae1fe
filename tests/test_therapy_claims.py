"""The therapy claims THx-1 … THx-7, THx-9 … THx-13 (``stat3sim validate --area therapy``).

Claims the model reproduces are asserted; claims it does not are strict xfails whose
reason gives the model's own numbers, and the parts of them that do hold are asserted
separately, so a change that breaks them shows."""
from __future__ import annotations

import json

import pytest

from stat3sim.claims import run_claims


def _res(cid):
    (res,) = run_claims(ids=[cid])
    assert not res.error, res.error
    return res


@pytest.mark.parametrize("cid", ["THx-3", "THx-4", "THx-5", "THx-9", "THx-12", "THx-13"])
def test_therapy_claim_passes(cid):
    res = _res(cid)
    assert res.passed, f"{cid} failed: observed {json.dumps(res.observed, default=str)}; expected {res.expected}"


FAILING = {
    "THx-1": "bazedoxifene's free trough (~0.07 nM at 20 mg qd, 99 % bound) is 1e5-fold below its ~10 µM "
             "(assumed) cellular gp130 potency, so it blocks neither IL-6 nor IL-11 at the clinical dose",
    "THx-2": "in er_endocrine_resistant anti-IL-6 lowers tumor pSTAT3 19–29 %, not 30 %: IL-6 knocked out in every "
             "TME cell lowers it only 31 % there (IL-11 adds ~2 %; the rest is leptin and other gp130-independent input), so siltuximab "
             "(29 %) is at the model's ceiling; the TNBC half passes",
    "THx-6": "ruxolitinib's free trough (~2.4 nM) occupies ~1 % of macrophage JAK at 25 mg bid, so COX-2 does not "
             "rise (even 3× cellular potency raises it only 3 %); celecoxib still adds ≥ 10 % to ruxolitinib",
    "THx-7": "pyrimethamine at 50 mg qd (free trough ~0.9 µM vs its assumed 3 µM potency) cuts proliferation "
             "~10 % and raises CD8+ density ~12 %; LLY17/TTI-101 (−46 %, apoptosis 1.6×) and the STAT1 part pass",
    "THx-10": "with ERα degradation, fulvestrant lowers tumor ERα activity 71 % (protein −60 %) by day 180 and the "
              "combination is 27 % smaller than fulvestrant and 21 % smaller than tocilizumab, but anti-IL-6 agents "
              "meet a ceiling in this scenario (IL-6 knocked out everywhere lowers tumor pSTAT3 31 %, THx-2), so "
              "pSTAT3/Notch3/CD133 fall 15 %/7 %/11 % vs fulvestrant, not 20 %",
    "THx-11": "galunisertib's free trough occupies ~18 % of TGFBR1 on its clinical 14-days-on/14-off schedule and "
              "the model's TGF-β acts on killing only (no TGF-β T-cell exclusion, [95]): the combination has +36 % "
              "CD8+ against galunisertib alone but +0.9 % against atezolizumab alone, and metastatic burden falls 8 % "
              "and 6 %, not 20 %; JAK2 + GLI1 "
              "inhibition gives a Bliss excess of 0.055 (0.086 at 3× potency each), not 0.1",
}


@pytest.mark.parametrize("cid", sorted(FAILING))
def test_therapy_claims_the_model_does_not_reproduce(cid):
    res = _res(cid)
    if not res.passed:
        pytest.xfail(f"{cid}: {FAILING[cid]}")
    pytest.fail(f"{cid} passes now: move it to test_therapy_claim_passes and update the README")


def test_thx1_parts_that_hold():
    """Tocilizumab blocks IL-6 classic and trans signaling and spares IL-11; anti-IL-11 and
    anti-IL-11RA block IL-11 and spare IL-6 [94, 127-129, 135-138]."""
    o = _res("THx-1").observed
    assert o["tocilizumab_IL6_kept"] <= 0.30 and o["tocilizumab_IL6_trans_kept"] <= 0.30
    assert o["tocilizumab_IL11_kept"] >= 0.80
    for drug in ("anti-IL-11", "anti-IL-11RA"):
        assert o[f"{drug}_IL11_kept"] <= 0.30 and o[f"{drug}_IL6_kept"] >= 0.80


def test_thx2_tnbc_half():
    o = _res("THx-2").observed
    for drug in ("siltuximab", "clazakizumab"):
        assert o[f"tnbc_{drug}_pSTAT3_drop"] >= 0.30 and o[f"tnbc_{drug}_volume_drop"] >= 0.10
        assert o[f"tnbc_{drug}_SOCS3_drop"] > 0 and o[f"tnbc_{drug}_IL6ST_drop"] > 0


def test_thx7_parts_that_hold():
    """LLY17 and TTI-101 at 3× cellular potency cut proliferation ≥ 30 % and raise apoptosis
    ≥ 1.3× [116]; STAT3 + STAT1 inhibition lowers PD-L1 ≥ 20 % more than STAT3 alone [118]."""
    o = _res("THx-7").observed
    for drug in ("LLY17", "TTI-101"):
        assert o[f"{drug}_proliferation_drop"] >= 0.30 and o[f"{drug}_apoptosis_fold"] >= 1.3
    assert o["PDL1_extra_drop_with_STAT1"] >= 0.20


def test_thx10_combination_beats_either_alone_on_volume():
    """Fulvestrant (antagonism + ERα degradation) + tocilizumab: tumor volume at day 180
    ≥ 10 % smaller than each alone [94] (the molecular part of THx-10 does not hold)."""
    o = _res("THx-10").observed
    assert o["volume_vs_endocrine"] <= -0.10 and o["volume_vs_tocilizumab"] <= -0.10


def test_thx11_jak2_gli1_inhibitions_interact_positively():
    """The STAT3 + GLI1 growth program makes JAK2 + GLI1 inhibition more than Bliss-additive
    [43], if not by the claim's 0.1."""
    o = _res("THx-11").observed
    assert o["inhibition_JAK"] > 0.05 and o["inhibition_GLI1"] > 0.05 and o["bliss_excess"] > 0


def test_thx11_anti_pdl1_raises_cd8_density_over_galunisertib_alone():
    """Atezolizumab keeps effectors from exhausting and exhausted CD8+ are cleared faster
    (QSP-IO k_cell_clear), so the combination has ≥ 20 % more CD8+ per mL than
    galunisertib alone (the half of THx-11's CD8+ part that holds)."""
    assert _res("THx-11").observed["CD8_gain_vs_galunisertib"] >= 0.20
