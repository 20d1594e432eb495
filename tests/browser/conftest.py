"""Fixtures of the browser tests: a JupyterLab on copies of the notebooks, and Chromium.

Screenshots of failed tests go to ``$COURSE_BROWSER_ARTIFACTS`` (default: a folder
``course-browser-artifacts`` in the system's temporary directory), never into the
repository.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from lab_server import (
    CHROMIUM,
    CHROMIUM_ARGS,
    BrowserErrors,
    chromium_available,
    new_page,
    start_lab,
)

REPO = Path(__file__).resolve().parents[2]
#: The notebooks that hold a widget (03 gets its drawing cell from the header tool).
WIDGET_NOTEBOOKS = ("01_exploring_mnist.ipynb", "03_backprop_from_scratch.ipynb",
                    "04_training_dynamics_and_debugging.ipynb")
ARTIFACTS = Path(os.environ.get("COURSE_BROWSER_ARTIFACTS",
                                Path(tempfile.gettempdir()) / "course-browser-artifacts"))


def _require_browser() -> None:
    reason = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        reason = "playwright is not installed (pip install -r requirements.txt)"
    if reason is None and not chromium_available():
        reason = f"no Chromium at {CHROMIUM} (Debian/Ubuntu: sudo apt-get install chromium)"
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser tests, but {reason}")
        pytest.skip(reason)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture(scope="session")
def workspace(tmp_path_factory) -> Path:
    """A folder with copies of the widget notebooks, headers and drawing cell applied."""
    _require_browser()
    root = tmp_path_factory.mktemp("lab-root")
    (root / "notebooks").mkdir()
    copies = [shutil.copy(REPO / "notebooks" / name, root / "notebooks") for name in
              WIDGET_NOTEBOOKS]
    subprocess.run([sys.executable, str(REPO / ".ci" / "notebook_header.py"), *map(str, copies)],
                   check=True, capture_output=True)
    return root


@pytest.fixture(scope="session")
def lab(workspace, tmp_path_factory):
    server = start_lab(workspace, tmp_path_factory.mktemp("lab-state"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def chromium():
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium, lab, request):
    """A fresh browser tab on the test server; screenshot on failure; no JavaScript errors."""
    errors = BrowserErrors()
    context, page = new_page(chromium, lab, errors)
    page.errors = errors
    yield page
    failed = any(getattr(getattr(request.node, f"report_{when}", None), "failed", False)
                 for when in ("setup", "call"))
    if failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shot = ARTIFACTS / f"{request.node.name}.png"
        page.screenshot(path=str(shot), full_page=True)
        print(f"screenshot of the failure: {shot}")
    context.close()
    assert all("colab" in u or "mybinder" in u for u in errors.external), errors.external
    errors.check()
