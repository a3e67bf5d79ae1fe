"""The on-disk cache of compiled models under concurrent use: processes that compile the
same structure with different parameter values at the same moment, into one empty cache,
each get their own numbers, and so do later processes that load what they stored."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
# the IL6R level enters an initial assignment (receptor number), the STAT3 level two: a
# model loaded from the cache must recompute them for this process's values
CODE = """
import json, sys
from stat3sim import signaling_network, Simulator
lvl = float(sys.argv[1])
net = signaling_network("tumor").with_parameters({"tumor__lvl_IL6R": lvl, "tumor__lvl_STAT3": lvl})
sim = Simulator.for_network(net)
res = sim.run(net.with_stimulus({"IL6": 1.0}), t_end=120)
print(json.dumps({"origin": sim.origin, "peak": res.peak("tumor.pSTAT3")}))
"""


def _start(level: float, cache: str) -> subprocess.Popen:
    env = dict(os.environ, STAT3SIM_CACHE=cache, PYTHONPATH=f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}")
    return subprocess.Popen([sys.executable, "-c", CODE, str(level)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)


def _result(p: subprocess.Popen) -> dict:
    out, err = p.communicate(timeout=600)
    assert p.returncode == 0, err[-2000:]
    return json.loads(out.strip().splitlines()[-1])


def test_concurrent_writers_and_later_readers_get_their_own_numbers(tmp_path):
    levels = (0.5, 2.0)
    truth = {lv: _result(_start(lv, "off"))["peak"] for lv in levels}  # no cache at all
    assert abs(truth[0.5] - truth[2.0]) > 1e-3 * truth[2.0]  # the levels change the answer
    cache = str(tmp_path / "cache")
    first = {lv: _start(lv, cache) for lv in levels}  # both compile at once
    got = {lv: _result(p) for lv, p in first.items()}
    later = {lv: _result(_start(lv, cache)) for lv in reversed(levels)}  # load what one of them stored
    assert all(r["origin"] == "disk cache" for r in later.values()), later
    for lv in levels:
        assert abs(got[lv]["peak"] - truth[lv]) <= 1e-9 * abs(truth[lv]), (lv, got[lv], truth[lv])
        assert abs(later[lv]["peak"] - truth[lv]) <= 1e-9 * abs(truth[lv]), (lv, later[lv], truth[lv])
    assert len(list((tmp_path / "cache" / "models").glob("*.rrstate"))) == 1  # one structure, one file
