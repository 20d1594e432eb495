"""The draw-a-digit widget, headlessly: MNIST-style preprocessing, prediction, mouse events."""

import numpy as np
import pytest

from course_utils.data import load_dataset
from course_utils.mlp import MLP
from course_utils.preprocessing import flatten, scale_to_unit
from course_utils.widgets.digit_canvas import (
    CANVAS_SIZE,
    DigitCanvas,
    bounding_box,
    center_of_mass,
    draw_segment,
    mnist_preprocess,
    predict_digit,
    resize_area,
    shift_image,
)


@pytest.fixture(scope="module")
def mnist():
    return load_dataset("mnist-5k")


@pytest.fixture(scope="module")
def model(mnist):
    X = scale_to_unit(flatten(mnist.train_images))
    return MLP(hidden_sizes=(64,), epochs=3, seed=0).fit(X, mnist.train_labels)


def stroke_image():
    """A slanted bar, like a "1", drawn off-centre on the 280 x 280 canvas."""
    ink = np.zeros((CANVAS_SIZE, CANVAS_SIZE))
    draw_segment(ink, (200, 30), (230, 130), radius=6)
    return ink


def test_a_drawn_stroke_has_full_ink_inside_grey_edges_and_nothing_outside():
    ink = stroke_image()
    assert ink.max() == 1.0 and ink.min() == 0.0
    edge = ink[(ink > 0) & (ink < 1)]
    assert edge.size > 0  # anti-aliased border
    assert ink[250:, :].sum() == 0 and ink[:, :150].sum() == 0


def test_bounding_box_of_a_stroke_spans_its_ends_plus_the_pen_radius():
    top, bottom, left, right = bounding_box(stroke_image())
    assert 23 <= top <= 25 and 136 <= bottom <= 138  # y from 30 to 130, radius 6 + edge
    assert 193 <= left <= 195 and 236 <= right <= 238
    assert bounding_box(np.zeros((5, 5))) is None


def test_preprocessed_stroke_is_28x28_in_unit_range_centred_by_mass_and_fits_20x20():
    image = mnist_preprocess(stroke_image())
    assert image.shape == (28, 28) and image.dtype == np.float32
    assert image.min() >= 0.0 and image.max() <= 1.0
    row, col = center_of_mass(image)
    assert abs(row - 14) <= 0.5 and abs(col - 14) <= 0.5
    top, bottom, left, right = bounding_box(image, threshold=0.05)
    assert 19 <= bottom - top <= 22 and right - left < 12  # tall and thin: aspect ratio kept


def test_a_real_mnist_digit_decentred_and_enlarged_is_restored_close_to_the_original(mnist):
    # MNIST shifted its digits by whole pixels, this code by fractions of a pixel, so a
    # restored digit can sit up to half a pixel from the original: close, not identical.
    correlations = []
    for k in range(0, 1000, 100):  # ten test digits, one of each class
        original = mnist.test_images[k] / 255.0
        canvas = np.zeros((CANVAS_SIZE, CANVAS_SIZE))
        canvas[15:183, 100:268] = np.kron(original, np.ones((6, 6)))  # 6x larger, off-centre
        restored = mnist_preprocess(canvas)
        correlations.append(np.corrcoef(restored.ravel(), original.ravel())[0, 1])
        assert np.abs(restored - original).mean() < 0.06
    assert min(correlations) > 0.85 and np.mean(correlations) > 0.94


def test_area_resize_keeps_the_mean_and_shift_moves_the_centre_of_mass_exactly():
    rng = np.random.default_rng(0)
    image = rng.random((60, 40))
    assert resize_area(image, 20, 10).mean() == pytest.approx(image.mean())
    small = np.zeros((28, 28))
    small[10:14, 8:12] = 1.0
    moved = shift_image(small, 2.25, -1.5)
    assert center_of_mass(moved) == pytest.approx((13.75, 8.0))


def test_preprocessing_rejects_an_empty_or_unscaled_drawing():
    with pytest.raises(ValueError, match="empty"):
        mnist_preprocess(np.zeros((50, 50)))
    with pytest.raises(ValueError, match="255"):
        mnist_preprocess(np.full((5, 5), 200.0))
    with pytest.raises(ValueError, match="one drawing"):
        mnist_preprocess(np.zeros((2, 5, 5)))


def test_predict_digit_returns_ten_probabilities_and_reads_restored_digits(mnist, model):
    correct = 0
    for k in range(0, 1000, 50):
        original = mnist.test_images[k] / 255.0
        canvas = np.zeros((CANVAS_SIZE, CANVAS_SIZE))
        canvas[40:236, 10:206] = np.kron(original, np.ones((7, 7)))
        proba = predict_digit(model, mnist_preprocess(canvas))
        assert proba.shape == (10,) and proba.sum() == pytest.approx(1.0, abs=1e-5)
        correct += int(proba.argmax() == mnist.test_labels[k])
    assert correct >= 16  # of 20; the 3-epoch network reads ~90 % of the original images


def test_predict_digit_names_what_is_wrong_with_the_model():
    image = np.zeros((28, 28), np.float32)
    with pytest.raises(TypeError, match="predict_proba"):
        predict_digit(object(), image)

    class ThreeClasses:
        def predict_proba(self, X):
            return np.full((len(X), 3), 1 / 3)

    with pytest.raises(ValueError, match=r"\(1, 10\)"):
        predict_digit(ThreeClasses(), image)
    with pytest.raises(ValueError, match="28, 28"):
        predict_digit(ThreeClasses(), np.zeros(784))


def test_drawing_with_the_mouse_updates_the_bars_and_clear_resets_them(model):
    widget = DigitCanvas(model)
    events = widget.canvas._handle_frontend_event
    events(None, {"event": "mouse_down", "x": 140, "y": 40}, [])
    for y in range(50, 240, 10):
        events(None, {"event": "mouse_move", "x": 140, "y": y}, [])
    assert widget.predictions_ >= 1  # live while drawing
    events(None, {"event": "mouse_up", "x": 140, "y": 240}, [])
    proba = widget.probabilities
    assert proba.shape == (10,)
    assert [bar.value for bar in widget.bars] == pytest.approx(list(proba))
    assert f"<b>{proba.argmax()}</b>" in widget.caption.value
    events(None, {"event": "mouse_move", "x": 10, "y": 10}, [])  # pen up: no ink
    assert widget.ink[:20, :20].sum() == 0
    widget.clear_button.click()
    assert widget.ink.sum() == 0 and widget.probabilities is None
    assert all(bar.value == 0 for bar in widget.bars)
    assert "run the notebook" in repr(widget)


def test_digit_canvas_refuses_an_object_without_predict_proba():
    with pytest.raises(TypeError, match="predict_proba"):
        DigitCanvas("not a model")
