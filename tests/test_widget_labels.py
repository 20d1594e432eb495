"""Descriptions with tooltips (course_utils.widgets.labels)."""

import ipywidgets as widgets
import pytest

from course_utils.widgets.labels import text_with_tooltip, with_label


def test_with_label_carries_the_tooltip_on_label_and_control_and_wants_no_description():
    dropdown = widgets.Dropdown(options=["a", "b"])
    row = with_label(dropdown, "letter", "Pick a <letter>")
    label, control = row.children
    assert control is dropdown and dropdown.tooltip == "Pick a <letter>"
    assert label.value == '<span title="Pick a &lt;letter&gt;">letter</span>'
    with pytest.raises(ValueError, match="description=''"):
        with_label(widgets.Dropdown(options=["a"], description="x"), "x", "tip")


def test_text_with_tooltip_escapes_both_and_shows_the_tooltip_on_the_text():
    line = text_with_tooltip("a < b", 'say "hi"')
    assert line.value == '<span title="say &quot;hi&quot;">a &lt; b</span>'
    assert line.tooltip == 'say "hi"'
