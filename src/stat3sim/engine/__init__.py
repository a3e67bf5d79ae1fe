"""Engine: SBML/Antimony export and libRoadRunner simulation."""
from .roadrunner import Results, Simulator, simulate, structure_key
from .sbml import to_antimony, to_sbml, validation_errors

__all__ = ["Results", "Simulator", "simulate", "structure_key", "to_sbml", "to_antimony", "validation_errors"]
