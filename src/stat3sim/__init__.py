"""stat3sim — a mechanistic, multiscale simulator of STAT3 signaling in breast cancer.

Public API::

    from stat3sim import signaling_network, Simulator, simulate, to_sbml
    net = signaling_network("tumor").with_stimulus({"IL6": 1.0})   # nM
    res = simulate(net, t_end=240)                                  # minutes
    res.peak("tumor.pSTAT3")
"""
__version__ = "0.1.0"

# The public names load on first use (PEP 562): ``import stat3sim`` (and the CLI's
# ``--help`` and argument errors) does not pay for libRoadRunner, libSBML and pandas.
_LAZY = {**{n: "engine" for n in ("Results", "Simulator", "simulate", "to_antimony", "to_sbml",
                                    "validation_errors")},
         **{n: "model" for n in ("CELL_TYPES", "Evidence", "Network", "NetworkBuilder", "NetworkError", "Parameter",
                                 "Reaction", "Species", "signaling_network")}}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'stat3sim' has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *_LAZY])

__all__ = ["CELL_TYPES", "Evidence", "Network", "NetworkBuilder", "NetworkError", "Parameter", "Reaction",
           "Results", "Simulator", "Species", "signaling_network", "simulate", "to_antimony", "to_sbml",
           "validation_errors", "__version__"]
