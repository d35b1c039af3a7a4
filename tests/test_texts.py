"""The vi/en text catalog: every key in both languages with the same fields, and one plural rule a language."""

import re
import string

import pytest

from wardlib import texts
from wardlib.calc import STATUSES


@pytest.mark.parametrize("key", sorted(texts.TEXTS))
def test_every_key_has_both_languages_and_the_same_fields(key):
    entry = texts.TEXTS[key]
    assert set(entry) == set(texts.LANGS), f"{key}: languages {sorted(entry)}"
    assert all(isinstance(v, str) for v in entry.values()), key
    assert all(v.strip() for v in entry.values()), f"{key}: an empty text"
    assert texts.fields(entry["vi"]) == texts.fields(entry["en"]), key


@pytest.mark.parametrize("key", sorted(texts.TEXTS))
def test_no_text_writes_a_plural_in_parentheses(key):
    """"13 error(s)" is how a program counts, not a reader: the catalog chooses the form."""
    for lang, text in texts.TEXTS[key].items():
        assert not re.search(r"\w\(s\)", text), f"{key} ({lang}): {text!r}"


def test_vietnamese_texts_have_no_plural_choice():
    """Vietnamese has no plural form: a noun is written once, after the number."""
    for key, entry in texts.TEXTS.items():
        specs = [spec for _, _, spec, _ in string.Formatter().parse(entry["vi"]) if spec]
        assert not any("|" in s for s in specs), key


@pytest.mark.parametrize("n, en, vi", [
    (0, "0 errors, 0 warnings", "0 lỗi, 0 cảnh báo"),
    (1, "1 error, 1 warning", "1 lỗi, 1 cảnh báo"),
    (13, "13 errors, 13 warnings", "13 lỗi, 13 cảnh báo"),
])
def test_plural_forms_follow_the_count(n, en, vi):
    assert texts.t("index.checks", "en", e=n, w=n) == en
    assert texts.t("index.checks", "vi", e=n, w=n) == vi


def test_a_text_without_fields_is_returned_as_written():
    assert texts.t("report.title", "vi") == "Báo cáo tình hình kinh tế - xã hội"
    assert texts.Texts("report", "en")["title"] == "Socio-economic situation report"
    assert texts.Texts("report", "en")("rank", rank=2, of=9) == "rank 2 of 9 neighbouring units"


def test_unknown_key_and_language_are_refused_by_name():
    with pytest.raises(KeyError, match="report.titel"):
        texts.t("report.titel", "vi")
    with pytest.raises(ValueError, match="'fr'"):
        texts.t("report.title", "fr")
    with pytest.raises(ValueError, match="'de'"):
        texts.Texts("report", "de")


def test_every_status_has_words():
    for status in STATUSES:
        assert texts.status(status, "vi") and texts.status(status, "en")
    assert texts.status("on_track", "vi") == "Đúng tiến độ"


def test_fields_may_be_named_like_the_lookup_arguments():
    """A text with a {name} field (the neighbours chart) must not clash with the lookup's own parameters."""
    assert texts.Texts("report", "en")("chart_neighbours", name="Phường 4", parent="TP Cao Lãnh") == (
        "Phường 4: achievement of plan across the units of TP Cao Lãnh (%)")
    assert texts.t("error.period", "en", text="2024-H3").startswith("'2024-H3' is not a period")


@pytest.mark.parametrize("row, lang, shown", [
    ({"note": "khoảng 25%", "note_en": "about 25%"}, "vi", "khoảng 25%"),
    ({"note": "khoảng 25%", "note_en": "about 25%"}, "en", "about 25%"),
    ({"note": "nguồn TP", "note_en": ""}, "en", "nguồn TP"),  # no English note: the note as written
    ({"note": "derived: 20 − 18", "note_en": "derived: 20 − 18"}, "vi", "suy ra từ báo cáo: 20 − 18"),
    ({"note": "derived: 20 − 18"}, "en", "derived from the report: 20 − 18"),
    ({"note": "Dữ liệu minh họa", "synthetic": True}, "en", ""),  # demo rows: the mark and source say it
])
def test_a_note_is_shown_in_the_readers_language(row, lang, shown):
    from wardlib.narrative import note

    assert note(row, lang) == shown


def test_source_codes_are_words_and_written_statuses_are_translated():
    from wardlib.narrative import source

    assert (source("computed", "vi"), source("synthetic", "en")) == ("tính từ các số liệu khác", "demo data")
    assert source("BC 6 tháng 2024 P4 §1.1", "en") == "BC 6 tháng 2024 P4 §1.1"  # a document, as written
    assert texts.written_status("Đang thực hiện", "en") == "In progress"
    assert texts.written_status("đang thực hiện", "vi") == "đang thực hiện"  # Vietnamese: as written
    assert texts.written_status("Chờ phê duyệt", "en") == "Chờ phê duyệt"  # not a usual word: as written


def test_a_catalog_without_unit_en_loads_with_a_note(make_dataset):
    from wardlib.loaders import load_dataset
    from tests.conftest import CATALOG

    old = [{k: v for k, v in row.items() if k != "unit_en"} for row in CATALOG]
    data = load_dataset(make_dataset(catalog=old))
    [note] = [f for f in data.findings if f.column == "unit_en"]
    assert note.severity == "info" and "add the column" in note.message_en
    code = data.catalog.table.index[0]
    assert data.catalog.unit(code, "en") == data.catalog.unit(code, "vi")  # falls back to the Vietnamese unit
