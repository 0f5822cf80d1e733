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
from fastapi.responses import HTMLResponse

from spinlens.serve import ServeConfig, create_app
from tests.browser import Browser, require_chromium
from tests.conftest import SEED

pytestmark = pytest.mark.browser

# Added to a same-origin copy of the page: fill the real form, submit it into an iframe (so the
# dumped document never changes under Chromium), then record what the report shows.
READER = """
<iframe name="result" id="result" style="width:1200px;height:2000px"></iframe>
<script>
window.addEventListener('load', function () {
  var form = document.getElementById('analyze-form');
  var frame = document.getElementById('result');
  document.getElementById('text').value = SEED;
  form.target = 'result';
  frame.addEventListener('load', function () {
    var doc = frame.contentDocument, view = frame.contentWindow;
    function shown(el) {
      var s = view.getComputedStyle(el), r = el.getBoundingClientRect();
      return s.display !== 'none' && s.visibility !== 'hidden' && r.width > 0 && r.height > 0;
    }
    var badge = doc.querySelector('#verdict .badge');
    var marks = Array.prototype.slice.call(doc.querySelectorAll('mark.hl')).filter(shown);
    var out = document.createElement('pre');
    out.id = 'seen';
    out.textContent = JSON.stringify({
      verdict: badge && shown(badge) ? badge.textContent.trim() : null,
      highlighted: marks.map(function (m) { return m.textContent; })
    });
    document.body.appendChild(out);
  });
  form.requestSubmit();
});
</script>
"""


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """The default analyzers behind a real uvicorn on a free loopback port."""
    app = create_app(config=ServeConfig(token=None))
    page_html: dict[str, str] = {}

    @app.get("/test-reader", include_in_schema=False)
    async def reader() -> HTMLResponse:  # the page plus the reader's actions, same origin
        script = READER.replace("SEED", json.dumps(SEED.read_text(encoding="utf-8")))
        return HTMLResponse(page_html["page"].replace("</body>", script + "</body>", 1))

    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="error")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not instance.started and time.monotonic() < deadline:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{instance.servers[0].sockets[0].getsockname()[1]}/"
    page_html["page"] = httpx.get(base).text
    yield base
    instance.should_exit = True
    thread.join(10)


def test_paste_submit_and_see_verdict_and_highlights(server: str, tmp_path: Path) -> None:
    browser = Browser(require_chromium(), tmp_path, timeout=120)
    dom = browser.dump_dom(server + "test-reader", budget_ms=60000)
    found = re.search(r'<pre id="seen">(.*?)</pre>', dom, re.S)
    assert found is not None, "the report never loaded after submitting the form"
    seen = json.loads(unescape(found.group(1)))
    assert seen["verdict"] in {"unreliable", "mixed"}, "no visible verdict"
    assert any("Israeli-backed" in text for text in seen["highlighted"]), (
        "the inserted 'Israeli-backed' is not highlighted"
    )
