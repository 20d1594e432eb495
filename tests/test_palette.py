"""The course palette: Okabe-Ito categories, no red-green pair, one colour per name."""

import matplotlib.colors as mcolors
import pytest

from course_utils.plotting.palette import (
    MODEL_COLORS,
    OKABE_ITO,
    OPTIMIZER_COLORS,
    SPLIT_COLORS,
    class_styles,
    color_of,
    sequential_colors,
)


@pytest.mark.parametrize("table", [MODEL_COLORS, OPTIMIZER_COLORS, SPLIT_COLORS])
def test_every_category_colour_is_okabe_ito_and_distinct_within_its_table(table):
    assert set(table.values()) <= set(OKABE_ITO.values())
    assert len(set(table.values())) == len(table)


def test_no_table_uses_pure_red_or_pure_green():
    for table in (MODEL_COLORS, OPTIMIZER_COLORS, SPLIT_COLORS):
        for colour in table.values():
            r, g, b = mcolors.to_rgb(colour)
            assert not (r > 0.8 and g < 0.3 and b < 0.3), colour
            assert not (g > 0.8 and r < 0.3 and b < 0.3), colour


def test_sequential_colours_are_ordered_dark_to_light():
    colours = sequential_colors(6)
    luminance = [0.2126 * r + 0.7152 * g + 0.0722 * b for r, g, b, _ in colours]
    assert luminance == sorted(luminance) and len(colours) == 6
    with pytest.raises(ValueError, match="positive integer"):
        sequential_colors(0)


def test_color_of_finds_any_course_name_and_says_where_to_add_a_new_one():
    assert color_of("course MLP") == MODEL_COLORS["course MLP"]
    assert color_of("Adam") == OPTIMIZER_COLORS["Adam"]
    with pytest.raises(KeyError, match="palette.py"):
        color_of("ResNet")


def test_class_styles_give_ten_classes_distinct_markers_and_okabe_ito_colours():
    styles = class_styles(10)
    assert len({marker for _, marker in styles}) == 10
    assert {colour for colour, _ in styles} <= set(OKABE_ITO.values())
    assert len(set(class_styles(90))) == 90
    with pytest.raises(ValueError, match="from 1 to 90"):
        class_styles(0)
