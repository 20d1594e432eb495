"""course_utils.profiling: exact call counts of the functions asked about, the rest in one line."""

import pytest

from course_utils.profiling import OTHERS, profile_functions


def _leaf(x):
    return x + 1


def _work(n):
    return sum(_leaf(i) for i in range(n))


def test_counts_the_named_functions_in_the_order_asked_and_lumps_the_rest():
    lines = profile_functions(_work, 25, functions=["_leaf", "never_called"])
    assert [line.function for line in lines] == ["_leaf", "never_called", OTHERS]
    assert lines[0].calls == 25 and lines[1].calls == 0 and lines[1].seconds == 0.0
    assert all(line.seconds >= 0 for line in lines)


def test_lines_print_counts_and_the_masked_timing_pattern():
    text = str(profile_functions(_work, 1200, functions=["_leaf"])[0])
    assert text.startswith("_leaf") and "1,200 calls" in text
    assert text.endswith(" s)") and "(took " in text


def test_functions_must_be_a_list_of_names():
    with pytest.raises(TypeError, match="list of function names"):
        profile_functions(_work, 1, functions="_leaf")
    with pytest.raises(TypeError, match="list of function names"):
        profile_functions(_work, 1, functions=[])
