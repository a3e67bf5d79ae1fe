"""The explorer's HTTP server: the standard library's ``ThreadingHTTPServer``, a JSON API and
one static page (``static/``: HTML, CSS and a script that draws its charts as inline SVG;
nothing is loaded from elsewhere).

Routes (anything else is 404; a method other than GET or POST is 405)::

    GET  /                                 the page (also /app.js, /app.css)
    GET  /api/options                      scenarios, subtypes, drugs, presets, parameters, limits
    POST /api/runs                         {"scenario": …, "arms": […], …} -> 202 {"id": …} (api.check_run)
    GET  /api/runs/<id>                    state, progress, arms, warnings, file links
    GET  /api/runs/<id>/series             the drawn readouts of the arms finished so far
    GET  /api/runs/<id>/timecourses.csv    every arm's time course (download)
    POST /api/runs/<id>/report             make the report (queued; "report" in the run's state says when)
    GET  /api/runs/<id>/report.html        the report `stat3sim run` writes (?download=1: as a file)

Every error is JSON, ``{"error": "<field>: <message>", "field": …}``, with a 4xx status for a
bad request (400 malformed or out of bounds, 403 a foreign Host header, 404 unknown,
405 method, 409 not ready, 411 no length, 413 too large, 415 not JSON, 429 queue full); the server goes on.
A request body is at most ``MAX_BODY`` bytes and must arrive within ``REQUEST_TIMEOUT_S``.

Bound to 127.0.0.1 by default; then only requests whose Host header names the loopback
address or ``localhost`` are answered (a web page elsewhere cannot reach the server
through DNS rebinding), and a POST must be ``application/json`` (a cross-site form
cannot send it).
"""
from __future__ import annotations

import ipaddress
import json
import re
import socket
import sys
import threading
import traceback
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from . import api
from .jobs import JOB_ID, Jobs

#: the largest request body accepted (bytes)
MAX_BODY = 16 * 1024
#: seconds a client may take to send a request (a stalled one is disconnected)
REQUEST_TIMEOUT_S = 20
#: the static files, by URL path: (file in ``static/``, content type)
STATIC = {"/": ("index.html", "text/html; charset=utf-8"), "/index.html": ("index.html", "text/html; charset=utf-8"),
          "/app.js": ("app.js", "text/javascript; charset=utf-8"), "/app.css": ("app.css", "text/css; charset=utf-8")}
#: the page may load only its own script and style; charts are inline SVG
PAGE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
#: the report is one self-contained file: inline CSS, base64 PNGs, no script
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"
_RUN = re.compile(rf"^/api/runs/({JOB_ID})(?:/(series|timecourses\.csv|report\.html))?$")
_REPORT = re.compile(rf"^/api/runs/({JOB_ID})/report$")


def _static_files() -> dict[str, bytes]:
    root = resources.files(__package__) / "static"
    return {name: (root / name).read_bytes() for name, _ in set(STATIC.values())}


class ExplorerServer(ThreadingHTTPServer):
    """A ``ThreadingHTTPServer`` with the explorer's jobs, static files and allowed hosts."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], jobs: Jobs | None = None, quiet: bool = True):
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.jobs = None  # made once the address is bound (a failed bind leaves no worker or folder)
        super().__init__(address, Handler)
        self.jobs = jobs if jobs is not None else Jobs()
        self.quiet = quiet
        self.static = _static_files()
        host, port = self.server_address[:2]
        self.loopback_only = _is_loopback(host)
        self.allowed_hosts = {f"{h}:{port}" for h in ("127.0.0.1", "localhost", "[::1]")} | \
                             ({"127.0.0.1", "localhost", "[::1]"} if port == 80 else set())

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        host = f"[{host}]" if ":" in host else host
        return f"http://{'127.0.0.1' if host in ('0.0.0.0', '[::]') else host}:{port}/"

    def server_close(self) -> None:
        super().server_close()
        if self.jobs is not None:
            self.jobs.close()


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


class Handler(BaseHTTPRequestHandler):
    server: ExplorerServer
    server_version = "stat3sim-serve"
    sys_version = ""
    protocol_version = "HTTP/1.1"
    timeout = REQUEST_TIMEOUT_S

    # ----------------------------------------------------------- responses
    def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("X-Frame-Options", "DENY")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, obj: Any, headers: dict[str, str] | None = None) -> None:
        body = json.dumps(obj, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")
        self._send(status, body, "application/json; charset=utf-8", headers)

    def _error(self, e: api.RequestError) -> None:
        self._json(e.status, e.as_dict())

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own errors (a malformed request line, headers too long, an
        unsupported method, an unknown HTTP version) as JSON with a 4xx status; an
        unsupported method is 405."""
        if code == HTTPStatus.NOT_IMPLEMENTED:
            code, message = HTTPStatus.METHOD_NOT_ALLOWED, f"method {self.command!r} not allowed; use GET or POST"
        elif code == HTTPStatus.HTTP_VERSION_NOT_SUPPORTED:  # a client's error: 400, not 5xx
            code = HTTPStatus.BAD_REQUEST
        if getattr(self, "request_version", "HTTP/0.9") == "HTTP/0.9":
            self.request_version = "HTTP/1.0"  # never answer HTTP/0.9 style (a reply without a status line)
        self.close_connection = True
        try:
            phrase = HTTPStatus(code).phrase
        except ValueError:
            phrase = "error"
        body = json.dumps({"error": f"request: {message or phrase}", "field": "request"}).encode("utf-8")
        try:
            self.send_response(code, message)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            if code == HTTPStatus.METHOD_NOT_ALLOWED:
                self.send_header("Allow", "GET, POST")
            self.end_headers()
            if self.command != "HEAD" and code >= 200 and code not in (204, 304):
                self.wfile.write(body)
        except OSError:
            pass

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 — http.server's name
        if not self.server.quiet:
            super().log_message(format, *args)

    # -------------------------------------------------------------- checks
    def _check_host(self) -> None:
        if not self.server.loopback_only:
            return
        host = (self.headers.get("Host") or "").strip().lower()
        if host not in self.server.allowed_hosts:
            raise api.RequestError("Host", f"{host[:80]!r} is not this server; open {self.server.url}", 403)

    def _body(self) -> Any:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            raise api.RequestError("Content-Length", "chunked bodies are not accepted; send a Content-Length", 411)
        length = self.headers.get("Content-Length")
        if length is None:
            raise api.RequestError("Content-Length", "required", 411)
        if not length.strip().isdigit():
            raise api.RequestError("Content-Length", f"must be a whole number of bytes, got {length[:40]!r}")
        n = int(length)
        if n > MAX_BODY:
            raise api.RequestError("body", f"{n} bytes is too large; at most {MAX_BODY}", 413)
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype != "application/json":
            raise api.RequestError("Content-Type", f"must be application/json, got {ctype[:60] or '(none)'!r}", 415)
        raw = self.rfile.read(n)
        if len(raw) < n:
            raise api.RequestError("body", f"ended after {len(raw)} of {n} bytes")

        def no_constants(name: str):
            raise api.RequestError("body", f"{name} is not a number JSON allows; give finite numbers")

        try:
            return json.loads(raw.decode("utf-8"), parse_constant=no_constants)
        except api.RequestError:
            raise
        except UnicodeDecodeError:
            raise api.RequestError("body", "is not UTF-8 text") from None
        except (ValueError, RecursionError) as e:
            raise api.RequestError("body", f"is not valid JSON ({' '.join(str(e).split())[:120]})") from None

    # -------------------------------------------------------------- routes
    def do_GET(self) -> None:  # noqa: N802 — http.server's name
        self._handle(self._get)

    def do_HEAD(self) -> None:  # noqa: N802
        self._handle(self._get)

    def do_POST(self) -> None:  # noqa: N802
        self._handle(self._post)

    def _not_allowed(self) -> None:
        self._handle(lambda parts: (_ for _ in ()).throw(
            api.RequestError("method", f"{self.command} is not allowed; use GET or POST", 405)))

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_TRACE = do_CONNECT = _not_allowed  # noqa: N815

    def _handle(self, route) -> None:
        try:
            self._check_host()
            parts = urlsplit(self.path)
            if not self.path.startswith("/"):
                raise api.RequestError("path", "must start with /", 400)
            route(parts)
        except api.RequestError as e:
            if e.status >= 400 and self.command == "POST":
                self.close_connection = True  # the body may not have been read
            self._json(e.status, e.as_dict(), {"Allow": "GET, POST"} if e.status == 405 else None)
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            self.close_connection = True
        except Exception as e:  # noqa: BLE001 — one request fails, the server goes on
            print(f"stat3sim serve: internal error on {self.command} {self.path[:200]}: {type(e).__name__}: {e}",
                  file=sys.stderr)
            traceback.print_exc(file=sys.stderr)
            self.close_connection = True
            try:
                self._json(500, {"error": f"internal error: {type(e).__name__}", "field": "server"})
            except OSError:
                pass

    def _get(self, parts) -> None:
        path = parts.path
        if path in STATIC:
            name, ctype = STATIC[path]
            self._send(200, self.server.static[name], ctype,
                       {"Content-Security-Policy": PAGE_CSP} if name.endswith(".html") else None)
            return
        if path == "/api/options":
            self._json(200, api.options())
            return
        if path == "/api/health":
            self._json(200, {"ok": True})
            return
        m = _RUN.match(path)
        if not m:
            raise api.RequestError("path", f"no such page {path[:80]!r}", 404)
        job = self.server.jobs.get(m[1])
        what = m[2]
        if what is None:
            self._json(200, job.status())
            return
        if what == "series":
            self._json(200, job.series_of())
            return
        if what not in job.files:  # not written yet (or failed)
            raise api.RequestError("run", f"{what} of run {job.id} is not ready (state: {job.state})", 409)
        data = Path(job.dir, what).read_bytes()
        name = f"stat3sim-{job.spec.request['scenario']}-{job.id}-{what}"
        download = parse_qs(parts.query).get("download", ["0"])[-1] == "1"
        if what.endswith(".csv"):
            self._send(200, data, "text/csv; charset=utf-8",
                       {"Content-Disposition": f'attachment; filename="{name}"'})
        else:
            self._send(200, data, "text/html; charset=utf-8",
                       {"Content-Security-Policy": REPORT_CSP,
                        **({"Content-Disposition": f'attachment; filename="{name}"'} if download else {})})

    def _post(self, parts) -> None:
        m = _REPORT.match(parts.path)
        if m:
            job = self.server.jobs.request_report(self.server.jobs.get(m[1]))
            self._json(202, job.status())
            return
        if parts.path != "/api/runs":
            raise api.RequestError("path", f"no such endpoint {parts.path[:80]!r}; POST /api/runs starts a run", 404)
        spec = api.check_run(self._body())
        job = self.server.jobs.submit(spec)
        self._json(202, {"id": job.id, "status": f"/api/runs/{job.id}"}, {"Location": f"/api/runs/{job.id}"})


def make_server(host: str = "127.0.0.1", port: int = 8765, *, jobs: Jobs | None = None,
                quiet: bool = True) -> ExplorerServer:
    """A server bound to ``host``:``port`` (0: a free port; see ``server.url``), not yet serving."""
    return ExplorerServer((host, port), jobs=jobs, quiet=quiet)


def serve_in_thread(server: ExplorerServer) -> threading.Thread:
    """``server.serve_forever()`` in a daemon thread (tests, notebooks); stop with
    ``server.shutdown(); server.server_close()``."""
    t = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, name="stat3sim-serve",
                         daemon=True)
    t.start()
    return t


__all__ = ["ExplorerServer", "Handler", "MAX_BODY", "REQUEST_TIMEOUT_S", "make_server", "serve_in_thread"]
