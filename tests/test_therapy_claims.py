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


@pytest.mark.parametrize("cid", ["THx-3", "THx-4", "THx-5", "THx-12"])
def test_therapy_claim_passes(cid):
    res = _res(cid)
    assert res.passed, f"{cid} failed: observed {json.dumps(res.observed, default=str)}; expected {res.expected}"


FAILING = {
    "THx-1": "bazedoxifene's free trough (~0.07 nM at 20 mg qd, 99 % bound) is 1e5-fold below its ~10 µM "
             "cellular gp130 potency, so it blocks neither IL-6 nor IL-11 at the clinical dose",
    "THx-2": "in er_endocrine_resistant (IL-6 secretion 8× below TNBC) anti-IL-6 lowers tumor pSTAT3 19–29 %, "
             "not 30 %; the TNBC half passes",
    "THx-6": "ruxolitinib's free trough (~2.4 nM) occupies ~1 % of macrophage JAK at 25 mg bid, so COX-2 does not "
             "rise; celecoxib still adds ≥ 10 % to ruxolitinib",
    "THx-7": "tumor proliferation depends little on tumor STAT3 — a tumor STAT3 knock-out cuts it 5.5 % and raises "
             "apoptosis 1.15× (MYC/BCL-xL induction at the TME's tumor pSTAT3 is ~0.2 of maximal); SH2 inhibitors at 3× "
             "potency cut it ~20 %, mostly through the host; pyrimethamine at 50 mg qd is below its assumed 3 µM potency",
    "THx-9": "no adaptive compensation (STAT5, other modifications) is modelled, so a phosphorylation inhibitor "
             "matched at day 1 keeps its target suppression to day 28 as SD-36 does",
    "THx-10": "fulvestrant + tocilizumab is 9 % smaller than fulvestrant alone; pSTAT3/Notch3/CD133 fall < 20 %",
    "THx-11": "galunisertib + atezolizumab does not raise CD8+ T cells over either alone; GLI1 inhibition does "
              "not touch proliferation (GLI1 only co-activates RRAS2/CEP70/UPF3A), so no Bliss excess",
    "THx-13": "curcumin-like inhibition + pembrolizumab is 7 % smaller than pembrolizumab alone",
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


def test_thx9_degrader_half():
    assert _res("THx-9").observed["STAT3_total_drop"] >= 0.80
