"""Headless Debian Chromium for tests: dump a page's DOM after its scripts ran, or screenshot it.

Usage from a test (mark it ``@pytest.mark.browser``)::

    from tests.browser import Browser, require_chromium
    browser = Browser(require_chromium(), tmp_path)
    dom = browser.dump_dom(tmp_path / "page.html")
    browser.screenshot(tmp_path / "page.html", tmp_path / "page.png")

Network use is switched off where Chromium allows it; pages are loaded from file:// or a local
server. ``probe`` runs a test script inside a copy of a page (with the page's CSP nonce) and
returns what it wrote, so tests can assert on computed styles, i.e. on what a reader sees.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from html import unescape
from pathlib import Path
from typing import Any

import pytest

CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
)
PROBE_ID = "spinlens-test-probe"


def find_chromium() -> str | None:
    explicit = os.environ.get("SPINLENS_CHROMIUM")
    if explicit:
        return explicit
    return next((p for p in map(shutil.which, CANDIDATES) if p), None)


def require_chromium() -> str:
    """Chromium's path; skips the test when it is absent (fails under CI=true)."""
    path = find_chromium()
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is required under CI=true but was not found")
        pytest.skip("headless chromium not installed")
    return path


class Browser:
    """One Chromium binary with a throwaway profile under ``workdir``."""

    def __init__(self, binary: str, workdir: Path, timeout: float = 60.0) -> None:
        self.binary = binary
        self.profile = workdir / "chromium-profile"
        self.profile.mkdir(parents=True, exist_ok=True)
        self.timeout = timeout

    def _run(self, *args: str) -> str:
        command = [self.binary, *FLAGS, f"--user-data-dir={self.profile}", *args]
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=self.timeout, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"chromium exited {done.returncode}: {done.stderr[-2000:]}")
        return done.stdout

    def dump_dom(self, target: Path | str, *, budget_ms: int = 5000) -> str:
        """The serialized DOM after the page's scripts ran."""
        url = target.as_uri() if isinstance(target, Path) else target
        return self._run(f"--virtual-time-budget={budget_ms}", "--dump-dom", url)

    def screenshot(
        self, target: Path | str, out: Path, *, width: int = 1280, height: int = 2400
    ) -> Path:
        url = target.as_uri() if isinstance(target, Path) else target
        # The virtual-time budget makes Chromium wait for layout and scripts before the shot,
        # which matters on a loaded machine.
        self._run(
            f"--window-size={width},{height}",
            "--virtual-time-budget=5000",
            f"--screenshot={out}",
            url,
        )
        if not out.is_file():
            raise RuntimeError(f"chromium wrote no screenshot at {out}")
        return out

    def probe(self, page: Path, script: str, *, width: int | None = None) -> Any:
        """Run ``script`` (JS whose last statement returns a value) in a copy of ``page``.

        The script's JSON result is written into a ``<pre>`` and read back from the dumped DOM.
        With ``width``, the page is shown in a frame that wide (900 px high): Chromium's
        window is never narrower than 500 px, and phone widths matter.
        """
        html = page.read_text(encoding="utf-8")
        nonce = re.search(r"nonce-([A-Za-z0-9_\-]+)", html)
        attr = f' nonce="{nonce.group(1)}"' if nonce else ""
        wrapped = (
            f"<script{attr}>window.addEventListener('load', function () {{"
            f"var out = document.createElement('pre'); out.id = '{PROBE_ID}';"
            f"out.textContent = JSON.stringify((function () {{ {script} }})());"
            f"document.body.appendChild(out); }});</script>"
        )
        copy = page.with_name(f"probe-{page.name}")
        copy.write_text(html.replace("</body>", wrapped + "</body>"), encoding="utf-8")
        dom = self.dump_dom(copy) if width is None else self._framed(copy, width)
        found = re.search(rf'<pre id="{PROBE_ID}">(.*?)</pre>', dom, re.S)
        if found is None:
            raise RuntimeError("the probe script wrote nothing (script error or CSP block)")
        return json.loads(unescape(found.group(1)))

    def _framed(self, page: Path, width: int) -> str:
        """The DOM of a page holding ``page`` in a ``width`` px frame, with the probe's result
        copied out of the frame (file:// frames may read each other only with the flag)."""
        frame = page.with_name(f"frame-{page.name}")
        frame.write_text(
            '<!DOCTYPE html><html><body style="margin:0">'
            f'<iframe id="f" src="{page.name}" width="{width}" height="900" style="border:0">'
            "</iframe><script>window.addEventListener('load', function () {"
            f"var out = document.createElement('pre'); out.id = '{PROBE_ID}';"
            "var doc = document.getElementById('f').contentDocument;"
            f"var inner = doc && doc.getElementById('{PROBE_ID}');"
            "if (inner) { out.textContent = inner.textContent; document.body.appendChild(out); }"
            "});</script></body></html>",
            encoding="utf-8",
        )
        return self._run(
            "--allow-file-access-from-files",
            f"--window-size={max(width, 500) + 100},1000",
            "--virtual-time-budget=5000",
            "--dump-dom",
            frame.as_uri(),
        )
