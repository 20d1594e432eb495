"""The computational-graph figure of notebook 03: shapes follow the layer sizes, colours the
palette, bad sizes are refused with a message."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from course_utils.plotting.computational_graph import (  # noqa: E402
    BACKWARD_COLOR,
    draw_computational_graph,
)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def _texts(fig):
    return [t.get_text() for t in fig.axes[0].texts]


def test_graph_labels_every_array_with_the_shape_of_the_given_layer_sizes():
    fig = draw_computational_graph((20, 7, 3))
    assert isinstance(fig, Figure)
    joined = "\n".join(_texts(fig))
    for shape in ["(n, 20)", "(n, 7)", "(n, 3)", "(20, 7)", "(7, 3)", "(7,)", "(3,)"]:
        assert shape in joined, shape
    assert "784" not in joined
    assert fig.axes[0].get_title().startswith("The 20-7-3 network")


def test_graph_draws_every_gradient_in_the_backward_colour():
    texts = draw_computational_graph().axes[0].texts
    gradients = [t for t in texts if t.get_text().startswith("$d")]
    assert len(gradients) == 5      # dZ1, dH, dZ2 under the boxes, dW1/db1 and dW2/db2 above
    assert all(to_hex(t.get_color()) == BACKWARD_COLOR.lower() for t in gradients)
    assert any("(P - Y)/n" in t.get_text() for t in texts)


def test_graph_has_one_forward_and_one_backward_arrow_between_neighbouring_boxes():
    ax = draw_computational_graph().axes[0]
    colours = [to_hex(a.arrow_patch.get_edgecolor()) for a in ax.texts
               if getattr(a, "arrow_patch", None)]
    assert colours.count(BACKWARD_COLOR.lower()) == 5
    assert colours.count("#000000") == 5 + 2        # five along the row, two from the weights


@pytest.mark.parametrize("sizes", [(784, 10), (784, 0, 10), (784, 128.0, 10), "784-128-10",
                                   (784, True, 10)])
def test_graph_refuses_anything_but_three_positive_integer_sizes(sizes):
    with pytest.raises(ValueError, match=r"three positive integers.*\(784, 128, 10\)"):
        draw_computational_graph(sizes)
