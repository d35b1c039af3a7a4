"""Numbers and labels the way a Vietnamese (or English) reader expects them, via Babel.

>>> amount(5137820843)
'5.137.820.843 đ'
>>> percent(55.42)
'55,4%'
>>> amount(5137820843, lang="en")
'5,137,820,843 VND'
>>> number(92.91, 2)
'92,91'
"""

from __future__ import annotations

import html
import math
import re
from decimal import Decimal

from babel.numbers import get_decimal_symbol, get_group_symbol

LOCALES = {"vi": "vi_VN", "en": "en_US"}
MISSING = "–"


def _locale(lang: str) -> str:
    try:
        return LOCALES[lang]
    except KeyError:
        raise ValueError(f"lang must be one of {sorted(LOCALES)}, not {lang!r}") from None


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


#: The vi_VN and en_US number symbols as Babel (CLDR) gives them: group, decimal.
_SYMBOLS = {lang: (get_group_symbol(loc), get_decimal_symbol(loc)) for lang, loc in LOCALES.items()}


def number(x: float | None, decimals: int = 0, lang: str = "vi") -> str:
    """``5137820843`` → ``5.137.820.843``; ``55.4`` → ``55,4`` (vi) or ``55.4`` (en).

    The same text as Babel's ``format_decimal`` with the pattern ``#,##0.00…``
    (a test compares the two), written with Python's own formatting and the
    locale's CLDR symbols: a data check that formats a million numbers cannot
    spend 60 µs on each.
    """
    if _missing(x):
        return MISSING
    _locale(lang)  # an unknown language is an error, not English
    group, dot = _SYMBOLS[lang]
    # + 0.0 turns -0.0 (and a -0.04 rounded to -0.0) into 0.0: a page never shows "-0"
    text = format(Decimal(repr(round(float(x), decimals) + 0.0)), f",.{decimals}f")  # the shortest repr, as Babel
    return text.replace(",", "\0").replace(".", dot).replace("\0", group)


def percent(x: float | None, decimals: int = 1, lang: str = "vi") -> str:
    """A percentage already multiplied by 100: ``55.42`` → ``55,4%``."""
    return MISSING if _missing(x) else f"{number(x, decimals, lang)}%"


def amount(x: float | None, lang: str = "vi") -> str:
    """Money in đồng: ``5.137.820.843 đ`` / ``5,137,820,843 VND``."""
    return MISSING if _missing(x) else f"{number(x, 0, lang)} {'đ' if lang == 'vi' else 'VND'}"


def quantity(x: float | None, unit: str, kind: str, decimals: int, lang: str = "vi") -> str:
    """A value with its unit, as a table cell shows it."""
    if _missing(x):
        return MISSING
    if kind == "amount" or unit in ("đ", "đồng"):
        return amount(x, lang)
    if kind == "percent" or unit == "%":
        return percent(x, decimals, lang)
    return number(x, decimals, lang)


def target(op: str | None, value: float | None, unit: str, kind: str, decimals: int, lang: str = "vi") -> str:
    """A target with its comparison: ``>37``, ``9.270.000.000 đ``, ``≥ 98%``."""
    if _missing(value):
        return MISSING
    symbol = {">": "> ", ">=": "≥ ", "<": "< ", "<=": "≤ ", "=": "= "}.get(op or "", "")
    return symbol + quantity(value, unit, kind, decimals, lang)


def written(text: str, lang: str = "vi") -> str:
    """A target as the source wrote it (its comparison and its decimals), in the language's writing.

    >>> written(">82.93"), written(">82.93", "en"), written("9270000000"), written("Đang thực hiện")
    ('>82,93', '>82.93', '9.270.000.000', 'Đang thực hiện')
    """
    m = _WRITTEN.match(str(text or "").strip())
    if not m:
        return str(text or "")
    op, digits = m.group(1), m.group(2)
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    return op + number(float(digits), decimals, lang)


_WRITTEN = re.compile(r"^(>=|<=|>|<|=|)\s*(\d+(?:\.\d+)?)$")


def signed(x: float, decimals: int = 0, lang: str = "vi") -> str:
    """A change with its sign: +18, −4,4 (a true minus sign).

    >>> signed(18), signed(-4.44, 1), signed(1234.5, 1, "en")
    ('+18', '−4,4', '+1,234.5')
    """
    if _missing(x):
        return MISSING
    text = number(abs(x), decimals, lang)
    return ("+" if x > 0 else "−" if x < 0 else "") + text


def chart_text(text: object) -> str:
    """Text for a plotly label or title: plotly reads a subset of HTML there, so data is escaped.

    >>> chart_text("<b>Phường 4</b>")
    '&lt;b&gt;Phường 4&lt;/b&gt;'
    """
    return html.escape(str(text), quote=False)
