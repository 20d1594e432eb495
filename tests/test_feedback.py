"""The check framework names structural mistakes in any exercise (course_utils/checks/feedback.py)."""

import numpy as np
import pytest

from course_utils.checks import feedback as fb
from course_utils.checks.feedback import Exercise, Mistake, Status


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


Z = np.array([[1.0, 2.0, 0.5], [0.1, -1.0, 3.0], [2.0, 2.0, -2.0], [0.0, 0.3, 0.2]])


def verdict(procedure):
    return fb.diagnose("demo", procedure)


def compare(got, expected=None, **kwargs):
    expected = softmax(Z) if expected is None else expected

    def procedure():
        fb.compare_arrays("demo", got, expected, **kwargs)
        return "fine"
    return verdict(procedure)


def test_an_argument_changed_in_place_is_named_with_the_parameter():
    def shifting_softmax(z):
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    feedback = verdict(lambda: fb.call_student("demo", shifting_softmax, Z) and "fine")
    assert feedback.mistake == fb.MODIFIED_INPUT and "`z`" in feedback.message


def test_arrays_inside_a_dict_count_as_inputs_too():
    def decays(params):
        params["W"] *= 0.5

    params = {"W": np.ones((2, 3))}
    feedback = verdict(lambda: fb.call_student("demo", decays, params) or "fine")
    assert feedback.mistake == fb.MODIFIED_INPUT


def test_an_update_the_exercise_asks_for_is_allowed():
    def decays(params):
        params["W"] *= 0.5

    params = {"W": np.ones((2, 3))}
    feedback = verdict(lambda: fb.call_student("demo", decays, params, may_modify=("params",))
                       or "fine")
    assert feedback.status is Status.CORRECT and params["W"][0, 0] == 0.5


def test_a_transposed_result_is_named():
    assert compare(softmax(Z).T).mistake == fb.TRANSPOSED


def test_a_flipped_sign_is_named():
    assert compare(-softmax(Z)).mistake == fb.SIGN_FLIPPED


def test_a_constant_factor_is_named_with_its_value():
    feedback = compare(2.5 * softmax(Z))
    assert feedback.mistake == fb.OFF_BY_FACTOR and "multiplied by 2.5" in feedback.message


def test_a_known_factor_is_named_by_its_meaning():
    feedback = compare(softmax(Z) / 4, factors={"the batch size": 4})
    assert feedback.mistake == "off by a constant factor: the batch size"
    assert "(4) times too small" in feedback.message


@pytest.mark.parametrize("transform, name", [(np.square, fb.SQUARED), (np.sqrt, fb.SQUARE_ROOT)])
def test_a_square_or_square_root_too_many_is_named(transform, name):
    assert compare(transform(softmax(Z))).mistake == name


def test_rows_that_do_not_sum_to_one_are_named_for_probabilities():
    feedback = compare(np.exp(Z), probabilities=True)
    assert feedback.mistake == fb.NOT_NORMALISED and "sum to" in feedback.message


def test_normalising_over_the_wrong_axis_is_named():
    e = np.exp(Z - Z.max(axis=0))
    assert compare(e / e.sum(axis=0), probabilities=True).mistake == fb.WRONG_AXIS_NORMALISED


def test_an_integer_buffer_that_truncates_is_named():
    expected = np.array([[0.5, 1.75], [2.25, 3.5]])
    assert compare(expected.astype(np.uint8), expected).mistake == fb.TRUNCATED_DTYPE


def test_swapped_outputs_are_named():
    expected = (np.ones((2, 3)), np.full((2, 3), 2.0))

    def procedure():
        fb.compare_outputs("demo", (expected[1], expected[0]), expected, ("dx", "dW"))
        return "fine"
    feedback = verdict(procedure)
    assert feedback.mistake == fb.OUTPUTS_SWAPPED and "`dx`" in feedback.message


def test_a_result_that_ignores_an_argument_is_named():
    def loss(z, labels):
        return -np.log(softmax(z)[np.arange(len(z)), 0]).mean()   # always class 0

    def reference(z, labels):
        return -np.log(softmax(z)[np.arange(len(z)), labels]).mean()

    labels = np.array([0, 2, 1, 1])

    def procedure():
        fb.require_dependence("demo", loss, reference, (Z, labels), 1, labels[::-1].copy(),
                              "labels")
        return "fine"
    feedback = verdict(procedure)
    assert feedback.mistake == fb.IGNORES_ARGUMENT and "`labels`" in feedback.message


def test_one_declaration_gives_both_the_recognition_and_the_self_test():
    wrong_axis = Mistake("softmax along the wrong axis", "Columns sum to 1.", "Use axis=1.",
                         wrong=lambda z: np.exp(z) / np.exp(z).sum(axis=0))

    def diagnosis(student_fn):
        def procedure():
            got = fb.call_student("softmax", student_fn, Z)
            fb.compare_arrays("softmax", got, softmax(Z), inputs=(Z,), mistakes=[wrong_axis])
            return "fine"
        return fb.diagnose("softmax", procedure)

    exercise = Exercise("softmax", softmax, diagnosis, mistakes=[wrong_axis],
                        wrong_solutions={fb.OFF_BY_FACTOR: fb.scaled(softmax, 3.0),
                                         fb.MODIFIED_INPUT: fb.modifies_input(softmax)})
    tests = exercise.self_tests()
    assert set(tests) == {"softmax along the wrong axis", fb.OFF_BY_FACTOR, fb.MODIFIED_INPUT}
    for name, wrong in tests.items():
        assert exercise.diagnose(wrong).mistake == name
    assert exercise.diagnose(softmax).status is Status.CORRECT


def test_a_mistake_that_cannot_run_on_the_inputs_simply_does_not_match():
    crashes = Mistake("assumed 10 classes", "Always 10 columns.", "Use num_classes.",
                      wrong=lambda z: z.reshape(-1, 10))

    def procedure():
        fb.compare_arrays("demo", softmax(Z), softmax(Z), inputs=(Z,), mistakes=[crashes])
        return "fine"
    assert verdict(procedure).status is Status.CORRECT
