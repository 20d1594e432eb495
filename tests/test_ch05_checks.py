"""Checks of notebook 05 recognise mistakes by their effect, however the student writes them.

tests/test_exercise_checks.py already hands every declared wrong solution to its check;
here, independently written implementations -- other spellings of the right answer and
of the typical mistakes -- are passed instead, so that a check cannot pass only because
the student's code happens to be the declared one."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import cross_val_score
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline

from course_utils.checks import ch05
from course_utils.checks.feedback import MODIFIED_INPUT, Status

# ---------------------------------------------------------------- 5.1 alpha


def test_alpha_written_another_way_passes():
    assert ch05.ALPHA.diagnose(lambda l2, batch_size: batch_size * l2).passed


@pytest.mark.parametrize("wrong, name", [
    (lambda l2, m: l2, "alpha not converted (alpha = l2)"),
    (lambda l2, m: l2 * (1 / m), "alpha divided by the batch size instead of multiplied"),
    (lambda l2, m: 64 * l2, "batch size hard-coded to 64"),
    (lambda l2, m: 0.5 * l2 * m, "off by a constant factor: the ½ of the penalty"),
    (lambda l2, m: -m * l2, "sign flipped"),
])
def test_alpha_mistakes_are_named(wrong, name):
    assert ch05.ALPHA.diagnose(wrong).mistake == name


def test_alpha_that_is_right_for_one_batch_size_only_is_rejected():
    feedback = ch05.ALPHA.diagnose(lambda l2, m: l2 * m if m == 64 else l2 * 64)
    assert feedback.status is Status.MISTAKE


def test_alpha_returned_as_text_is_reported():
    feedback = ch05.ALPHA.diagnose(lambda l2, m: f"{l2 * m}")
    assert feedback.status is Status.MISTAKE and "one number" in feedback.message


# ---------------------------------------------------------------- 5.2 matching classifier


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
    (dict(random_state=0), "seed hard-coded"),
    (dict(shuffle=False), "no reshuffling"),
])
def test_independent_mistakes_are_named(mistakes, name):
    feedback = ch05.MATCHING.diagnose(_student_classifier(**mistakes))
    assert feedback.status is Status.MISTAKE and feedback.mistake == name, feedback.render()


def test_a_parameter_off_in_an_unlisted_way_is_reported_with_its_value():
    feedback = ch05.MATCHING.diagnose(_student_classifier(max_iter=19))
    assert feedback.status is Status.MISTAKE and "max_iter = 19" in feedback.message


def test_classifier_right_only_for_the_first_configuration_is_rejected():
    def first_only(config, seed=0):
        return ch05.matching_classifier(ch05._CHECK_CONFIGS[0][0], seed)
    feedback = ch05.MATCHING.diagnose(first_only)
    assert feedback.status is Status.MISTAKE


def test_returning_something_other_than_a_classifier_is_reported():
    feedback = ch05.MATCHING.diagnose(lambda config, seed=0: {"solver": "sgd"})
    assert feedback.status is Status.MISTAKE and "not an MLPClassifier" in feedback.message


# ---------------------------------------------------------------- 5.3 leak-free scores


def test_cross_val_score_of_a_pipeline_passes():
    def with_pipeline(model, scaler, X, y, folds):
        return cross_val_score(make_pipeline(scaler, model), X, y, cv=folds)
    assert ch05.CV.diagnose(with_pipeline).passed


def test_a_loop_that_reuses_one_scaler_object_passes():
    def loop(model, scaler, X, y, folds):
        scores = []
        for train_idx, held_idx in folds:
            Z_train = scaler.fit_transform(X[train_idx])      # refitting resets the scaler
            net = clone(model).fit(Z_train, y[train_idx])
            scores.append(net.score(scaler.transform(X[held_idx]), y[held_idx]))
        return scores
    assert ch05.CV.diagnose(loop).passed


def test_scaling_everything_first_is_named_a_leak():
    def leaky(model, scaler, X, y, folds):
        Z = scaler.fit_transform(X)
        return cross_val_score(model, Z, y, cv=folds)
    assert ch05.CV.diagnose(leaky).mistake == "scaler fitted on all the data"


def test_fit_transform_on_the_held_out_fold_is_named():
    def own_statistics(model, scaler, X, y, folds):
        scores = []
        for t, h in folds:
            net = clone(model).fit(clone(scaler).fit_transform(X[t]), y[t])
            scores.append(net.score(clone(scaler).fit_transform(X[h]), y[h]))
        return np.array(scores)
    feedback = ch05.CV.diagnose(own_statistics)
    assert feedback.mistake == "held-out fold scaled with its own statistics"


def test_scaling_in_place_is_named():
    def in_place(model, scaler, X, y, folds):
        scores = []
        for t, h in folds:
            fitted = clone(scaler).fit(X[t])
            X[h] = fitted.transform(X[h])
            X[t] = fitted.transform(X[t])
            scores.append(clone(model).fit(X[t], y[t]).score(X[h], y[h]))
        return np.array(scores)
    assert ch05.CV.diagnose(in_place).mistake == MODIFIED_INPUT


def test_scores_computed_right_but_for_other_folds_are_named_folds_ignored():
    def fixed_split(model, scaler, X, y, folds):
        half = len(y) // 2
        t, h = np.arange(half), np.arange(half, len(y))
        return np.array([ch05.leak_free_scores(model, scaler, X, y, [(t, h)])[0]] * len(folds))
    feedback = ch05.CV.diagnose(fixed_split)
    assert feedback.mistake == "folds ignored"


# ---------------------------------------------------------------- 5.4 most-confused pair


def _loop_pair(cm):
    best, where = -1.0, None
    for t in range(len(cm)):
        total = sum(cm[t])
        for p in range(len(cm)):
            if t != p and total > 0 and cm[t][p] / total > best:
                best, where = cm[t][p] / total, (t, p)
    return where


def _largest_count(cm):
    off = np.where(np.eye(len(cm), dtype=bool), -1, cm)
    return tuple(int(i) for i in np.unravel_index(np.argmax(off), off.shape))


def test_loop_written_most_confused_pair_passes():
    assert ch05.PAIR.diagnose(_loop_pair).passed


@pytest.mark.parametrize("wrong, name", [
    (lambda cm: _loop_pair(cm)[::-1], "rows and columns swapped"),
    (lambda cm: _largest_count(cm), "counts instead of shares of the true class"),
    (lambda cm: _loop_pair(np.asarray(cm).T)[::-1],
     "shares of the predicted class (columns) instead of the true class"),
])
def test_pair_mistakes_written_independently_are_named(wrong, name):
    assert ch05.PAIR.diagnose(wrong).mistake == name


def test_pair_that_breaks_on_an_empty_class_is_named():
    def nan_shares(cm):
        share = np.asarray(cm) / np.asarray(cm).sum(axis=1, keepdims=True)
        np.fill_diagonal(share, -1)
        return np.unravel_index(np.argmax(share), share.shape)
    with np.errstate(invalid="ignore"):
        assert ch05.PAIR.diagnose(nan_shares).mistake == "0/0 for a class without samples"


def test_pair_reference_ignores_the_diagonal_and_uses_shares():
    cm = np.array([[90, 10, 0], [4, 8, 2], [0, 30, 970]])
    assert ch05.most_confused_pair(cm) == (1, 0)      # 4 of 14 beats 30 of 1,000 and 10 of 100


def test_an_unlisted_mix_of_rows_is_described_call_by_call():
    def train_on_all_score_on_train(model, scaler, X, y, folds):
        scores = []
        for t, _ in folds:
            fitted = clone(scaler).fit(X[t])
            net = clone(model).fit(fitted.transform(X), y)
            scores.append(net.score(fitted.transform(X[t]), y[t]))
        return np.array(scores)
    feedback = ch05.CV.diagnose(train_on_all_score_on_train)
    assert feedback.status is Status.MISTAKE and feedback.mistake is None
    assert "model.fit saw all rows" in feedback.message
    assert "model.predict saw training rows" in feedback.message
