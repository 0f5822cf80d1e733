"""A reader in headless Chromium pastes the seed into the page, submits, and sees the report."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import httpx
import pytest
import uvicorn

from spinlens.serve import ServeConfig, create_app
from tests.browser import Browser, require_chromium
from tests.conftest import SEED

pytestmark = pytest.mark.browser

# Runs in the served page: fill the real form as a reader would and submit it.
FILL_AND_SUBMIT = """
window.addEventListener('load', function () {
  var form = document.getElementById('analyze-form');
  document.getElementById('text').value = %s;
  form.requestSubmit();
});
"""


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """The default analyzers behind a real uvicorn on a free loopback port."""
    app = create_app(config=ServeConfig(token=None))
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="error")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not instance.started and time.monotonic() < deadline:
        time.sleep(0.05)
    port = instance.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}/"
    instance.should_exit = True
    thread.join(10)


def test_paste_submit_and_see_verdict_and_highlights(server: str, tmp_path: Path) -> None:
    browser = Browser(require_chromium(), tmp_path, timeout=120)
    page = httpx.get(server).text
    seed = SEED.read_text(encoding="utf-8")
    # A local copy of the served page, based at the server so the form posts there, with the
    # reader's actions added; the report the server answers gets the visibility probe.
    script = FILL_AND_SUBMIT % json.dumps(seed)
    harness = page.replace("<head>", f'<head><base href="{server}">', 1).replace(
        "</body>", f"<script>{script}</script></body>", 1
    )
    (tmp_path / "page.html").write_text(harness, encoding="utf-8")
    dom = browser.dump_dom(tmp_path / "page.html", budget_ms=60000)
    assert 'id="analyze-form"' not in dom, "the browser did not leave the form"
    verdict = re.search(r'class="badge[^"]*" data-verdict="([^"]+)"', dom)
    assert verdict is not None, "no verdict in the report the browser shows"
    assert verdict.group(1) in {"unreliable", "mixed"}
    marks = [unescape(m) for m in re.findall(r'<mark [^>]*class="hl"[^>]*>(.*?)</mark>', dom, re.S)]
    assert any("Israeli-backed" in m for m in marks), "the inserted phrase is not highlighted"
