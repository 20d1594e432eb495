"""Start and stop a private JupyterLab server for the browser tests, and drive it with Playwright.

The server listens on 127.0.0.1 on a free port with a random token, keeps all of its
state (settings, workspaces, the trust database, runtime files) in a temporary
folder, and is stopped together with every process it started (its kernels).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

#: Debian's chromium; Playwright drives it instead of downloading a browser of its own.
CHROMIUM = os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-dev-shm-usage"]


LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false",
                                                    "checkForUpdates": False},
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LabServer:
    """A running JupyterLab: ``url`` (with no trailing slash), ``token``, its process."""

    process: subprocess.Popen
    url: str
    token: str
    log_path: Path

    def notebook_url(self, relative: str) -> str:
        return f"{self.url}/lab/tree/{relative}?token={self.token}&reset"

    def api(self, path: str):
        request = urllib.request.Request(f"{self.url}/api/{path}",
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        """Stop the server and every process it started (kernels), by PID."""
        stop_process_tree(self.process)


def start_lab(root: Path, state: Path, timeout: float = 120.0) -> LabServer:
    """Start ``jupyter lab`` serving ``root``, with all of its state under ``state``."""
    state.mkdir(parents=True, exist_ok=True)
    # Render every cell (JupyterLab 4 otherwise detaches cells scrolled out of view, and
    # their widgets with them) and never ask anything on the network.
    for plugin, settings in LAB_SETTINGS.items():
        path = state / "settings" / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(settings))
    port, token = free_port(), secrets.token_hex(16)
    env = {**os.environ,
           "JUPYTER_CONFIG_DIR": str(state / "config"), "JUPYTER_DATA_DIR": str(state / "data"),
           "JUPYTER_RUNTIME_DIR": str(state / "runtime"), "IPYTHONDIR": str(state / "ipython"),
           "JUPYTERLAB_SETTINGS_DIR": str(state / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(state / "workspaces"), "JUPYTER_PLATFORM_DIRS": "1"}
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1",
               f"--port={port}", f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={root}", "--ServerApp.port_retries=0",
               "--LabApp.news_url=", "--LabApp.check_for_updates_class="
               "jupyterlab.NeverCheckForUpdate"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # containers and CI run as root; jupyter refuses otherwise
    log_path = state / "server.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=root, env=env, stdout=log,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    server = LabServer(process, f"http://127.0.0.1:{port}", token, log_path)
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"jupyter lab exited with {process.returncode}:\n{server.log()}")
        try:
            server.api("status")
            return server
        except OSError:
            if time.monotonic() > deadline:
                server.stop()
                raise RuntimeError(f"jupyter lab did not answer in {timeout:.0f} s:\n"
                                   f"{server.log()}") from None
            time.sleep(0.3)


def stop_process_tree(process: subprocess.Popen, grace: float = 15.0) -> None:
    """SIGTERM ``process`` (a server shuts its kernels down), then kill whatever is left."""
    import psutil

    try:
        children = psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        children = []
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
    _, alive = psutil.wait_procs(children, timeout=5)
    for child in alive:
        try:
            child.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(alive, timeout=5)


def chromium_available() -> bool:
    return Path(CHROMIUM).is_file() and shutil.which(CHROMIUM) is not None


class BrowserErrors:
    """JavaScript errors and console errors seen by a page, and off-machine requests."""

    def __init__(self):
        self.console: list[str] = []
        self.external: list[str] = []

    def check(self) -> None:
        assert not self.console, "JavaScript errors in the browser:\n" + "\n".join(self.console)


def new_page(browser, server: LabServer, errors: BrowserErrors):
    """A browser context and tab on ``server``; off-machine requests get an empty image."""
    context = browser.new_context(viewport={"width": 1500, "height": 1000})

    def offline(route):
        # The badges' images live on the internet; serve an empty picture instead, so the
        # test runs offline and a failed download is not mistaken for a JavaScript error.
        errors.external.append(route.request.url)
        route.fulfill(status=200, content_type="image/svg+xml",
                      body="<svg xmlns='http://www.w3.org/2000/svg'/>")

    # A regular expression, matched inside the browser driver: a Python predicate would hold
    # every request of the page until the test next calls Playwright.
    context.route(re.compile(r"^(?!" + re.escape(server.url) + r")"), offline)
    page = context.new_page()
    page.on("console", lambda m: errors.console.append(f"console.{m.type}: {m.text}")
            if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.console.append(f"uncaught: {e}"))
    page.set_default_timeout(60_000)
    return context, page


# ---- driving JupyterLab ---------------------------------------------------------------------

ALL_CELLS_RAN = """() => {
    const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
        .map(e => e.innerText.trim());
    return prompts.length > 0 && prompts.every(t => /^\\[\\d+\\]:$/.test(t));
}"""


def open_notebook(page, server: LabServer, relative: str, timeout: float = 120.0) -> None:
    """Open ``relative`` (a path under the server's root) and wait for an idle kernel."""
    page.goto(server.notebook_url(relative))
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=timeout * 1000)
    wait_for_idle_kernel(page, timeout)


def wait_for_idle_kernel(page, timeout: float = 120.0) -> None:
    page.wait_for_function("document.querySelector('.jp-StatusBar-Widget') && "
                           "document.querySelector('.jp-StatusBar-Widget').innerText"
                           ".includes('| Idle')", timeout=timeout * 1000, polling=250)


def run_all_cells(page, timeout: float = 600.0) -> None:
    """Run > Run All Cells, as a student does, and wait until every code cell has run."""
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    page.wait_for_function(ALL_CELLS_RAN, timeout=timeout * 1000, polling=500)
    wait_for_idle_kernel(page, timeout)


def save_notebook(page, path: Path, timeout: float = 120.0) -> float:
    """File > Save Notebook; wait until the file on disk has changed; return the seconds taken."""
    before = path.stat().st_mtime_ns
    start = time.monotonic()
    page.get_by_role("menuitem", name="File", exact=True).click()
    page.get_by_role("menuitem", name=re.compile(r"^Save Notebook")).first.click()
    deadline = time.monotonic() + timeout
    # Wait with page.wait_for_timeout, not time.sleep: Playwright's sync API serves the
    # page's event handlers (console, routes) only while one of its calls is running.
    while path.stat().st_mtime_ns == before:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{path.name} was not saved within {timeout:.0f} s")
        page.wait_for_timeout(200)
    page.wait_for_timeout(500)  # the server writes through a temporary file; let it finish
    return time.monotonic() - start


def cell_with_source(page, text: str):
    """The code cell whose source contains ``text`` (exactly one)."""
    cells = page.locator(".jp-CodeCell").filter(has=page.locator(".jp-InputArea", has_text=text))
    cells.first.wait_for()
    if cells.count() != 1:
        raise AssertionError(f"expected one code cell containing {text!r}, found {cells.count()}")
    return cells.first
