"""``serve``: the browser explorer (:mod:`stat3sim.serve`) on a local port.

What belongs here: checking ``--port`` and ``--host``, binding, and the console lines;
the app itself (its API, limits, worker and page) lives in ``stat3sim/serve/``.

Examples::

    stat3sim serve                       # http://127.0.0.1:8765/
    stat3sim serve --port 0              # a free port, printed
    stat3sim serve --host 0.0.0.0 --port 8080   # reachable from the network (a warning says so)
"""
from __future__ import annotations

import ipaddress
import signal
import socket
import sys

import typer

from . import app
from ._common import bad, fail, warn

#: the default port
DEFAULT_PORT = 8765


def check_port(port: int, option: str = "--port") -> int:
    if not 0 <= port <= 65535:
        bad(option, f"must be a port number from 0 to 65535 (0: any free port), got {port}")
    return int(port)


def check_host(host: str, option: str = "--host") -> str:
    """An IP address or a host name this machine can bind (no scheme, port or path)."""
    text = host.strip()
    if not text or any(c in text for c in "/ ?#@") or text.count(":") == 1:
        bad(option, f"must be an IP address or host name to listen on (e.g. 127.0.0.1, 0.0.0.0, ::1), got {host!r}")
    try:
        ipaddress.ip_address(text.strip("[]"))
        return text.strip("[]")
    except ValueError:
        pass
    try:
        socket.getaddrinfo(text, None)
    except OSError:
        bad(option, f"cannot resolve {host!r}; give an IP address such as 127.0.0.1")
    return text


@app.command()
def serve(
    port: int = typer.Option(DEFAULT_PORT, "--port", "-p", help="port to listen on (0: any free port)"),
    host: str = typer.Option("127.0.0.1", "--host",
                             help="address to listen on; the default answers this machine only (0.0.0.0: every "
                                  "network interface, anyone who can reach it can run simulations)"),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="log every request on stderr"),
) -> None:
    """Open the browser explorer: pick a scenario, subtype, days and treated arms (catalog drugs and doses),
    see tumor growth, pSTAT3 per cell type, serum cytokines and drug concentrations, download the CSV and
    the report. Ctrl-C stops it."""
    port = check_port(port)
    host = check_host(host)
    from ..serve.server import _is_loopback, make_server

    try:
        server = make_server(host, port, quiet=not verbose)
    except OSError as e:
        fail(f"cannot listen on {host}:{port}: {e.strerror or e}")
    if not _is_loopback(host):
        warn(f"listening on {host}: anyone who can reach port {server.server_address[1]} can run simulations here")
    print(f"stat3sim explorer on {server.url} (Ctrl-C stops it)", flush=True)

    def stop(signum, frame):  # SIGTERM stops it as Ctrl-C does: the worker and the run files go too
        raise KeyboardInterrupt

    # SIGINT too, explicitly: a process started from a non-interactive shell's background job
    # inherits SIGINT ignored, and Python then installs no KeyboardInterrupt for it
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever(poll_interval=0.25)
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
    finally:
        server.server_close()
