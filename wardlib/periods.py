"""Reporting periods: a year, a half (``H1``/``H2``), a quarter or a month.

Written ``YYYY``, ``YYYY-H1``, ``YYYY-Q3`` or ``YYYY-MM``. A six-month report
("báo cáo 6 tháng") covers ``YYYY-H1``; its same period last year ("cùng kỳ")
is ``(YYYY-1)-H1``. Periods compare by their end date, then by length (a year
report after the H2 report that ends the same day).

>>> p = Period.parse("2024-H1")
>>> str(p), p.start.isoformat(), p.end.isoformat(), p.year_fraction
('2024-H1', '2024-01-01', '2024-06-30', 0.5)
>>> str(p.same_period_last_year()), str(p.previous())
('2023-H1', '2023-H2')
>>> Period.parse("2024").contains(Period.parse("2024-06"))
True
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import Iterable, Literal

import pandas as pd

from wardlib.findings import TextError

Kind = Literal["year", "half", "quarter", "month"]
MONTHS: dict[str, int] = {"year": 12, "half": 6, "quarter": 3, "month": 1}
_COUNT: dict[str, int] = {"year": 1, "half": 2, "quarter": 4, "month": 12}

_PATTERN = re.compile(r"^(\d{4})(?:-(?:([HhQq])(\d)|(\d{2})))?$")


class PeriodError(TextError):
    """Text that is not a period in one of the accepted forms."""

    key = "error.period"


@dataclass(frozen=True)
class Period:
    year: int
    kind: Kind
    number: int  # 1 for a year; 1–2 halves; 1–4 quarters; 1–12 months

    def __post_init__(self):
        if self.kind not in MONTHS:
            raise ValueError(f"kind must be one of {list(MONTHS)}, not {self.kind!r}")
        if not 1 <= self.number <= _COUNT[self.kind] or not 1 <= self.year <= 9999:
            raise PeriodError(f"{self.year}/{self.kind}/{self.number}")

    # -- text ---------------------------------------------------------------
    @classmethod
    def parse(cls, text: object) -> "Period":
        """Parse a period, ignoring surrounding spaces and the case of H/Q."""
        if isinstance(text, Period):
            return text
        m = _PATTERN.match(str(text).strip()) if isinstance(text, (str, int)) else None
        if not m:
            raise PeriodError(text)
        year = int(m.group(1))
        try:
            if m.group(2):
                kind: Kind = "half" if m.group(2).upper() == "H" else "quarter"
                return cls(year, kind, int(m.group(3)))
            if m.group(4):
                return cls(year, "month", int(m.group(4)))
            return cls(year, "year", 1)
        except PeriodError:
            raise PeriodError(text) from None

    def __str__(self) -> str:
        if self.kind == "year":
            return f"{self.year}"
        if self.kind == "month":
            return f"{self.year}-{self.number:02d}"
        return f"{self.year}-{'H' if self.kind == 'half' else 'Q'}{self.number}"

    def label(self, lang: str = "vi") -> str:
        """Human label: ``6 tháng đầu năm 2024`` / ``first half of 2024``."""
        y, n = self.year, self.number
        if lang == "vi":
            return {
                "year": f"năm {y}",
                "half": f"6 tháng {'đầu' if n == 1 else 'cuối'} năm {y}",
                "quarter": f"quý {n}/{y}",
                "month": f"tháng {n}/{y}",
            }[self.kind]
        return {
            "year": f"{y}",
            "half": f"{'first' if n == 1 else 'second'} half of {y}",
            "quarter": f"Q{n} {y}",
            "month": f"{calendar.month_name[n]} {y}",
        }[self.kind]

    # -- calendar -----------------------------------------------------------
    @property
    def months(self) -> int:
        return MONTHS[self.kind]

    @property
    def first_month(self) -> int:
        return (self.number - 1) * self.months + 1

    @property
    def last_month(self) -> int:
        return self.number * self.months

    @property
    def start(self) -> date:
        return date(self.year, self.first_month, 1)

    @property
    def end(self) -> date:
        m = self.last_month
        return date(self.year, m, calendar.monthrange(self.year, m)[1])

    @property
    def year_fraction(self) -> float:
        """Share of the calendar year elapsed at the period's end (H1 → 0.5, 2024-09 → 0.75)."""
        return self.last_month / 12

    def sort_key(self) -> tuple[date, int]:
        return (self.end, self.months)

    def __lt__(self, other: "Period") -> bool:
        return self.sort_key() < other.sort_key()

    # -- neighbours ---------------------------------------------------------
    def same_period_last_year(self) -> "Period":
        return Period(self.year - 1, self.kind, self.number)

    def previous(self) -> "Period":
        """The period of the same length just before (2024-H1 → 2023-H2, 2024 → 2023)."""
        if self.number > 1:
            return Period(self.year, self.kind, self.number - 1)
        return Period(self.year - 1, self.kind, _COUNT[self.kind])

    def contains(self, other: "Period") -> bool:
        """Whether ``other`` lies wholly inside this period (a period contains itself)."""
        return self.start <= other.start and other.end <= self.end


def latest(periods: Iterable[Period | str]) -> Period:
    """The latest period: the latest end date, then the longest (2024 after 2024-H2 and 2024-12)."""
    parsed = [Period.parse(p) for p in periods]
    if not parsed:
        raise ValueError("no periods given")
    return max(parsed, key=Period.sort_key)


def period_table(values: Iterable[str]) -> pd.DataFrame:
    """One row per distinct valid period text: canonical code, year, kind, number, start, end, months.

    Invalid texts are left out; parse them with :meth:`Period.parse` to get the reason.
    """
    rows = []
    distinct = values.unique() if isinstance(values, pd.Series) else pd.unique(pd.Series(list(values), dtype=object))
    for text in distinct:
        try:
            p = Period.parse(text)
        except PeriodError:
            continue
        rows.append(
            {"text": text, "period": str(p), "year": p.year, "kind": p.kind, "number": p.number,
             "start": pd.Timestamp(p.start), "end": pd.Timestamp(p.end), "months": p.months}
        )
    cols = ["text", "period", "year", "kind", "number", "start", "end", "months"]
    return pd.DataFrame(rows, columns=cols)
