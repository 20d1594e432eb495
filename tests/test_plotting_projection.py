"""2-D projections: every class drawn in its own colour and marker, named at its median."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_utils.plotting.palette import class_styles  # noqa: E402
from course_utils.plotting.projection import plot_projection  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def _clusters():
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(3), 20)
    points = rng.normal(size=(60, 2)) * 0.1 + np.array([[0, 0], [5, 0], [0, 5]])[labels]
    return points, labels


def test_each_class_gets_its_own_style_and_its_name_at_its_median():
    points, labels = _clusters()
    fig = plot_projection(points, labels, ["a", "b", "c"], title="three clusters")
    ax = fig.axes[0]
    assert [c.get_label() for c in ax.collections] == ["a", "b", "c"]
    colours = [tuple(c.get_facecolor()[0][:3]) for c in ax.collections]
    assert len(set(colours)) == 3
    texts = {t.get_text(): t.xy for t in ax.texts}
    assert set(texts) == {"a", "b", "c"}
    np.testing.assert_allclose(texts["b"], np.median(points[labels == 1], axis=0))
    assert ax.get_title() == "three clusters" and ax.get_xlabel() and ax.get_ylabel()
    assert len(class_styles(3)) == 3


def test_projection_refuses_points_that_are_not_two_dimensional():
    with pytest.raises(ValueError, match=r"shape \(n, 2\).*\(5, 3\)"):
        plot_projection(np.zeros((5, 3)), np.zeros(5, dtype=int), title="x")


def test_projection_refuses_float_labels_and_too_few_names():
    points, labels = _clusters()
    with pytest.raises(ValueError, match="integer labels"):
        plot_projection(points, labels.astype(float), title="x")
    with pytest.raises(ValueError, match="only 2 class names"):
        plot_projection(points, labels, ["a", "b"], title="x")
