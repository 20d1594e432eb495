"""Metrics: accuracy, confusion matrix (rows = truth), per-class accuracy, most-confused pairs."""

import numpy as np
import pytest
from sklearn.metrics import confusion_matrix as sk_confusion_matrix

from course_utils.metrics import (
    accuracy,
    accuracy_interval,
    confusion_matrix,
    most_confused_pairs,
    per_class_accuracy,
    required_test_size,
    wilson_interval,
)

Y_TRUE = np.array([0, 1, 2, 2, 1, 0, 2, 2])
Y_PRED = np.array([0, 2, 2, 1, 1, 0, 1, 0])


def test_accuracy_is_the_fraction_of_correct_predictions():
    assert accuracy(Y_TRUE, Y_PRED) == pytest.approx(4 / 8)


def test_confusion_matrix_counts_true_rows_against_predicted_columns_like_sklearn():
    cm = confusion_matrix(Y_TRUE, Y_PRED)
    np.testing.assert_array_equal(cm, sk_confusion_matrix(Y_TRUE, Y_PRED))
    assert cm[2, 1] == 2 and cm[1, 2] == 1
    np.testing.assert_array_equal(cm.sum(axis=1), np.bincount(Y_TRUE))


def test_confusion_matrix_has_num_classes_rows_even_for_absent_classes():
    cm = confusion_matrix(Y_TRUE, Y_PRED, num_classes=5)
    assert cm.shape == (5, 5) and cm[3:].sum() == 0 and cm.sum() == len(Y_TRUE)


def test_per_class_accuracy_is_the_diagonal_over_row_sums_and_nan_for_empty_classes():
    acc = per_class_accuracy(confusion_matrix(Y_TRUE, Y_PRED, num_classes=4))
    np.testing.assert_allclose(acc[:3], [1.0, 0.5, 0.25])
    assert np.isnan(acc[3])


def test_most_confused_pairs_lists_off_diagonal_counts_largest_first():
    cm = confusion_matrix(Y_TRUE, Y_PRED)
    assert most_confused_pairs(cm, k=2) == [(2, 1, 2), (1, 2, 1)]
    assert most_confused_pairs(cm, k=10) == [(2, 1, 2), (1, 2, 1), (2, 0, 1)]


def test_most_confused_pairs_of_a_perfect_classifier_is_empty():
    assert most_confused_pairs(confusion_matrix(Y_TRUE, Y_TRUE)) == []


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: accuracy(Y_TRUE, Y_PRED[:3]), ValueError, "same shape|one shape"),
        (lambda: accuracy(Y_TRUE, np.eye(8)), ValueError, "argmax"),
        (lambda: accuracy(Y_TRUE, Y_PRED.astype(float)), TypeError, "integer"),
        (lambda: confusion_matrix(Y_TRUE, Y_PRED, num_classes=2), ValueError, "num_classes=2"),
        (lambda: confusion_matrix(Y_TRUE - 1, Y_PRED), ValueError, "negative"),
        (lambda: most_confused_pairs(np.ones((2, 3), int)), ValueError, "square"),
        (lambda: most_confused_pairs(np.eye(3, dtype=int), k=0), ValueError, "positive"),
    ],
)
def test_bad_inputs_raise_clear_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_wilson_interval_matches_the_published_values():
    # Newcombe (1998), Statistics in Medicine 17:857, Table I: 81/263 -> 0.2553 to 0.3662.
    low, high = wilson_interval(81, 263)
    assert (round(low, 4), round(high, 4)) == (0.2553, 0.3662)


def test_wilson_interval_stays_inside_zero_one_at_the_extremes():
    assert wilson_interval(0, 10)[0] == 0.0 and wilson_interval(10, 10)[1] == 1.0
    low, high = wilson_interval(10, 10)
    assert 0.6 < low < 0.8


def test_a_hundred_test_images_leave_about_eight_points_of_uncertainty():
    estimate = accuracy_interval(np.array([0] * 79 + [1] * 21), np.zeros(100, dtype=int))
    assert estimate.accuracy == 0.79 and 0.075 < estimate.half_width < 0.085
    assert str(estimate) == "79.0 % (95 % CI 70.0–85.8 %, n = 100)"


def test_required_test_size_inverts_the_half_width():
    n = required_test_size(0.93, 0.005)
    assert 9_900 < n < 10_100
    low, high = wilson_interval(round(0.93 * n), n)
    assert (high - low) / 2 == pytest.approx(0.005, rel=0.02)


@pytest.mark.parametrize("args, message", [
    ((5, 0), "total is 0"), ((6, 5), "more than total"), ((-1, 5), "non-negative"),
    ((1.5, 5), "non-negative integer"),
])
def test_wilson_interval_rejects_impossible_counts(args, message):
    with pytest.raises(ValueError, match=message):
        wilson_interval(*args)


def test_runs_summary_reports_the_spread_between_seeds_and_one_runs_interval():
    from course_utils.metrics import summarize_runs

    summary = summarize_runs([0.93, 0.933, 0.937, 0.929, 0.923], n_test=1000)
    assert summary.mean == pytest.approx(0.9304) and summary.low == 0.923
    assert summary.sd == pytest.approx(np.std([0.93, 0.933, 0.937, 0.929, 0.923], ddof=1))
    low, high = wilson_interval(930, 1000)
    assert summary.run_half_width == pytest.approx((high - low) / 2)
    assert str(summary) == ("93.0 % ± 0.5 (sd of 5 seeds; range 92.3–93.7 %; one run's 95 % CI "
                            "±1.6 points, n = 1,000)")


@pytest.mark.parametrize("accuracies, n_test, message", [
    ([0.9], 100, "at least 2 seeds"),
    ([93.0, 94.0], 100, "fractions in \\[0, 1\\]"),
    ([0.9, 0.8], 0, "n_test must be a positive integer"),
])
def test_runs_summary_rejects_bad_input(accuracies, n_test, message):
    from course_utils.metrics import summarize_runs

    with pytest.raises(ValueError, match=message):
        summarize_runs(accuracies, n_test)
