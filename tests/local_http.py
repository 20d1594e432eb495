"""Test helpers: a real HTTP server on 127.0.0.1 whose misbehaviour each test scripts,
and a guard that makes any attempt to reach another host fail loudly."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


@dataclass
class Route:
    """What the server answers for one path.

    body: the bytes announced in Content-Length and (unless cut) sent.
    cut_after: send only this many bytes of ``body``, then close the connection.
    hang: wait for this event before answering (to make the client time out).
    trickle: send ``body`` one 100-byte piece at a time, this many seconds apart (a mirror
        that is alive but far too slow).
    content_length: announce ``len(body)`` in a Content-Length header (otherwise the end of
        the body is the end of the connection).
    """

    body: bytes = b""
    cut_after: int | None = None
    hang: threading.Event | None = None
    trickle: float | None = None
    content_length: bool = True


@dataclass
class LocalServer:
    """Serves ``routes`` (path -> Route); any other path is a 404. Records every request."""

    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)

    def start(self) -> LocalServer:
        server_state = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - name required by http.server
                server_state.requests.append(self.path)
                route = server_state.routes.get(self.path)
                if route is None:
                    self.send_error(404, "Not Found")
                    return
                if route.hang is not None:
                    route.hang.wait(timeout=10)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                if route.content_length:
                    self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                sent = route.body if route.cut_after is None else route.body[: route.cut_after]
                step = 100 if route.trickle is not None else 1 << 16
                try:
                    for start in range(0, len(sent), step):
                        self.wfile.write(sent[start:start + step])
                        self.wfile.flush()
                        if route.trickle is not None:
                            time.sleep(route.trickle)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up on this response, as it was meant to
                self.close_connection = True

            def log_message(self, *args):
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        for route in self.routes.values():
            if route.hang is not None:
                route.hang.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def mirror(self, name: str) -> str:
        """Base URL of a mirror called ``name`` on this server (files live under /name/)."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/{name}/"

    def serve(self, mirror: str, filename: str, route: Route) -> None:
        self.routes[f"/{mirror}/{filename}"] = route


def forbid_internet(monkeypatch) -> None:
    """Make name lookups of anything but the loopback interface fail, and drop proxies,
    so that a test can never reach the internet even if it is wrong."""
    real_getaddrinfo = socket.getaddrinfo

    def loopback_only(host, *args, **kwargs):
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise OSError(f"test tried to reach {host!r}: tests must stay on 127.0.0.1")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", loopback_only)
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
