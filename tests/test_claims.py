"""Each signaling claim of the review (SIG-1 … SIG-11) passes on default parameters.

The thresholds live in the claims themselves (src/stat3sim/claims/signaling.py) and are
the minima of ../shared/CLAIMS.md; a failure prints what was observed.
"""
import json

import pytest

from stat3sim.claims import REGISTRY, run_claims
from stat3sim.claims.registry import _load

_load()
SIG_IDS = [f"SIG-{i}" for i in range(1, 12)]


def test_all_sig_claims_registered():
    assert set(SIG_IDS) <= set(REGISTRY)


@pytest.mark.parametrize("cid", SIG_IDS)
def test_claim_passes(cid):
    (res,) = run_claims(ids=[cid])
    assert not res.error, res.error
    assert res.passed, f"{cid} failed: observed {json.dumps(res.observed)}; expected {res.expected}"


def test_claim_result_shape():
    (res,) = run_claims(ids=["SIG-1"])
    d = res.as_dict()
    assert set(d) >= {"id", "area", "statement", "refs", "expected", "observed", "passed"}
    assert d["refs"] == [4, 16]
    json.dumps(d)


def test_a_broken_mechanism_fails_its_claim():
    """The checks can fail: without SOCS3 induction the response is not transient (SIG-5)."""
    from stat3sim.claims.registry import Context

    ctx = Context()
    ctx.net = ctx.net.with_parameters({"tumor__A_SOCS3": 0.0})
    _observed, passed = REGISTRY["SIG-5"].check(ctx)
    assert not passed
