"""Checks of notebook 06 beyond the shared contract in test_exercise_checks.py: the references
agree with Keras, and wrong solutions of every applicable kind are rejected by name."""

import numpy as np
import pytest

from course_utils.checks import ch06
from course_utils.checks.feedback import (
    MODIFIED_INPUT,
    OFF_BY_FACTOR,
    SIGN_FLIPPED,
    TRUNCATED_DTYPE,
    Status,
    cast,
    modifies_input,
    negated,
    scaled,
)
from course_utils.keras_setup import setup_keras

keras = setup_keras(seed=0)


def _conv_inputs(n=2, h=7, w=9, kh=2, kw=3, c_in=3, c_out=4, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(n, h, w, c_in)).astype(np.float32),
            rng.normal(size=(kh, kw, c_in, c_out)).astype(np.float32),
            rng.normal(size=c_out).astype(np.float32))


# ---------------------------------------------------------------- the convolution references


def test_reference_convolution_equals_keras_conv2d_on_the_same_weights():
    images, kernels, bias = _conv_inputs()
    layer = keras.layers.Conv2D(4, (2, 3))   # no activation, "valid", stride 1
    layer.build((None, 7, 9, 3))
    layer.set_weights([kernels, bias])
    np.testing.assert_allclose(ch06.conv2d(images, kernels, bias), np.asarray(layer(images)),
                               rtol=1e-5, atol=1e-5)


def test_one_image_reference_is_the_batch_reference_for_a_batch_of_one():
    images, kernels, bias = _conv_inputs(n=1)
    out = ch06.conv2d_loops(images[0], kernels, bias)
    assert out.shape == (6, 7, 4)
    np.testing.assert_array_equal(out, ch06.conv2d(images, kernels, bias)[0])


@pytest.mark.parametrize("args, says", [
    (lambda i, k, b: (i[0], k, b), r"images must be \(n, h, w, c_in\)"),
    (lambda i, k, b: (i, k[..., :2, :], b), "the images have 3 channel"),
    (lambda i, k, b: (i, k, b[:3]), r"bias must be \(4,\)"),
    (lambda i, k, b: (i[:, :1], k, b), "does not fit"),
])
def test_reference_convolution_refuses_inconsistent_shapes_and_says_which(args, says):
    with pytest.raises(ValueError, match=says):
        ch06.conv2d(*args(*_conv_inputs()))


@pytest.mark.parametrize("exercise", [ch06.CONV_LOOPS, ch06.CONV_BATCH], ids=["loops", "batch"])
@pytest.mark.parametrize("wrong, mistake", [
    (lambda ref: scaled(ref, 2.0), OFF_BY_FACTOR),
    (negated, SIGN_FLIPPED),
    (lambda ref: cast(ref, np.int64), TRUNCATED_DTYPE),
    (lambda ref: modifies_input(ref, 0), MODIFIED_INPUT),
], ids=["factor", "sign", "integer dtype", "input changed in place"])
def test_structural_mistakes_in_a_convolution_are_named(exercise, wrong, mistake):
    feedback = exercise.diagnose(wrong(exercise.reference))
    assert feedback.status is Status.MISTAKE, feedback.render()
    assert feedback.mistake == mistake, feedback.render()


def test_a_hand_written_textbook_convolution_is_recognised_as_a_flipped_kernel():
    def convolution(image, kernels, bias):   # loops with the kernel index reversed
        kh, kw, _, c_out = kernels.shape
        out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1, c_out))
        for i in range(out.shape[0]):
            for j in range(out.shape[1]):
                for f in range(c_out):
                    for u in range(kh):
                        for v in range(kw):
                            out[i, j, f] += np.dot(image[i + u, j + v],
                                                   kernels[kh - 1 - u, kw - 1 - v, :, f])
                    out[i, j, f] += bias[f]
        return out

    feedback = ch06.CONV_LOOPS.diagnose(convolution)
    assert feedback.mistake == "kernel flipped (a convolution in the textbook sense)"
    assert "cross-correlation" in feedback.message


def test_square_only_loops_are_rejected_on_a_non_square_kernel():
    def square_only(image, kernels, bias):   # uses kh for both window sides
        k = kernels.shape[0]
        out = np.zeros((image.shape[0] - k + 1, image.shape[1] - k + 1, kernels.shape[3]))
        for i in range(out.shape[0]):
            for j in range(out.shape[1]):
                window = image[i:i + k, j:j + k]
                out[i, j] = np.einsum("uvc,uvcf->f", window, kernels[:, :k]) + bias
        return out

    feedback = ch06.CONV_LOOPS.diagnose(square_only)
    assert feedback.status is Status.MISTAKE
    assert "kernels (2, 3, 2, 4)" in feedback.message


def test_output_with_rows_and_columns_swapped_is_rejected_with_both_shapes():
    feedback = ch06.CONV_LOOPS.diagnose(
        lambda image, kernels, bias: ch06.conv2d_loops(image, kernels, bias).transpose(1, 0, 2))
    assert feedback.status is Status.MISTAKE
    assert "(4, 3, 3)" in feedback.message and "(3, 4, 3)" in feedback.message


def test_only_the_first_input_channel_is_rejected_as_wrong_values():
    def first_channel(image, kernels, bias):
        return ch06.conv2d_loops(image[:, :, :1], kernels[:, :, :1], bias)

    feedback = ch06.CONV_LOOPS.diagnose(first_channel)
    assert feedback.status is Status.MISTAKE and "wrong values" in feedback.message


def test_a_batch_version_that_only_convolves_the_first_image_is_rejected():
    def first_image_everywhere(images, kernels, bias):
        one = ch06.conv2d_loops(images[0], kernels, bias)
        return np.stack([one] * len(images))

    feedback = ch06.CONV_BATCH.diagnose(first_image_everywhere)
    assert feedback.status is Status.MISTAKE and "wrong values" in feedback.message


def test_a_correct_loop_over_the_images_passes_because_the_check_compares_values():
    def per_image(images, kernels, bias):
        return np.stack([ch06.conv2d_loops(image, kernels, bias) for image in images])

    assert ch06.CONV_BATCH.diagnose(per_image).passed


def test_float32_arithmetic_in_the_students_code_is_accepted():
    def in_float32(image, kernels, bias):
        return ch06.conv2d_loops(image.astype(np.float32), kernels.astype(np.float32),
                                 bias.astype(np.float32))

    assert ch06.CONV_LOOPS.diagnose(in_float32).passed


# ---------------------------------------------------------------- parameter count


@pytest.mark.parametrize("kernel_size, in_channels, filters", [(3, 1, 16), (3, 16, 32), (5, 3, 8)])
def test_reference_count_equals_what_keras_counts(kernel_size, in_channels, filters):
    layer = keras.layers.Conv2D(filters, kernel_size)
    layer.build((None, 12, 12, in_channels))
    assert ch06.conv2d_param_count(kernel_size, in_channels, filters) == layer.count_params()


def test_an_integer_valued_float_is_reported_as_the_wrong_type():
    feedback = ch06.CONV_PARAMS.diagnose(lambda k, c, f: float(k * k * c * f + f))
    assert feedback.status is Status.MISTAKE
    assert "a count is an integer" in feedback.render()


def test_a_numpy_integer_count_is_accepted():
    assert ch06.CONV_PARAMS.diagnose(lambda k, c, f: np.int64(k * k * c * f + f)).passed


def test_a_loop_over_filters_that_forgets_the_bias_is_named():
    def loop(kernel_size, in_channels, filters):
        total = 0
        for _ in range(filters):
            total += kernel_size * kernel_size * in_channels
        return total

    assert ch06.CONV_PARAMS.diagnose(loop).mistake == "bias forgotten"


def test_a_count_that_swaps_in_channels_and_filters_in_the_bias_is_named():
    feedback = ch06.CONV_PARAMS.diagnose(lambda k, c, f: k * k * f * c + c)
    assert feedback.mistake == "one bias per input channel"


def test_a_hard_coded_count_is_rejected():
    assert ch06.CONV_PARAMS.diagnose(lambda k, c, f: 4640).status is Status.MISTAKE


# ---------------------------------------------------------------- a CNN from its description


def test_the_reference_cnn_has_the_students_parameter_counts():
    model = ch06.build_cnn((32, 64, 64), 54, 10, (28, 28, 1))
    convs = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
    assert [layer.count_params() for layer in convs] == [320, 18_496, 36_928]
    assert model.count_params() == 87_452
    assert model.output_shape == (None, 10)


def test_separate_relu_layers_are_the_same_network():
    def separate(filters, dense_units, n_classes=10, input_shape=(28, 28, 1)):
        layers = [keras.Input(input_shape)]
        for i, count in enumerate(filters):
            layers += [keras.layers.Conv2D(count, 3), keras.layers.ReLU()]
            if i < len(filters) - 1:
                layers.append(keras.layers.MaxPooling2D(2))
        layers += [keras.layers.Flatten(), keras.layers.Dense(dense_units),
                   keras.layers.Activation("relu"), keras.layers.Dense(n_classes)]
        return keras.Sequential(layers)

    assert ch06.BUILD_CNN.diagnose(separate).passed


def test_an_extra_dropout_layer_is_reported_as_the_layer_that_differs():
    def with_dropout(filters, dense_units, n_classes=10, input_shape=(28, 28, 1)):
        model = ch06.build_cnn(filters, dense_units, n_classes, input_shape)
        layers = [keras.Input(input_shape), *model.layers[:-1], keras.layers.Dropout(0.5),
                  model.layers[-1]]
        return keras.Sequential(layers)

    feedback = ch06.BUILD_CNN.diagnose(with_dropout)
    assert feedback.status is Status.MISTAKE and feedback.mistake is None
    assert "Dropout" in feedback.message


def test_a_wrong_window_size_names_the_first_layer_that_differs():
    def five_by_five(filters, dense_units, n_classes=10, input_shape=(28, 28, 1)):
        layers = [keras.Input(input_shape)]
        for i, count in enumerate(filters):
            layers.append(keras.layers.Conv2D(count, 5 if i == 0 else 3, activation="relu"))
            if i < len(filters) - 1:
                layers.append(keras.layers.MaxPooling2D(2))
        layers += [keras.layers.Flatten(), keras.layers.Dense(dense_units, activation="relu"),
                   keras.layers.Dense(n_classes)]
        return keras.Sequential(layers)

    feedback = ch06.BUILD_CNN.diagnose(five_by_five)
    assert "layer 1 (after the input) differs" in feedback.message
    assert "(24, 24, 32)" in feedback.message and "(26, 26, 32)" in feedback.message


def test_a_model_without_an_input_shape_is_told_to_start_with_keras_input():
    def no_input(filters, dense_units, n_classes=10, input_shape=(28, 28, 1)):
        return keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(n_classes)])

    feedback = ch06.BUILD_CNN.diagnose(no_input)
    assert feedback.status is Status.MISTAKE and "keras.Input" in feedback.hint


def test_returning_the_layers_instead_of_a_model_is_named():
    feedback = ch06.BUILD_CNN.diagnose(lambda *args: [keras.layers.Dense(10)])
    assert feedback.status is Status.MISTAKE and "not a Keras model" in feedback.message
