"""Descriptions with tooltips for controls whose description ipywidgets leaves without one.

ipywidgets 8 puts a control's ``tooltip`` on its description label, except for a
drop-down with a description: there the tooltip is shown nowhere. :func:`with_label`
gives such a control an HTML description that carries the tooltip, and moves the
tooltip onto the control itself (ipywidgets does that when the description is empty).
An ``HTML`` widget puts its tooltip on a hidden label; :func:`text_with_tooltip`
makes a line of text whose tooltip shows.
"""

from __future__ import annotations

import html

import ipywidgets as widgets


def with_label(control: widgets.DOMWidget, text: str, tooltip: str,
               width: str = "110px") -> widgets.HBox:
    """``control`` preceded by the label ``text``, both showing ``tooltip`` on hover.

    The control's own ``description`` must be empty (it is replaced by the label).
    """
    if getattr(control, "description", ""):
        raise ValueError(f"with_label replaces the description; create the control with "
                         f"description='' (got {control.description!r}).")
    control.tooltip = tooltip
    label = text_with_tooltip(text, tooltip)
    label.layout.width = width
    return widgets.HBox([label, control])


def text_with_tooltip(text: str, tooltip: str) -> widgets.HTML:
    """A line of text that shows ``tooltip`` on hover (ipywidgets' ``HTML`` shows none itself)."""
    return widgets.HTML(f'<span title="{html.escape(tooltip)}">{html.escape(text)}</span>',
                        tooltip=tooltip)
