"""Polite fetching: one request per host per second, robots.txt rules, conditional GET."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from spinlens.errors import FetchError, InputTooLargeError
from spinlens.provenance.fetch import PoliteClient, RobotsDisallowed
from tests.provenance.site import Page, Site, serve


@pytest.fixture
def site() -> Iterator[Site]:
    pages = {
        "/robots.txt": Page(b"User-agent: *\nDisallow: /drafts/\n", "text/plain"),
        "/a": Page(b"<p>a</p>", etag='"a1"'),
        "/b": Page(b"<p>b</p>"),
        "/drafts/x": Page(b"<p>x</p>"),
    }
    yield from serve(Site(pages=pages))


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_one_request_per_host_per_second(site: Site) -> None:
    fake = FakeTime()
    other_host = site.base.replace("127.0.0.1", "localhost")
    with PoliteClient(allow_private=True, clock=fake.clock, sleep=fake.sleep) as client:
        client.get(f"{site.base}/a")  # robots.txt, then /a a second later
        fake.now += 0.25
        client.get(f"{site.base}/b")  # 0.25 s after the last request to this host: 0.75 more
        client.get(f"{other_host}/b")  # another host: its robots.txt at once, /b a second later
    assert fake.slept == [pytest.approx(1.0), pytest.approx(0.75), pytest.approx(1.0)]


def test_robots_txt_is_honoured(site: Site) -> None:
    with PoliteClient(allow_private=True, min_interval=0) as client:
        with pytest.raises(RobotsDisallowed):
            client.get(f"{site.base}/drafts/x")
        assert client.get(f"{site.base}/b").status == 200
    assert "/drafts/x" not in site.paths()
    assert site.paths().count("/robots.txt") == 1  # read once per host


@pytest.mark.parametrize(("status", "allowed"), [(404, True), (403, False), (503, False)])
def test_robots_txt_status_rules(site: Site, status: int, allowed: bool) -> None:
    site.pages["/robots.txt"] = Page(b"", "text/plain", status=status)
    with PoliteClient(allow_private=True, min_interval=0) as client:
        if allowed:
            assert client.get(f"{site.base}/b").status == 200
        else:
            with pytest.raises(RobotsDisallowed):
                client.get(f"{site.base}/b")


def test_conditional_get_answers_not_modified(site: Site) -> None:
    with PoliteClient(allow_private=True, min_interval=0) as client:
        first = client.get(f"{site.base}/a")
        assert first.etag == '"a1"' and first.body == b"<p>a</p>"
        again = client.get(f"{site.base}/a", etag=first.etag)
    assert again.not_modified and again.body == b""


def test_unreachable_host_is_a_fetch_error_not_a_robots_refusal() -> None:
    client = PoliteClient(allow_private=True, min_interval=0, timeout=2)
    with client, pytest.raises(FetchError, match="cannot fetch") as caught:
        client.get("http://127.0.0.1:9/feed.xml")
    assert not isinstance(caught.value, RobotsDisallowed)


def test_size_cap(site: Site) -> None:
    site.pages["/big"] = Page(b"<p>" + b"x" * 5000 + b"</p>")
    client = PoliteClient(allow_private=True, min_interval=0, max_bytes=1000)
    with client, pytest.raises(InputTooLargeError, match="larger than 1,000 bytes"):
        client.get(f"{site.base}/big")
