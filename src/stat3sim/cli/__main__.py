"""``python -m stat3sim.cli``: the same as the ``stat3sim`` script (the tests run it so)."""
from . import main

main()
