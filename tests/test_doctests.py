"""The >>> examples in the modules' docstrings are tests too."""

import doctest

import pytest

import wardlib.explore
import wardlib.fmt
import wardlib.narrative
import wardlib.params
import wardlib.periods
import wardlib.targets


@pytest.mark.parametrize("module", [wardlib.explore, wardlib.fmt, wardlib.narrative, wardlib.params, wardlib.periods, wardlib.targets])
def test_docstring_examples(module):
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
