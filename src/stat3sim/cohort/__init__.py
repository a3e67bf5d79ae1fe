"""Virtual patients at scale: populations (``population``), burn-in to diagnosis
(``burnin``), cohorts on Dask with Parquet parts and resume (``runner``), the report.

>>> from stat3sim.cohort import prepare, read_results        # doctest: +SKIP
``stat3sim cohort --scenario tnbc --n 200 --seed 1 --out results/cohort`` is the command.
"""
from .burnin import BurnIn, BurninCache, burn_in
from .population import Distribution, PopulationError, load_distributions, plausible_ranges, sample
from .runner import (ArmPlan, CohortError, CohortPlan, connect, disconnect, execute, finish, prepare,
                     read_results, run_patient, session)

__all__ = ["ArmPlan", "BurnIn", "BurninCache", "CohortError", "CohortPlan", "Distribution", "PopulationError",
           "burn_in", "connect", "disconnect", "execute", "finish", "load_distributions", "plausible_ranges", "prepare",
           "read_results", "run_patient", "sample", "session"]
