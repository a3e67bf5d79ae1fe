"""``stat3sim serve``: a small web app to explore the TME model in a browser.

Pick a shipped scenario, a subtype, the days, and up to six treated arms of catalog
drugs (each at a dose on its standard schedule, or as a constant exposure for a drug
without human PK); see tumor growth, pSTAT3 per cell type, serum cytokines and drug
concentrations as each arm finishes; download the time courses (CSV) and the report
``stat3sim run`` writes.

* :mod:`.api` — the choices offered and the check of a run request (only shipped names,
  catalog drugs, model parameter ids and bounded numbers are accepted);
* :mod:`.jobs` — the queue, the worker process that runs each arm through
  :mod:`stat3sim.runs`, progress, and the files of each run;
* :mod:`.server` — the HTTP server (standard library), its routes and its defences;
* ``static/`` — the page: HTML, CSS, and a script that draws the charts as inline SVG.

>>> from stat3sim.serve import make_server, serve_in_thread       # doctest: +SKIP
>>> server = make_server(port=0); serve_in_thread(server); server.url  # doctest: +SKIP
'http://127.0.0.1:40123/'
"""
from .api import RequestError, check_run, options
from .jobs import Jobs
from .server import ExplorerServer, make_server, serve_in_thread

__all__ = ["ExplorerServer", "Jobs", "RequestError", "check_run", "make_server", "options", "serve_in_thread"]
