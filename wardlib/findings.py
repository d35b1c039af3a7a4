"""The one record type for every problem wardlib finds in a dataset, and the errors that carry them.

A finding says what is wrong, where (file, row, column, unit, period,
indicator) and what to change, in Vietnamese and in English. The contract
checks of ``loaders`` produce findings; later checks add theirs to the same
table, so ``wardlib validate`` and the reports show one list.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Iterable, Literal

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
LANGS = ("vi", "en")


@dataclass(frozen=True)
class Finding:
    severity: Severity  # error blocks publication; warning and info are shown
    rule: str  # stable identifier of the check, e.g. "contract.number"
    message_vi: str  # what is wrong and what to change, in Vietnamese
    message_en: str  # the same in English
    file: str | None = None  # path of the input file, relative to the dataset folder
    row: int | None = None  # row as a spreadsheet shows it (header = row 1)
    column: str | None = None
    unit_code: str | None = None
    period: str | None = None
    indicator: str | None = None
    values: dict | None = field(default=None, compare=False, hash=False)  # the numbers involved
    unit_name: str | None = None  # the unit's name, so that a printed line names it (see ``subject``)

    def message(self, lang: str = "vi") -> str:
        return self.message_vi if lang == "vi" else self.message_en

    def location(self, lang: str = "vi") -> str:
        """``observations/a.csv, dòng 5, cột value`` — the place a person must open."""
        row_word, col_word = ("dòng", "cột") if lang == "vi" else ("row", "column")
        parts = [p for p in (self.file,) if p]
        if self.row is not None:
            parts.append(f"{row_word} {self.row}")
        if self.column:
            parts.append(f"{col_word} {self.column}")
        return ", ".join(parts)

    def subject(self, lang: str = "vi") -> str:
        """``Phường 4 (29872), 2024-H1`` — the unit and period the finding is about (empty if neither)."""
        if self.unit_code and self.unit_name:
            unit = f"{self.unit_name} ({self.unit_code})"
        elif self.unit_code:
            unit = ("đơn vị " if lang == "vi" else "unit ") + self.unit_code
        else:
            unit = ""
        return ", ".join(p for p in (unit, self.period or "") if p)

    def as_dict(self, lang: str = "vi") -> dict:
        d = asdict(self)
        d.pop("message_vi")
        d.pop("message_en")
        d["message"] = self.message(lang)
        return d

    def format(self, lang: str = "vi") -> str:
        """One line a person can act on: ``lỗi: Phường 4 (29872), 2024-H1 — file, dòng 3, cột value: message``.

        The unit (name and code) and the period come first whenever the finding
        is about one: a finding on a computed row (a roll-up) has no file to
        name, but always a unit and a period.
        """
        from wardlib.texts import t  # texts imports Babel: not at import time of every module

        label = t(f"finding.{self.severity}", lang if lang in LANGS else "en")
        where = " — ".join(p for p in (self.subject(lang), self.location(lang)) if p)
        return f"{label}: {where}: {self.message(lang)}" if where else f"{label}: {self.message(lang)}"


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)


class WardlibError(Exception):
    """Base of wardlib's own errors: bad input or bad options, never a bug.

    ``str(error)`` is the English message; ``message_vi`` the Vietnamese one (English if none given).
    """

    def __init__(self, message: str, message_vi: str | None = None):
        super().__init__(message)
        self.message_vi = message_vi or message


class TextError(WardlibError, ValueError):
    """A cell's text that is not what its column holds; ``key`` names the message in ``wardlib.texts``
    (its ``{text}`` is the text as given)."""

    key = ""

    def __init__(self, text: object):
        from wardlib.texts import t

        self.text = text
        super().__init__(t(self.key, "en", text=text), t(self.key, "vi", text=text))


class ContractError(WardlibError):
    """A dataset breaks the data contract; ``findings`` lists every problem found.

    ``dataset`` is the dataset of the rows that passed (a ``wardlib.loaders.Dataset``), so
    that the checks below the contract can still run on them; None when a file could not be used.
    """

    def __init__(self, findings: list[Finding], dataset=None):
        self.findings = findings
        self.dataset = dataset
        errors = [f for f in findings if f.severity == "error"]
        first_en = errors[0].format("en") if errors else "no errors"
        first_vi = errors[0].format("vi") if errors else "không có lỗi"
        from wardlib.texts import t

        super().__init__(t("contract.refused", "en", n=len(errors), first=first_en),
                         t("contract.refused", "vi", n=len(errors), first=first_vi))
