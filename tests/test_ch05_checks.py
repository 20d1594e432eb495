"""The notebook-05 checks (matching MLPClassifier, most-confused pair, per-class recall) on
student code written independently of the reference: correct variants pass, typical mistakes
are named. tests/test_exercise_checks.py already runs every ``wrong_solutions`` entry."""

import numpy as np
import pytest
from sklearn.metrics import confusion_matrix, recall_score
from sklearn.neural_network import MLPClassifier

from course_utils.checks import ch05
from course_utils.checks.feedback import Status


def _student_classifier(**mistakes):
    """A matching classifier written with keyword arguments in another order, lists, etc."""
    def build(config, seed=0):
        params = dict(random_state=seed, solver="sgd", momentum=0, batch_size=config["batch_size"],
                      hidden_layer_sizes=list(config["hidden_sizes"]),
                      learning_rate_init=config["learning_rate"], max_iter=config["epochs"],
                      alpha=config["batch_size"] * config["l2"], n_iter_no_change=10**6)
        params.update(mistakes)
        return MLPClassifier(**params)
    return build


def test_equivalent_spellings_pass():
    # a list of sizes, nesterovs_momentum left True (no effect without momentum), huge patience
    assert ch05.MATCHING.diagnose(_student_classifier()).status is Status.CORRECT


@pytest.mark.parametrize("mistakes, name", [
    (dict(solver="adam"), "default solver (adam)"),
    (dict(momentum=0.9), "momentum left at 0.9"),
    (dict(alpha=5e-4), "alpha not converted (alpha = l2)"),
    (dict(alpha=1e-4), "alpha left at its default"),
    (dict(early_stopping=True), "early stopping on"),
    (dict(batch_size="auto"), "batch size left at 'auto'"),
    (dict(n_iter_no_change=10), "training can stop before the last epoch"),
    (dict(hidden_layer_sizes=256), "only the first hidden layer"),
    (dict(hidden_layer_sizes=[256, 64, 10]), "output layer counted as hidden"),
])
def test_independent_mistakes_are_named(mistakes, name):
    feedback = ch05.MATCHING.diagnose(_student_classifier(**mistakes))
    assert feedback.status is Status.MISTAKE and feedback.mistake == name, feedback.render()


def test_returning_something_other_than_a_classifier_is_reported():
    feedback = ch05.MATCHING.diagnose(lambda config, seed=0: {"solver": "sgd"})
    assert feedback.status is Status.MISTAKE and "not an MLPClassifier" in feedback.message


def _plain_pair(cm):
    best, where = -1, None
    for t in range(len(cm)):
        for p in range(len(cm)):
            if t != p and cm[t][p] > best:
                best, where = cm[t][p], (t, p)
    return where


def test_loop_written_most_confused_pair_passes_and_swapped_loop_is_named():
    assert ch05.PAIR.diagnose(_plain_pair).status is Status.CORRECT
    swapped = ch05.PAIR.diagnose(lambda cm: _plain_pair(cm)[::-1])
    assert swapped.mistake == "rows and columns swapped"


def test_most_confused_pair_reference_ignores_the_diagonal():
    cm = np.array([[9, 1, 0], [4, 8, 2], [0, 3, 7]])
    assert ch05.most_confused_pair(cm) == (1, 0)


def test_recall_written_with_a_loop_passes_and_precision_is_named():
    def loop_recall(cm):
        return np.array([cm[c, c] / sum(cm[c, :]) for c in range(len(cm))])

    def loop_precision(cm):
        return np.array([cm[c, c] / sum(cm[:, c]) for c in range(len(cm))])

    assert ch05.RECALL.diagnose(loop_recall).status is Status.CORRECT
    assert ch05.RECALL.diagnose(loop_precision).mistake == "precision instead of recall"


def test_recall_reference_matches_sklearn():
    rng = np.random.default_rng(0)
    y_true, y_pred = rng.integers(0, 4, 200), rng.integers(0, 4, 200)
    np.testing.assert_allclose(ch05.per_class_recall(confusion_matrix(y_true, y_pred)),
                               recall_score(y_true, y_pred, average=None))
