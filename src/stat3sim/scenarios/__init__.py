"""Scenario files: YAML declarations of a tumor-microenvironment simulation.

``load_scenario("tnbc")`` reads a shipped scenario (``data/<name>.yaml``) or a user's
file; ``validate(scenario, vocab)`` checks its names against the built model.
"""
from .loader import list_scenarios, load_scenario, parse_concentration, parse_knockout, validate
from .schema import Arm, Scenario, ScenarioError, Stimulus, Vocabulary

__all__ = ["Scenario", "Arm", "Stimulus", "Vocabulary", "ScenarioError", "load_scenario",
           "list_scenarios", "validate", "parse_knockout", "parse_concentration"]
