"""PEtab (v1) problems simulated with stat3sim's libRoadRunner engine.

* ``problem.py`` — read and validate a problem with the ``petab`` package (its
  messages, with file and row); the parameter values to simulate it at.
* ``simulate.py`` — :class:`PetabSimulator`: conditions, pre-equilibration, events,
  observables and noise formulas; the simulation table.
* ``likelihood.py`` — the negative log-likelihood of the measurements.

``stat3sim simulate --petab PROBLEM.yaml --out sim.tsv`` (``cli/petab.py``) uses them;
docs/petab.md says how and how well it reproduces the PEtab benchmark collection.
"""
from __future__ import annotations

from .likelihood import negative_log_likelihood
from .problem import PetabInputError, Problem, load_problem, parameter_values
from .simulate import PetabSimulator, Simulation

__all__ = ["PetabInputError", "Problem", "load_problem", "parameter_values", "PetabSimulator", "Simulation",
           "negative_log_likelihood", "simulate_problem"]


def simulate_problem(yaml_path, parameters=None):
    """(problem, simulation, nllh, chi²) of a PEtab problem at its nominal parameters
    (or those of the table ``parameters``)."""
    problem = load_problem(yaml_path)
    values = parameter_values(problem, parameters)
    sim = PetabSimulator(problem).simulate(values)
    nllh, chi2 = negative_log_likelihood(problem.measurement_df, problem.observable_df,
                                         sim.table["simulation"].to_numpy(float), sim.sigma)
    return problem, sim, nllh, chi2
