"""Checks of notebook 06 beyond the shared contract in test_exercise_checks.py."""

import pytest

from course_utils.checks import ch06
from course_utils.checks.feedback import Status
from course_utils.keras_setup import setup_keras


@pytest.mark.parametrize("kernel_size, in_channels, filters", [(3, 1, 16), (3, 16, 32), (5, 3, 8)])
def test_reference_count_equals_what_keras_counts(kernel_size, in_channels, filters):
    keras = setup_keras(seed=0)
    layer = keras.layers.Conv2D(filters, kernel_size)
    layer.build((None, 12, 12, in_channels))
    assert ch06.conv2d_param_count(kernel_size, in_channels, filters) == layer.count_params()


def test_an_integer_valued_float_is_reported_as_the_wrong_type():
    feedback = ch06.CONV_PARAMS.diagnose(lambda k, c, f: float(k * k * c * f + f))
    assert feedback.status is Status.MISTAKE
    assert "a count is an integer" in feedback.render()


def test_a_loop_over_filters_that_forgets_the_bias_is_named():
    def loop(kernel_size, in_channels, filters):
        total = 0
        for _ in range(filters):
            total += kernel_size * kernel_size * in_channels
        return total

    assert ch06.CONV_PARAMS.diagnose(loop).mistake == "bias forgotten"
