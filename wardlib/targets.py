"""Targets ("chỉ tiêu", "kế hoạch", "dự toán") with an optional comparison prefix.

A target is a number, optionally preceded by ``>``, ``>=``, ``<``, ``<=`` or
``=``: ``>37`` means "more than 37" (the appendix of a ward's commitments
writes targets this way). Without a prefix the comparison follows the
indicator's direction: at least the target where more is better, at most the
target where less is better (``0`` reprimands means none).

>>> parse_target(">37")
Target(op='>', value=37.0)
>>> parse_target(" 9270000000 ")
Target(op=None, value=9270000000.0)
>>> parse_target("00").value
0.0

Where the file's locale is ``vi`` the number is read in Vietnamese writing, as
values are (see wardlib.numbers): dots group thousands, a comma is the decimal mark.

>>> parse_target(">9.270.000.000", vi=True)
Target(op='>', value=9270000000.0)
>>> parse_target(">=98,5", vi=True).value
98.5
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from wardlib.findings import TextError

OPERATORS = (">=", "<=", ">", "<", "=")
_PATTERN = re.compile(r"^(>=|<=|>|<|=)?\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)$")
# Vietnamese writing: thousands dots (9.270.000.000), perhaps a decimal comma; or a decimal comma alone (98,5).
_VI_PATTERN = re.compile(r"^(>=|<=|>|<|=)?\s*([+-]?(?:\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+,\d+))$")


class TargetError(TextError):
    """Text that is not a target."""

    key = "error.target"

    def __init__(self, text: object):
        if isinstance(text, str) and _VI_PATTERN.match(text.strip()):
            self.key = "error.target_vi"  # Vietnamese number writing: say how to declare it
        super().__init__(text)


@dataclass(frozen=True)
class Target:
    op: str | None  # one of OPERATORS, or None when the text has no prefix
    value: float

    def __str__(self) -> str:
        v = f"{self.value:g}" if abs(self.value) < 1e15 else repr(self.value)
        return f"{self.op or ''}{v}"

    def effective_op(self, direction: str) -> str:
        """The comparison to apply: the written one, else ``>=`` (up/none) or ``<=`` (down)."""
        if self.op:
            return self.op
        return "<=" if direction == "down" else ">="

    def is_met(self, value: float, direction: str = "up") -> bool | None:
        """Whether ``value`` meets the target; ``None`` when the value is missing."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None
        op = self.effective_op(direction)
        return {
            ">": value > self.value, ">=": value >= self.value, "<": value < self.value,
            "<=": value <= self.value, "=": value == self.value,
        }[op]


def parse_target(text: object, vi: bool = False) -> Target:
    """Parse a target such as ``>37`` (``vi``: in Vietnamese writing too); raise :class:`TargetError` otherwise."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        if math.isfinite(text):
            return Target(None, float(text))
        raise TargetError(text)
    if not isinstance(text, str):
        raise TargetError(text)
    local = _VI_PATTERN.match(text.strip()) if vi else None
    m = local or _PATTERN.match(text.strip())
    if not m:
        raise TargetError(text)
    number = m.group(2).replace(".", "").replace(",", ".") if local else m.group(2)
    value = float(number)
    if not math.isfinite(value):
        raise TargetError(text)
    return Target(m.group(1), value)
