"""Limits on what a run accepts, in a module that imports nothing, so the CLI checks its
arguments without loading the engine."""

#: output points per simulated day of ``stat3sim run`` / ``simulate --scenario`` (1 per
#: minute at most)
MAX_POINTS_PER_DAY = 1440
