"""Checks for the exercises of notebook 06, *Keras: dense network and CNN*.

Four exercises, in the order the notebook asks for them:

* ``conv2d_loops(image, kernels, bias)``: one image through a convolution layer, written
  with Python loops. ``image`` is ``(h, w, c_in)``, ``kernels`` ``(kh, kw, c_in, c_out)``
  (the layout of a Keras ``Conv2D`` layer's ``kernel``), ``bias`` ``(c_out,)``; the result
  is ``(h - kh + 1, w - kw + 1, c_out)`` ("valid" padding, stride 1, no activation)::

      out[i, j, f] = bias[f] + sum over u, v, c of image[i + u, j + v, c] * kernels[u, v, c, f]

* ``conv2d(images, kernels, bias)``: the same for a batch ``(n, h, w, c_in)`` ->
  ``(n, h - kh + 1, w - kw + 1, c_out)``, without loops over pixels (what ``Conv2D``
  computes before its activation). The check compares values, so it cannot tell whether
  loops were used: a correct loop over the images passes;
* ``conv2d_param_count(kernel_size, in_channels, filters)``: the trainable parameters
  of ``keras.layers.Conv2D(filters, kernel_size)`` on ``in_channels`` channels;
* ``build_cnn(filters, dense_units, n_classes, input_shape)``: a Keras CNN built from a
  description (3 x 3 ReLU convolutions, 2 x 2 max-pooling after each but the last,
  flatten, one dense ReLU layer, a linear output layer of logits).

Each mistake is declared once, as a :class:`~course_utils.checks.feedback.Mistake` whose
``wrong`` function is the mistaken code itself: the checks recognise a mistake by
computing what that code returns, and the test suite feeds the same code to the checks
(see :mod:`course_utils.checks.feedback`).

A mistake whose code cannot run on some probe (it indexes the kernel's channel axes the
wrong way round, which only works when there are as many input as output channels) is
skipped on that probe; :func:`_name_mistake` is the local version of the framework's
recognition that allows this.
"""

from __future__ import annotations

import numbers
import sys

import numpy as np

from course_utils.checks.feedback import (
    Exercise,
    Feedback,
    Mistake,
    Status,
    arrays_match,
    call_student,
    compare_arrays,
    diagnose,
    stop,
)
from course_utils.i18n import N_, tr, tr_text

# ---------------------------------------------------------------- the convolution itself


def conv2d(images: np.ndarray, kernels: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """A batch of images through a 2-D convolution ("valid" padding, stride 1, no activation).

    Args:
        images: ``(n, h, w, c_in)`` floats, channels last as in Keras.
        kernels: ``(kh, kw, c_in, c_out)``: ``kernels[:, :, :, f]`` is filter ``f``, the
            layout of ``keras.layers.Conv2D(...).kernel``.
        bias: ``(c_out,)``, one per filter.

    Returns:
        ``(n, h - kh + 1, w - kw + 1, c_out)``:
        ``out[s, i, j, f] = bias[f]
        + sum over u, v, c of images[s, i + u, j + v, c] * kernels[u, v, c, f]``.
        This is a cross-correlation (the kernel is not flipped), which is what every deep
        learning library calls a convolution.
    """
    images, kernels, bias = (np.asarray(a) for a in (images, kernels, bias))
    if images.ndim != 4:
        raise ValueError(tr("conv2d: images must be (n, h, w, c_in), got shape {shape}; for one "
                            "image use conv2d(image[np.newaxis], ...)[0].", shape=images.shape))
    _check_kernels(images.shape[1:], kernels, bias, "conv2d")
    windows = np.lib.stride_tricks.sliding_window_view(images, kernels.shape[:2], axis=(1, 2))
    # windows: (n, h', w', c_in, kh, kw); sum over the window and the input channels
    return np.einsum("nijcuv,uvcf->nijf", windows, kernels) + bias


def conv2d_loops(image: np.ndarray, kernels: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """One image ``(h, w, c_in)`` through the convolution of :func:`conv2d`.

    Returns ``(h - kh + 1, w - kw + 1, c_out)``. (The exercise writes it with loops; this
    reference computes the same numbers with :func:`conv2d`.)
    """
    image = np.asarray(image)
    if image.ndim != 3:
        raise ValueError(tr("conv2d_loops: image must be (h, w, c_in), got shape {shape}.",
                            shape=image.shape))
    return conv2d(image[np.newaxis], kernels, bias)[0]


def _check_kernels(image_shape, kernels, bias, who: str) -> None:
    if kernels.ndim != 4:
        raise ValueError(tr("{who}: kernels must be (kh, kw, c_in, c_out), got shape {shape}.",
                            who=who, shape=kernels.shape))
    kh, kw, c_in, c_out = kernels.shape
    if image_shape[2] != c_in:
        raise ValueError(tr("{who}: the images have {channels} channel(s) but the kernels expect "
                            "c_in = {c_in} (kernels {shape}).", who=who,
                            channels=image_shape[2], c_in=c_in, shape=kernels.shape))
    if bias.shape != (c_out,):
        raise ValueError(tr("{who}: bias must be ({c_out},), one per filter, got {shape}.",
                            who=who, c_out=c_out, shape=bias.shape))
    if kh > image_shape[0] or kw > image_shape[1]:
        raise ValueError(tr("{who}: a {kh} x {kw} kernel does not fit in a {h} x {w} image.",
                            who=who, kh=kh, kw=kw, h=image_shape[0], w=image_shape[1]))


# The typical mistakes, each written once as the wrong code for one image; the batch
# exercise gets the same mistakes applied to every image of the batch.


def _flipped(image, kernels, bias):
    return conv2d_loops(image, kernels[::-1, ::-1], bias)


def _same_padding(image, kernels, bias):
    kh, kw = kernels.shape[:2]
    padded = np.pad(image, (((kh - 1) // 2, kh // 2), ((kw - 1) // 2, kw // 2), (0, 0)))
    return conv2d_loops(padded, kernels, bias)


def _one_position_short(image, kernels, bias):
    return conv2d_loops(image, kernels, bias)[:-1, :-1]


def _bias_forgotten(image, kernels, bias):
    return conv2d_loops(image, kernels, np.zeros_like(bias))


def _relu_applied(image, kernels, bias):
    return np.maximum(conv2d_loops(image, kernels, bias), 0)


def _channel_axes_swapped(image, kernels, bias):
    return conv2d_loops(image, kernels.transpose(0, 1, 3, 2), bias)   # needs c_in == c_out


def _pytorch_layout(image, kernels, bias):
    # kernels read as (c_out, c_in, kh, kw): kernels[f, c, u, v] used for weight (u, v, c, f)
    return conv2d_loops(image, kernels.transpose(2, 3, 1, 0), bias)


def _window_transposed(image, kernels, bias):
    return conv2d_loops(image, kernels.transpose(1, 0, 2, 3), bias)


_CONV_MISTAKES = (
    (N_("kernel flipped (a convolution in the textbook sense)"),
     N_("Your result is what you get with the kernel turned by 180 degrees: "
        "kernels[kh - 1 - u, kw - 1 - v] instead of kernels[u, v]. That is convolution as "
        "mathematics and signal processing define it. Keras, PyTorch and every other deep "
        "learning library compute the cross-correlation instead: the weight at window "
        "position (u, v) multiplies the pixel at (i + u, j + v)."),
     N_("Use kernels[u, v, c, f] with image[i + u, j + v, c]; do not reverse the kernel."),
     _flipped),
    (N_("'same' padding instead of 'valid'"),
     N_("Your output has the size of the input: you padded the image with zeros so that the "
        "window can also sit over the border. Keras' default, padding='valid', only places the "
        "window where it fits entirely inside the image."),
     N_("The output has h - kh + 1 rows and w - kw + 1 columns; do not pad."),
     _same_padding),
    (N_("one window position too few"),
     N_("Your output has one row and one column too few: the last window position is missing. "
        "A kh-row window fits at rows 0, 1, ..., h - kh: that is h - kh + 1 positions."),
     N_("Loop over range(h - kh + 1) and range(w - kw + 1)."),
     _one_position_short),
    (N_("bias forgotten"),
     N_("Your values are the weighted sums without the bias: each filter f also adds bias[f] "
        "to every one of its output values."),
     N_("Add bias[f] to each output value of filter f (or add the whole bias vector at the end)."),
     _bias_forgotten),
    (N_("ReLU applied"),
     N_("Your result has no negative values: you applied a ReLU. The exercise asks for what the "
        "layer computes before its activation, which can be negative."),
     N_("Return the weighted sums plus bias, without np.maximum(..., 0)."),
     _relu_applied),
    (N_("kernel's input and output channel axes swapped"),
     N_("You used kernels[u, v, f, c] where the weight for input channel c of filter f is "
        "kernels[u, v, c, f]: in Keras' layout the third axis is the input channel and the last "
        "the filter."),
     N_("kernels has shape (kh, kw, c_in, c_out): index it as kernels[u, v, c, f]."),
     _channel_axes_swapped),
    (N_("kernel read in PyTorch's layout"),
     N_("You read the kernel as (c_out, c_in, kh, kw), PyTorch's layout, with kernels[f, c, u, v]. "
        "Keras stores it as (kh, kw, c_in, c_out)."),
     N_("Index the weight of filter f, input channel c, window position (u, v) as "
        "kernels[u, v, c, f]."),
     _pytorch_layout),
    (N_("window rows and columns swapped"),
     N_("You multiplied the pixel at (i + u, j + v) by kernels[v, u] instead of kernels[u, v]: the "
        "kernel is used transposed. The first axis of the kernel runs down the rows of the image."),
     N_("Pair kernels[u, v] with image[i + u, j + v]: u with rows, v with columns."),
     _window_transposed),
)


def _batched(wrong_for_one_image):
    def wrong(images, kernels, bias):
        return np.stack([wrong_for_one_image(image, kernels, bias) for image in images])
    return wrong


def _conv_probes() -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Images, kernels, biases that tell the mistakes apart (float64)."""
    rng = np.random.default_rng(6)
    zeros = 100 * rng.normal(size=(4, 5, 1))
    zeros[1:3] = 0.0   # exact zeros, and large values around them
    return [
        # square kernel, as many input as output channels: the channel axes can be confused
        (rng.normal(size=(5, 6, 3)), rng.normal(size=(3, 3, 3, 3)), rng.normal(size=3)),
        # non-square image and kernel, c_in != c_out
        (rng.normal(size=(6, 7, 2)), rng.normal(size=(2, 3, 2, 4)), rng.normal(size=4)),
        (zeros, rng.normal(size=(3, 2, 1, 2)), np.zeros(2)),
        # a kernel as large as the image: a single window position
        (rng.normal(size=(3, 3, 2)), rng.normal(size=(3, 3, 2, 1)), np.array([0.5])),
    ]


def _name_mistake(exercise: str, got, expected, inputs, mistakes) -> None:
    """Stop with the name of the first mistake whose code returns ``got`` on ``inputs``.

    Like the recognition inside ``compare_arrays``, except that a mistake whose code
    raises on these inputs is skipped (it cannot have produced ``got`` here).
    """
    if arrays_match(got, expected, _RTOL, _ATOL):
        return
    for mistake in mistakes:
        try:
            with np.errstate(all="ignore"):
                wrong = mistake.wrong(*(np.copy(a) for a in inputs))
        except (ValueError, IndexError):
            continue
        if arrays_match(got, wrong, _RTOL, _ATOL):
            stop(exercise, Status.MISTAKE, tr_text(mistake.explanation),
                 hint=tr_text(mistake.hint),
                 mistake=mistake.name)


_RTOL, _ATOL = 1e-4, 1e-5   # float32 accumulation in the student's code is fine

_LOOPS = "conv2d_loops"
_LOOPS_MISTAKES = tuple(Mistake(name, explanation, hint, wrong)
                        for name, explanation, hint, wrong in _CONV_MISTAKES)


def _diagnose_loops(student_fn) -> Feedback:
    def procedure() -> str:
        for image, kernels, bias in _conv_probes():
            inputs = (image, kernels, bias)
            got = call_student(_LOOPS, student_fn, *inputs)
            expected = conv2d_loops(*inputs)
            if got is not None:
                _name_mistake(_LOOPS, got, expected, inputs, _LOOPS_MISTAKES)
            compare_arrays(_LOOPS, got, expected, inputs=inputs, rtol=_RTOL, atol=_ATOL,
                           what=tr("the output for an image {image} and kernels {kernels}",
                                   image=image.shape, kernels=kernels.shape))
        return tr("Tried square and non-square images and kernels, 1 to 4 channels, exact zeros "
                  "and a kernel as large as the image: output (h - kh + 1, w - kw + 1, c_out).")

    return diagnose(_LOOPS, procedure)


CONV_LOOPS = Exercise(name=_LOOPS, reference=conv2d_loops, diagnosis=_diagnose_loops,
                      mistakes=_LOOPS_MISTAKES)


def check_conv2d_loops(student_fn):
    """Check exercise 6.1; returns the function to use from here on."""
    return CONV_LOOPS.check(student_fn)


_BATCH = "conv2d"


def _batch_summed(images, kernels, bias):
    return conv2d(images, kernels, bias).sum(axis=0)


_BATCH_MISTAKES = (
    *(Mistake(name, explanation, hint, _batched(wrong))
      for name, explanation, hint, wrong in _CONV_MISTAKES),
    Mistake("images of the batch summed together",
            "Your result has no batch axis: it is the sum of the outputs of all the images. "
            "The sum in a convolution runs over the window (u, v) and the input channels c, "
            "never over the samples.",
            "Keep the batch axis in the output: with einsum, the letter of the batch axis "
            "must appear after the arrow.",
            _batch_summed),
)


def _batch_probes():
    rng = np.random.default_rng(7)
    probes = []
    for image, kernels, bias in _conv_probes():
        others = rng.normal(size=(2, *image.shape))   # three different images in one batch
        probes.append((np.concatenate([image[np.newaxis], others]), kernels, bias))
    return probes


def _diagnose_batch(student_fn) -> Feedback:
    def procedure() -> str:
        for images, kernels, bias in _batch_probes():
            inputs = (images, kernels, bias)
            got = call_student(_BATCH, student_fn, *inputs)
            expected = conv2d(*inputs)
            if got is not None:
                _name_mistake(_BATCH, got, expected, inputs, _BATCH_MISTAKES)
            compare_arrays(_BATCH, got, expected, inputs=inputs, rtol=_RTOL, atol=_ATOL,
                           what=tr("the output for images {images} and kernels {kernels}",
                                   images=images.shape, kernels=kernels.shape))
        return tr("Batches of 3 different images, square and non-square kernels, 1 to 4 "
                  "channels: every image gets its own (h - kh + 1, w - kw + 1, c_out) output.")

    return diagnose(_BATCH, procedure)


CONV_BATCH = Exercise(name=_BATCH, reference=conv2d, diagnosis=_diagnose_batch,
                      mistakes=_BATCH_MISTAKES)


def check_conv2d(student_fn):
    """Check exercise 6.2; returns the function to use from here on."""
    return CONV_BATCH.check(student_fn)


# ---------------------------------------------------------------- parameters of a convolution

_CONV = "conv2d_param_count"


def conv2d_param_count(kernel_size: int, in_channels: int, filters: int) -> int:
    """Trainable parameters of a 2-D convolution with square kernels and biases.

    Each filter has ``kernel_size * kernel_size * in_channels`` weights (its window spans
    every input channel) and one bias. Example: 16 filters of 3 x 3 on 1 channel:
    ``3 * 3 * 1 * 16 + 16 = 160``.
    """
    return kernel_size * kernel_size * in_channels * filters + filters


_COUNT_MISTAKES = (
    Mistake("bias forgotten",
            "Your count leaves out the biases: each filter also has one bias, added after the "
            "weighted sum.",
            "Add one parameter per filter.",
            lambda k, c, f: k * k * c * f),
    Mistake("input channels forgotten",
            "Your count gives each filter a single k x k window, but a filter spans all input "
            "channels: it has k * k weights for each of them.",
            "Multiply the window size by in_channels.",
            lambda k, c, f: k * k * f + f),
    Mistake("kernel size not squared",
            "Your count uses kernel_size once, but a k x k window has k * k positions.",
            "Use kernel_size * kernel_size weights per input channel.",
            lambda k, c, f: k * c * f + f),
    Mistake("one bias per weight",
            "Your count gives every weight its own bias; a filter has one bias in total, "
            "shared by all positions of the image.",
            "Add one bias per filter, not per weight.",
            lambda k, c, f: 2 * k * k * c * f),
    Mistake("one bias per input channel",
            "Your count adds in_channels biases: the biases belong to the filters (one each, "
            "added to the filter's output), not to the input channels.",
            "Add one bias per filter, that is `filters` biases.",
            lambda k, c, f: k * k * c * f + c),
    Mistake("counted one filter only",
            "Your count is that of a single filter: the layer has `filters` of them, each "
            "with its own weights and bias.",
            "Multiply the parameters of one filter by the number of filters.",
            lambda k, c, f: k * k * c + 1),
)

#: (kernel_size, in_channels, filters): in_channels != filters everywhere, so that the two
#: cannot be confused without the count changing; 1 x 1 and 7 x 7 windows too.
_COUNT_PROBES = ((3, 16, 32), (5, 3, 8), (3, 1, 16), (1, 4, 2), (7, 2, 5))


def _diagnose_count(student_fn) -> Feedback:
    def procedure() -> str:
        for args in _COUNT_PROBES:
            got = call_student(_CONV, student_fn, *args)
            compare_arrays(_CONV, got, np.asarray(conv2d_param_count(*args)), inputs=args,
                           mistakes=_COUNT_MISTAKES, what=tr("the count for {args}", args=args))
            if isinstance(got, bool) or not isinstance(got, (numbers.Integral, np.integer)):
                stop(_CONV, Status.MISTAKE,
                     tr("conv2d_param_count{args} returned {got!r} of type {got_type}; a count "
                        "is an integer.", args=args, got=got, got_type=type(got).__name__),
                     hint=tr("Multiply and add the integer arguments; avoid `/` and float()."))
        return tr("k * k * in_channels weights per filter plus one bias: 4,640 for 32 filters "
                  "3 x 3 on 16 channels.")

    return diagnose(_CONV, procedure)


CONV_PARAMS = Exercise(name=_CONV, reference=conv2d_param_count, diagnosis=_diagnose_count,
                       mistakes=_COUNT_MISTAKES)


def check_conv2d_param_count(student_fn):
    """Check exercise 6.3; returns the function to use from here on."""
    return CONV_PARAMS.check(student_fn)


# ---------------------------------------------------------------- a CNN from its description

_BUILD = "build_cnn"


def _keras():
    """The ``keras`` module, started on the course's backend if nothing started it yet."""
    if "keras" in sys.modules:
        return sys.modules["keras"]
    from course_utils.keras_setup import setup_keras

    return setup_keras()


def build_cnn(filters, dense_units: int, n_classes: int = 10, input_shape=(28, 28, 1)):
    """The CNN of the description in notebook 06, as a ``keras.Sequential``.

    ``keras.Input(input_shape)``; for each entry of ``filters`` a ``Conv2D`` with that many
    3 x 3 filters, "valid" padding and ReLU, followed by a 2 x 2 ``MaxPooling2D`` except
    after the last convolution; ``Flatten``; ``Dense(dense_units)`` with ReLU; and
    ``Dense(n_classes)`` without activation (the model returns logits). A ReLU written as
    a separate ``Activation``/``ReLU`` layer after a linear layer is the same network and
    counts as such.
    """
    keras = _keras()
    layers = [keras.Input(tuple(input_shape))]
    for i, count in enumerate(filters):
        layers.append(keras.layers.Conv2D(count, 3, activation="relu"))
        if i < len(filters) - 1:
            layers.append(keras.layers.MaxPooling2D(2))
    layers += [keras.layers.Flatten(), keras.layers.Dense(dense_units, activation="relu"),
               keras.layers.Dense(n_classes)]
    return keras.Sequential(layers)


def _wrong_cnn(filters, dense_units, n_classes, input_shape, *, output="linear",
               padding="valid", pool_last=False, flatten=True, conv_activation="relu"):
    keras = _keras()
    layers = [keras.Input(tuple(input_shape))]
    for i, count in enumerate(filters):
        layers.append(keras.layers.Conv2D(count, 3, padding=padding, activation=conv_activation))
        if i < len(filters) - 1 or pool_last:
            layers.append(keras.layers.MaxPooling2D(2))
    layers += [keras.layers.Flatten()] if flatten else []
    layers += [keras.layers.Dense(dense_units, activation="relu"),
               keras.layers.Dense(n_classes, activation=output)]
    return keras.Sequential(layers)


#: The description's own numbers (a student's network), then others, so that a function
#: that ignores its arguments is caught: two convolutions, 5 classes, non-square images with
#: 3 channels. (Its filter counts are the first probe's, so that Keras, which compiles the
#: initialisation of every new weight shape, builds it quickly.)
_BUILD_PROBES = (((32, 64, 64), 54, 10, (28, 28, 1)), ((32, 64), 20, 5, (20, 24, 3)))

_BUILD_MISTAKES = (
    Mistake("sigmoid output layer",
            "Your last layer applies a sigmoid. The course trains with "
            "SparseCategoricalCrossentropy(from_logits=True), which expects logits: on the JAX "
            "backend the loss would apply a softmax to sigmoid outputs (section 4 of the "
            "notebook), and predict() would return scores that are not probabilities.",
            "Leave the output layer without activation: Dense(n_classes).",
            lambda f, d, n, s: _wrong_cnn(f, d, n, s, output="sigmoid")),
    Mistake("softmax output layer",
            "Your last layer applies a softmax, so the model returns probabilities; the course's "
            "loss is built with from_logits=True and would apply a softmax a second time.",
            "Leave the output layer without activation: Dense(n_classes), and apply "
            "keras.ops.softmax to the logits when you want probabilities.",
            lambda f, d, n, s: _wrong_cnn(f, d, n, s, output="softmax")),
    Mistake("'same' padding",
            "Your convolutions keep the image size (padding='same'); the description uses "
            "Keras' default, padding='valid', which shrinks each side by kernel_size - 1 = 2.",
            "Do not pass padding='same' to Conv2D.",
            lambda f, d, n, s: _wrong_cnn(f, d, n, s, padding="same")),
    Mistake("max-pooling after the last convolution too",
            "You pool after every convolution; the description pools after each one except the "
            "last, which feeds Flatten directly.",
            "Add MaxPooling2D only between two convolutions.",
            lambda f, d, n, s: _wrong_cnn(f, d, n, s, pool_last=True)),
    Mistake("Flatten forgotten",
            "Without Flatten, Dense acts on the last axis of each position of the feature maps, "
            "so the model outputs a grid of logits instead of one vector per image.",
            "Put keras.layers.Flatten() between the last convolution and the first Dense layer.",
            lambda f, d, n, s: _wrong_cnn(f, d, n, s, flatten=False)),
    Mistake("convolutions without ReLU",
            "Your convolutions are linear (no activation): two linear layers in a row compute "
            "nothing one layer could not, so the network loses most of its power.",
            "Pass activation=\"relu\" to each Conv2D.",
            lambda f, d, n, s: _wrong_cnn(f, d, n, s, conv_activation=None)),
    Mistake("the description's numbers hard-coded",
            "Your function builds the network of the description whatever its arguments: called "
            "with filters=(32, 64), dense_units=20, n_classes=5 and input_shape=(20, 24, 3) "
            "it still returns the 32-64-64 network for 28 x 28 grey images and 10 classes.",
            "Use the arguments filters, dense_units, n_classes and input_shape inside the "
            "function.",
            lambda f, d, n, s: build_cnn(*_BUILD_PROBES[0])),
)


def model_summary(model) -> list[tuple]:
    """One row per layer: ``(type, output shape without the batch axis, parameters, details)``.

    ``details`` holds what decides the computation beyond the shapes: the activation of
    ``Dense``/``Conv2D`` layers, the padding and kernel size of ``Conv2D``, the pool size of
    pooling layers. A separate ``Activation``/``ReLU`` layer is folded into the layer before
    it, so ``Conv2D(8, 3)`` + ``ReLU()`` reads like ``Conv2D(8, 3, activation="relu")``.
    """
    keras = _keras()
    rows: list[list] = []
    for layer in model.layers:
        if isinstance(layer, (keras.layers.Activation, keras.layers.ReLU)) and rows \
                and rows[-1][3].get("activation") == "linear":
            folded = "relu" if isinstance(layer, keras.layers.ReLU) else _activation(layer)
            rows[-1][3]["activation"] = folded
            rows[-1][1] = tuple(layer.output.shape[1:])
            continue
        details = {}
        if hasattr(layer, "activation"):
            details["activation"] = _activation(layer)
        if isinstance(layer, keras.layers.Conv2D):
            details.update(padding=layer.padding, kernel_size=tuple(layer.kernel_size),
                           strides=tuple(layer.strides))
        if hasattr(layer, "pool_size"):
            details["pool_size"] = tuple(layer.pool_size)
        rows.append([type(layer).__name__, tuple(layer.output.shape[1:]), layer.count_params(),
                     details])
    return [tuple(row) for row in rows]


def _activation(layer) -> str:
    keras = _keras()
    name = keras.activations.serialize(layer.activation)
    return name if isinstance(name, str) else getattr(layer.activation, "__name__", "?")


def _describe(row) -> str:
    kind, shape, params, details = row
    extra = ", ".join(f"{k} {v}" for k, v in details.items())
    return tr("{kind} -> {shape}, {params:,} parameters", kind=kind, shape=shape,
              params=params) + (f" ({extra})" if extra else "")


def _diagnose_build(student_fn) -> Feedback:
    keras = _keras()

    def procedure() -> str:
        for args in _BUILD_PROBES:
            model = call_student(_BUILD, student_fn, *args)
            if not isinstance(model, keras.Model):
                stop(_BUILD, Status.MISTAKE,
                     tr("build_cnn{args} returned {got_type}, not a Keras model.",
                        args=args, got_type=type(model).__name__),
                     hint=tr("Return the keras.Sequential([...]) you built."))
            try:
                got = model_summary(model)
            except (ValueError, AttributeError):
                stop(_BUILD, Status.MISTAKE,
                     tr("Your model has no input shape yet, so its layers have no output "
                        "shapes."),
                     hint=tr("Start the list of layers with keras.Input(input_shape)."))
            expected = model_summary(build_cnn(*args))
            if got == expected:
                continue
            for mistake in _BUILD_MISTAKES:
                if model_summary(mistake.wrong(*args)) == got:
                    stop(_BUILD, Status.MISTAKE, tr_text(mistake.explanation),
                         hint=tr_text(mistake.hint), mistake=mistake.name)
            _stop_at_first_difference(args, got, expected)
        return tr("Layer types, output shapes, parameter counts, activations and padding match "
                  "the description, for its own numbers (87,452 parameters) and for others.")

    return diagnose(_BUILD, procedure)


def _stop_at_first_difference(args, got, expected) -> None:
    call = f"build_cnn{args}"
    for position, (mine, theirs) in enumerate(zip(got, expected, strict=False), start=1):
        if mine != theirs:
            stop(_BUILD, Status.MISTAKE,
                 tr("For {call}, layer {position} (after the input) differs.\n"
                    "  yours:    {yours}\n  expected: {expected}", call=call,
                    position=position, yours=_describe(mine), expected=_describe(theirs)),
                 hint=tr("Compare your layers one by one with the description; model.summary() "
                         "shows the shapes and counts."))
    row = (got if len(got) > len(expected) else expected)[min(len(got), len(expected))]
    counts = {"call": call, "got": len(got), "expected": len(expected), "row": _describe(row)}
    if len(got) > len(expected):
        message = tr("For {call}, your model has {got} layers after the input, the description "
                     "{expected}; the first extra one is: {row}.", **counts)
    else:
        message = tr("For {call}, your model has {got} layers after the input, the description "
                     "{expected}; the first missing one is: {row}.", **counts)
    stop(_BUILD, Status.MISTAKE, message,
         hint=tr("Compare your layers one by one with the description; model.summary() shows "
                 "the shapes and counts."))


BUILD_CNN = Exercise(name=_BUILD, reference=build_cnn, diagnosis=_diagnose_build,
                     mistakes=_BUILD_MISTAKES)


def check_build_cnn(student_fn):
    """Check exercise 6.4; returns the function to use from here on."""
    return BUILD_CNN.check(student_fn)


EXERCISES = [CONV_LOOPS, CONV_BATCH, CONV_PARAMS, BUILD_CNN]
