"""Scenario files: YAML declarations of a tumor-microenvironment simulation.

``load_scenario("tnbc")`` reads a shipped scenario (``data/<name>.yaml``) or a user's
file; ``validate(scenario, vocab)`` checks its names against the built model.
"""
from .loader import list_scenarios, load_scenario, parse_concentration, parse_knockout, validate
from .loader import scenario_text
from .notes import dose_warnings
from .schema import (DEFAULT_MIMIC_FOLD, Arm, Patient, Scenario, ScenarioError, Stimulus, Vocabulary, mir_name,
                     mir_symbol, parse_mimic)

__all__ = ["Scenario", "Arm", "Stimulus", "Patient", "Vocabulary", "ScenarioError", "load_scenario",
           "list_scenarios", "validate", "parse_knockout", "parse_mimic", "parse_concentration", "mir_symbol",
           "mir_name", "DEFAULT_MIMIC_FOLD"]
__all__ += ["dose_warnings", "scenario_text"]
