"""A notebook's parameters, checked against the types its ``parameters`` cell declares.

papermill never checks types (FIELD-NOTES; papermill #55, #396): its command line turns
``-p parent 866`` into the integer 866, and a page that compares unit codes as text then draws
nothing, silently. Each notebook therefore calls :func:`check_parameters` first thing after its
parameters: the declared types come from the parameters cell itself (``parent: str = "82"``
leaves ``{"parent": str}`` in the kernel's ``__annotations__``), so there is no second list of
types to keep in step, and nothing is read from disk.

A whole number given where text is declared is taken as its digits (unit codes, years: what
``-p`` makes of them); anything else of the wrong type stops the notebook with a message that
names the parameter, what it must be and how to pass it.
"""

from __future__ import annotations

from typing import Any, MutableMapping

# How a type is named in messages, and papermill's option that passes a value as it is.
_TYPE_NAMES = {str: "text (str)", int: "a whole number (int)", float: "a number (float)", bool: "true/false (bool)"}


class ParameterError(TypeError):
    """A notebook parameter of the wrong type, with what to pass instead."""


def check_parameters(namespace: MutableMapping[str, Any], notebook: str = "") -> dict[str, Any]:
    """Check (and where unambiguous, convert) the parameters in ``namespace``; return them.

    ``namespace`` is the notebook's ``globals()``: the parameters cell's annotations say which
    names are parameters and of which type. Converted values are written back into it.

    >>> ns = {"__annotations__": {"parent": str, "lang": str}, "parent": 866, "lang": "vi"}
    >>> check_parameters(ns)
    {'parent': '866', 'lang': 'vi'}
    >>> check_parameters({"__annotations__": {"lang": str}, "lang": ["vi"]})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    wardlib.params.ParameterError: parameter 'lang' must be text (str), not ['vi'] (list); with papermill ...
    """
    declared = {k: t for k, t in namespace.get("__annotations__", {}).items() if isinstance(t, type)}
    where = f" of {notebook}" if notebook else ""
    checked: dict[str, Any] = {}
    for name, kind in declared.items():
        if name not in namespace:
            continue
        value = namespace[name]
        if kind is str and isinstance(value, int) and not isinstance(value, bool):
            value = str(value)  # 866 from `-p parent 866`: the code is its digits
        elif kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        elif not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            hint = f"with papermill write -r {name} VALUE to pass it as text" if kind is str else \
                f"with papermill write -p {name} VALUE"
            raise ParameterError(
                f"parameter {name!r}{where} must be {_TYPE_NAMES.get(kind, kind.__name__)}, "
                f"not {value!r} ({type(value).__name__}); {hint}")
        namespace[name] = value
        checked[name] = value
    return checked
