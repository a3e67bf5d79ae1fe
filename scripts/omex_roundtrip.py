"""The COMBINE round trip of docs/interop.md: ``stat3sim export --omex`` for a scenario, the
archive executed by tellurium's SED-ML runner, compared with ``runs.simulate`` at the
archive's tolerance and at its own default; max |Δ| / range per reported readout.

    python scripts/omex_roundtrip.py [SCENARIO] [DAYS]
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np
from tellurium.sedml.tesedml import executeCombineArchive

from stat3sim import runs
from stat3sim.interop import omex
from stat3sim.scenarios import load_scenario


def main(name: str = "tnbc", days: int = 30) -> None:
    sc = load_scenario(name)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "run.omex"
        omex.write_archive(omex.build_archive(sc, None, days), path)
        (result,) = executeCombineArchive(str(path), printPython=False, createOutputs=False,
                                          saveOutputs=False).values()
    gens = result["dataGenerators"]
    for what, rtol in ((f"runs.simulate, rtol {omex.RTOL:g} (the archive's)", omex.RTOL),
                       ("runs.simulate, default tolerances", None)):
        run = runs.simulate(sc, days=days, readouts=list(omex.READOUTS), rtol=rtol)
        print(what)
        for k, label in enumerate(omex.READOUTS):
            ours = run.frame[label].to_numpy()
            diff = np.max(np.abs(np.ravel(gens[f"readout_{k + 1}"]) - ours)) / (ours.max() - ours.min())
            print(f"  {label}: max |Δ| / range = {diff:.2e}")


if __name__ == "__main__":
    main(*(sys.argv[1:2] or ["tnbc"]), *(int(a) for a in sys.argv[2:3]))
