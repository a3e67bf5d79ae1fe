"""stat3sim — a mechanistic, multiscale simulator of STAT3 signaling in breast cancer.

Public API::

    from stat3sim import signaling_network, Simulator, simulate, to_sbml
    net = signaling_network("tumor").with_stimulus({"IL6": 1.0})   # nM
    res = simulate(net, t_end=240)                                  # minutes
    res.peak("tumor.pSTAT3")
"""
from .engine import Results, Simulator, simulate, to_antimony, to_sbml, validation_errors
from .model import (CELL_TYPES, Evidence, Network, NetworkBuilder, NetworkError, Parameter, Reaction,
                    Species, signaling_network)

__version__ = "0.1.0"

__all__ = ["CELL_TYPES", "Evidence", "Network", "NetworkBuilder", "NetworkError", "Parameter", "Reaction",
           "Results", "Simulator", "Species", "signaling_network", "simulate", "to_antimony", "to_sbml",
           "validation_errors", "__version__"]
