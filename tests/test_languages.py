"""Each report speaks one language: no English notes, codes or "(s)" plurals on the Vietnamese pages,
no Vietnamese units, statuses or notes on the English ones (issue 19, item 8).

Names stay as they are in both languages: units and places, the catalog's English names (which keep
"Tết", "Đồng Tháp"), the sources' document references, and what a note quotes from the source.
"""

import html
import re

import pandas as pd
import pytest

from wardlib.paths import default_data_dir

pytestmark = pytest.mark.e2e

PAGES = ["29872.html", "29875.html", "index.html", "data_quality.html", "overview-866.html", "trends-866.html"]


def reader_text(page: str) -> str:
    """What a reader sees: the body's text and its tooltips (``title``), without scripts and styles."""
    body = page[page.index("<body"):]
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    tips = " ".join(html.unescape(t) for t in re.findall(r'\stitle="([^"]*)"', body))
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)) + " " + tips)


def names() -> list[str]:
    """The texts that are names in both languages, longest first (so that a longer one goes first)."""
    root = default_data_dir()
    units = pd.read_csv(root / "units.csv", dtype=str, keep_default_na=False)["name"]
    catalog = pd.read_csv(root / "indicators.csv", dtype=str, keep_default_na=False)["name_en"]
    sources = pd.concat(pd.read_csv(p, dtype=str, keep_default_na=False)["source"]
                        for p in (root / "observations").glob("*.csv"))
    return sorted({*units, *catalog, *sources} - {""}, key=len, reverse=True)


PROPER_NAMES = ["Tết", "Bùi Thị Xuân"]  # a festival and a school's namesake, as English writes them
VIETNAMESE = re.compile(r"[À-ỹĐđ]")


def test_english_pages_show_no_vietnamese_outside_names(rendered_en):
    assert rendered_en["exit"] == 0
    allowed = names()
    for name in PAGES:
        text = reader_text((rendered_en["dir"] / name).read_text(encoding="utf-8"))
        for n in allowed:
            text = text.replace(n, " ")
        for n in PROPER_NAMES:
            text = text.replace(n, " ")
        text = re.sub(r"\"[^\"]*\"|(?<!\w)'[^']{1,40}'(?!\w)", " ", text)  # a note quotes the source's words
        text = re.sub(r"\b[\w./-]*/(?:KH-UBND|NĐ-CP)\b", " ", text)  # document numbers (Plan 27/KH-UBND)
        leaks = sorted({text[max(0, m.start() - 30):m.end() + 30] for m in VIETNAMESE.finditer(text)})
        assert not leaks, f"{name}: Vietnamese on an English page: {leaks[:10]}"


def test_english_pages_use_english_units_statuses_and_plurals(rendered_en):
    text = reader_text((rendered_en["dir"] / "29872.html").read_text(encoding="utf-8"))
    assert "24 households" in text and "629 establishments" in text  # the catalog's unit_en
    assert "In progress" in text and "Đang thực hiện" not in text  # the commitments' written status
    assert "1 place" in text and "1 places" not in text  # singular for one
    assert not re.search(r"\w\(s\)", text)
    index = reader_text((rendered_en["dir"] / "index.html").read_text(encoding="utf-8"))
    assert "1 error," in index and "0 errors," in index


ENGLISH_ON_VIETNAMESE = ["approximate lower bound", "copied as printed", "computed", "synthetic", "derived:",
                         "(in the month", "no target figure printed", "error(s)", "demo data"]


def test_vietnamese_pages_show_no_english_notes_or_codes(rendered):
    for name in PAGES:
        text = reader_text((rendered["dir"] / name).read_text(encoding="utf-8"))
        found = [w for w in ENGLISH_ON_VIETNAMESE if w in text]
        assert not found, f"{name}: English on a Vietnamese page: {found}"
    report = reader_text((rendered["dir"] / "29872.html").read_text(encoding="utf-8"))
    assert ">82,93" in report and ">82.93" not in report.replace('">82.93"', "")  # vi writing, quotes aside
