"""Exchange with other tools: COMBINE archives (:mod:`stat3sim.interop.omex`)."""
