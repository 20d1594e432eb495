"""course_utils.sklearn_bridge: the course MLP and scikit-learn's MLPClassifier agree on the
function they compute and on the SGD step they take; the L2 conversion is alpha = l2 * m."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from course_utils.mlp import MLP
from course_utils.optimizers import SGD
from course_utils.sklearn_bridge import fit_fixed_epochs, matching_mlp_classifier, to_sklearn_mlp


def _data(n=96, d=12, k=4, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(0, 1, size=(n, d)).astype(np.float32)
    y = np.arange(n) % k
    return X, y


def _fitted(hidden=(7, 5), l2=1e-3, epochs=3, seed=1):
    X, y = _data()
    return MLP(hidden_sizes=hidden, learning_rate=0.1, batch_size=16, epochs=epochs, l2=l2,
               seed=seed).fit(X, y), X, y


def test_copied_weights_give_the_same_probabilities_and_predictions():
    mlp, X, _ = _fitted()
    clf = to_sklearn_mlp(mlp)
    assert np.abs(clf.predict_proba(X) - mlp.predict_proba(X)).max() <= 1e-6
    np.testing.assert_array_equal(clf.predict(X), mlp.predict(X))
    assert clf.out_activation_ == "softmax" and clf.n_layers_ == 4


def test_copy_is_independent_of_the_course_network():
    mlp, X, _ = _fitted()
    clf = to_sklearn_mlp(mlp)
    before = clf.predict_proba(X)
    mlp.coefs_[0][...] = 0.0
    np.testing.assert_array_equal(clf.predict_proba(X), before)


@pytest.mark.parametrize("l2", [0.0, 1e-2])
def test_one_partial_fit_step_equals_one_course_sgd_step(l2):
    mlp, X, y = _fitted(l2=l2)
    xb, yb = X[:16], y[:16]
    _, grads = mlp.loss_and_gradients(xb, yb)
    expected = [p - 0.1 * grads[name] for name, p in mlp.parameters().items()]
    clf = to_sklearn_mlp(mlp)
    clf.partial_fit(xb, yb)
    got = [a for pair in zip(clf.coefs_, clf.intercepts_, strict=True) for a in pair]
    for e, g in zip(expected, got, strict=True):
        np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-6)


def test_unconverted_alpha_takes_a_different_step():
    mlp, X, y = _fitted(l2=1e-1)
    xb, yb = X[:16], y[:16]
    _, grads = mlp.loss_and_gradients(xb, yb)
    expected_W1 = mlp.coefs_[0] - 0.1 * grads["W1"]
    clf = to_sklearn_mlp(mlp).set_params(alpha=mlp.l2)
    clf.partial_fit(xb, yb)
    assert np.abs(clf.coefs_[0] - expected_W1).max() > 1e-4


def test_matching_classifier_uses_plain_sgd_and_converted_alpha():
    mlp = MLP(hidden_sizes=(32, 16), activation="sigmoid", learning_rate=0.05, batch_size=50,
              epochs=7, l2=2e-3, seed=9)
    p = matching_mlp_classifier(mlp).get_params()
    assert p["hidden_layer_sizes"] == (32, 16) and p["activation"] == "logistic"
    assert (p["solver"], p["momentum"], p["learning_rate"]) == ("sgd", 0.0, "constant")
    assert p["learning_rate_init"] == 0.05 and p["batch_size"] == 50 and p["max_iter"] == 7
    assert p["alpha"] == pytest.approx(2e-3 * 50)
    assert not p["early_stopping"] and p["n_iter_no_change"] >= 7 and p["random_state"] == 9


def test_matching_classifier_refuses_an_optimizer_without_counterpart():
    class Other(SGD):
        pass

    with pytest.raises(ValueError, match="plain SGD"):
        matching_mlp_classifier(MLP(optimizer=Other(0.1)))


def test_fit_fixed_epochs_runs_every_epoch_without_the_max_iter_warning():
    mlp = MLP(hidden_sizes=(8,), learning_rate=0.1, batch_size=16, epochs=4, seed=0)
    X, y = _data()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clf = fit_fixed_epochs(matching_mlp_classifier(mlp), X, y)
    assert clf.n_iter_ == 4 and clf.coefs_[0].dtype == np.float32


def test_fit_fixed_epochs_reports_early_stopping():
    X, y = _data()
    clf = MLPClassifier((4,), solver="sgd", learning_rate_init=1e-9, max_iter=50, tol=1.0,
                        n_iter_no_change=2, random_state=0)
    with pytest.raises(RuntimeError, match="stopped after"):
        fit_fixed_epochs(clf, X, y)


def test_bad_inputs_are_named():
    with pytest.raises(TypeError, match="course_utils.mlp.MLP"):
        to_sklearn_mlp(MLPClassifier())
    with pytest.raises(RuntimeError, match="no weights yet"):
        to_sklearn_mlp(MLP())
    with pytest.raises(TypeError, match="MLPClassifier"):
        fit_fixed_epochs(MLP(), *_data())
    with pytest.raises(ValueError, match="at least 3 classes"):
        to_sklearn_mlp(MLP(hidden_sizes=(3,)).initialize(5, 2))


def test_fit_fixed_epochs_lets_other_warnings_through():
    X, y = _data()
    mlp = MLP(hidden_sizes=(8,), learning_rate=0.1, batch_size=1000, epochs=2, seed=0)
    with pytest.warns(UserWarning, match="batch_size"):
        fit_fixed_epochs(matching_mlp_classifier(mlp), X, y)


def test_max_iter_warning_is_silenced_inside_the_block_only():
    from course_utils.sklearn_bridge import max_iter_warning_silenced

    X, y = _data()
    clf = MLPClassifier((4,), solver="sgd", max_iter=1, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with max_iter_warning_silenced():
            clf.fit(X, y)
    with pytest.warns(ConvergenceWarning, match="Maximum iterations"):
        clf.fit(X, y)
