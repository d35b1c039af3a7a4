"""Provenance carried to what is computed: every kind of figure of the analysis table takes the worst
provenance of all its inputs (real < derived < demo), computed here by hand from hand-made rows."""

from __future__ import annotations

import pytest

from tests.conftest import write_csv
from wardlib.analysis import PROVENANCE, build_table
from wardlib.loaders import load_dataset

CATALOG = [
    dict(code="revenue", kind="amount", unit="đ", aggregation="sum", direction="up"),
    dict(code="received", unit="hồ sơ", aggregation="sum", direction="none"),
    dict(code="online", unit="hồ sơ", aggregation="sum", direction="up"),
    dict(code="online_rate", kind="percent", unit="%", aggregation="none", direction="up", decimals="1",
         numerator="online", denominator="received", factor="100"),
]
UNITS = [dict(code="87", name="Tỉnh", level="province"),
         dict(code="866", name="Thành phố", level="district", parent_code="87")] + [
    dict(code=f"2990{i}", name=f"Phường {i}", level="commune", parent_code="866") for i in range(3)]
REAL, DERIVED, DEMO = {}, {"note": "derived: 20 − 18 (tăng 18 ca so với cùng kỳ)"}, {"source": "synthetic"}


def row(unit, period, indicator, value, target="", **how):
    return dict(unit_code=unit, period=period, indicator=indicator, value=str(value), target=str(target), **how)


ROWS = [
    row("29900", "2024-H1", "revenue", 500, 1000, **REAL), row("29900", "2023-H1", "revenue", 400, **DEMO),
    row("29901", "2024-H1", "revenue", 600, 1000, **REAL), row("29901", "2023-H1", "revenue", 550, **DERIVED),
    row("29902", "2024-H1", "revenue", 700, 1000, **DEMO), row("29902", "2023-H1", "revenue", 650, **DEMO),
    row("29900", "2024-H2", "revenue", 450, 1000, **REAL),  # the year to date of H2 adds H1
    row("29901", "2024-H2", "revenue", 500, 1000, **REAL),
    row("29900", "2024-Q1", "received", 30, **REAL), row("29900", "2024-Q2", "received", 40, **DEMO),
    row("29900", "2024-Q1", "online", 20, **REAL), row("29900", "2024-Q2", "online", 25, **REAL),
]


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    root = tmp_path_factory.mktemp("prov") / "ds"
    write_csv(root / "indicators.csv", [dict(name_vi=r["code"], name_en=r["code"], section="1", **r) for r in CATALOG],
              ["code", "name_vi", "name_en", "unit", "section", "kind", "aggregation", "direction", "decimals",
               "numerator", "denominator", "factor"])
    write_csv(root / "units.csv", UNITS, ["code", "name", "level", "parent_code"])
    write_csv(root / "observations" / "obs.csv", ROWS,
              ["unit_code", "period", "indicator", "value", "target", "note", "source"])
    t = build_table(load_dataset(root))
    return t.assign(unit_code=t["unit_code"].astype(str), period=t["period"].astype(str),
                    indicator=t["indicator"].astype(str)).set_index(["unit_code", "period", "indicator"])


@pytest.mark.parametrize("key,column,expected", [
    # reported figures: as their rows say
    (("29900", "2024-H1", "revenue"), "provenance", "real"),
    (("29901", "2023-H1", "revenue"), "provenance", "derived"),
    (("29902", "2024-H1", "revenue"), "provenance", "demo"),
    # same period last year: the worst of the value and its baseline
    (("29900", "2024-H1", "revenue"), "same_period_provenance", "demo"),  # real against a demo 2023-H1
    (("29901", "2024-H1", "revenue"), "same_period_provenance", "derived"),  # real against a derived one
    # previous period: 2024-H2 against 2024-H1, both real
    (("29900", "2024-H2", "revenue"), "previous_provenance", "real"),
    # year to date: H2 adds H1 (both real here)
    (("29900", "2024-H2", "revenue"), "ytd_provenance", "real"),
    # rank among 29900, 29901 and 29902: the demo 29902 is among those ranked
    (("29900", "2024-H1", "revenue"), "rank_provenance", "demo"),
    (("29900", "2024-H2", "revenue"), "rank_provenance", "real"),  # 29900 and 29901, both real
    # roll-up: the district and the province, from real and demo communes
    (("866", "2024-H1", "revenue"), "provenance", "demo"),
    (("866", "2024-H2", "revenue"), "provenance", "real"),
    (("87", "2024-H1", "revenue"), "provenance", "demo"),
    (("866", "2023-H1", "revenue"), "provenance", "demo"),
    # a half added up from its quarters: one demo quarter makes it demo
    (("29900", "2024-H1", "received"), "provenance", "demo"),
    (("29900", "2024-H1", "online"), "provenance", "real"),
    # a rate: a real numerator over a demo denominator is demo; over a real one, real
    (("29900", "2024-H1", "online_rate"), "provenance", "demo"),
    (("29900", "2024-Q1", "online_rate"), "provenance", "real"),
])
def test_each_kind_of_figure_carries_the_worst_provenance_of_its_inputs(table, key, column, expected):
    r = table.loc[key]
    assert r[column] == expected, (key, column, r["origin"])


def test_origins_of_the_computed_rows_are_the_ones_tested(table):
    assert table.loc[("866", "2024-H1", "revenue"), "origin"] == "rollup"
    assert table.loc[("29900", "2024-H1", "received"), "origin"] == "period_total"
    assert table.loc[("29900", "2024-H1", "online_rate"), "origin"] == "period_total"  # a rate of sums
    assert table.loc[("29900", "2024-Q1", "online_rate"), "origin"] == "rate"


def test_rebuilt_history_across_the_reform_is_demo_where_a_predecessor_is(embedded_data):
    """Phường Cao Lãnh's 2024-H1 is rebuilt from nine predecessors: Phường 4 (real) and eight demo ones."""
    t = build_table(load_dataset(embedded_data))
    rebuilt = t[t["origin"].eq("rebuilt") & (t["unit_code"] == "29869") & (t["period"] == "2024-H1")]
    assert len(rebuilt) and rebuilt["provenance"].eq("demo").all()
    p4 = t[(t["unit_code"] == "29872") & (t["period"] == "2024-H1") & t["origin"].eq("reported")]
    p4 = p4.set_index(p4["indicator"].astype(str))
    assert p4["provenance"].eq("real").all()
    # only dengue and hand-foot-mouth have a 2023-H1 from the seed ("tăng 18 ca so với cùng kỳ"); every
    # other comparison with the same period is against demo figures
    from_seed = set(p4.index[p4["same_period_provenance"].eq("derived")])
    assert from_seed == {"dengue_cases", "hfmd_cases"}
    assert set(p4["same_period_provenance"].astype(str)) == {"derived", "demo"}
    assert list(PROVENANCE) == ["real", "derived", "demo"]
