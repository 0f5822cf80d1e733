"""The README's quick start tells a new user what ``make`` really does."""

from __future__ import annotations

import re

from tests.conftest import ROOT


def _make_variable(name: str) -> str:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    found = re.search(rf"^{name}\s*:=\s*(\S+)", makefile, re.M)
    assert found, name
    return found.group(1)


def test_readme_says_where_make_installs_spinlens_and_the_demo_home() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    venv, demo_home = _make_variable("VENV"), _make_variable("DEMO_HOME")
    assert f"{venv}/bin/spinlens" in quick_start and f"source {venv}/bin/activate" in quick_start
    assert f"SPINLENS_HOME={demo_home}" in quick_start
