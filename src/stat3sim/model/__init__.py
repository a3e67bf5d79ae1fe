"""Model definition layer."""
from .network import (Compartment, Event, Evidence, Gene, Network, NetworkBuilder, NetworkError,
                      Observable, Parameter, Reaction, Species)
from .cells import CELL_TYPES, cell_type
from .signaling import signaling_network

__all__ = ["Compartment", "Event", "Evidence", "Gene", "Network", "NetworkBuilder", "NetworkError",
           "Observable", "Parameter", "Reaction", "Species", "CELL_TYPES", "cell_type", "signaling_network"]
