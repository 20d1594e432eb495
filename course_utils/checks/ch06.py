"""Checks for the exercise of notebook 06, *Keras: dense network and CNN*.

* ``conv2d_param_count(kernel_size, in_channels, filters)``: the number of trainable
  parameters of ``keras.layers.Conv2D(filters, kernel_size)`` applied to an input with
  ``in_channels`` channels (square kernels, with bias): each filter has
  ``kernel_size * kernel_size * in_channels`` weights and one bias.

The check recognises the typical counting mistakes by what they compute (see
:mod:`course_utils.checks.feedback`).
"""

from __future__ import annotations

import numbers

import numpy as np

from course_utils.checks.feedback import (
    Exercise,
    Feedback,
    KnownMistake,
    Status,
    call_student,
    compare_arrays,
    diagnose,
    stop,
)

_CONV = "conv2d_param_count"


def conv2d_param_count(kernel_size: int, in_channels: int, filters: int) -> int:
    """Trainable parameters of a 2-D convolution with square kernels and biases.

    Example: 16 filters of 3 x 3 on 1 channel: ``3 * 3 * 1 * 16 + 16 = 160``.
    """
    return kernel_size * kernel_size * in_channels * filters + filters


_CONV_MISTAKES = {
    "bias forgotten": (
        "Your count leaves out the biases: each filter also has one bias, added after the "
        "weighted sum.",
        "Add one parameter per filter.",
        lambda k, c, f: k * k * c * f),
    "input channels forgotten": (
        "Your count gives each filter a single k x k window, but a filter spans all input "
        "channels: it has k * k weights for each of them.",
        "Multiply the window size by in_channels.",
        lambda k, c, f: k * k * f + f),
    "kernel size not squared": (
        "Your count uses kernel_size once, but a k x k window has k * k positions.",
        "Use kernel_size * kernel_size weights per input channel.",
        lambda k, c, f: k * c * f + f),
    "one bias per weight": (
        "Your count gives every weight its own bias; a filter has one bias in total, shared "
        "by all positions of the image.",
        "Add one bias per filter, not per weight.",
        lambda k, c, f: 2 * k * k * c * f),
}


def _diagnose_conv(student_fn) -> Feedback:
    mistakes = [KnownMistake(name, explanation, hint, compute)
                for name, (explanation, hint, compute) in _CONV_MISTAKES.items()]

    def procedure() -> str:
        for args in ((3, 16, 32), (5, 3, 8), (3, 1, 16)):
            got = call_student(_CONV, student_fn, *args)
            compare_arrays(_CONV, got, np.asarray(conv2d_param_count(*args)), inputs=args,
                           mistakes=mistakes, what=f"the count for {args}")
            if isinstance(got, bool) or not isinstance(got, (numbers.Integral, np.integer)):
                stop(_CONV, Status.MISTAKE,
                     f"conv2d_param_count{args} returned {got!r} of type {type(got).__name__}; "
                     "a count is an integer.",
                     hint="Multiply and add the integer arguments; avoid `/` and float().")
        return ("k * k * in_channels weights per filter plus one bias: 4,640 for 32 filters "
                "3 x 3 on 16 channels.")

    return diagnose(_CONV, procedure)


CONV_PARAMS = Exercise(
    name=_CONV,
    reference=conv2d_param_count,
    diagnosis=_diagnose_conv,
    wrong_solutions={name: spec[2] for name, spec in _CONV_MISTAKES.items()},
)


def check_conv2d_param_count(student_fn):
    """Check exercise 6.1; returns the function to use from here on."""
    return CONV_PARAMS.check(student_fn)


EXERCISES = [CONV_PARAMS]
