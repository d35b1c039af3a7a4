"""The README's examples are run as written, so they cannot drift from the code."""

import re

from tests.conftest import REPO


def test_readme_python_examples_run():
    blocks = re.findall(r"```python\n(.*?)```", (REPO / "README.md").read_text(encoding="utf-8"), flags=re.S)
    assert blocks, "the README has no python example"
    for block in blocks:
        namespace: dict = {}
        exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102 - our own README
        a = namespace["a"]
        behind = a.behind("budget_revenue", parent="866", period="2024-H1").data
        assert set(behind["status"]) <= {"needs_acceleration", "off_track", "deteriorating"}
        trend = a.trend("budget_revenue", unit="29869").data
        assert list(trend["period"])[:1] == ["2023-H1"] and "rebuilt" in set(trend["origin"])
