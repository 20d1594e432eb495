"""Every exercise check passes the reference, reports a stub as unfinished, and names each
mistake it claims to recognise (the contract in course_utils/checks/feedback.py)."""

import pytest

from course_utils.checks import ALL_EXERCISES
from course_utils.checks.feedback import ExerciseNotPassed, Status

EXERCISE_IDS = [exercise.name for exercise in ALL_EXERCISES]


def _stub(*args, **kwargs):
    raise NotImplementedError


@pytest.mark.parametrize("exercise", ALL_EXERCISES, ids=EXERCISE_IDS)
def test_reference_solution_passes(exercise):
    feedback = exercise.diagnose(exercise.reference)
    assert feedback.status is Status.CORRECT, feedback.render()


@pytest.mark.parametrize("exercise", ALL_EXERCISES, ids=EXERCISE_IDS)
def test_stub_is_reported_as_not_implemented(exercise):
    feedback = exercise.diagnose(_stub)
    assert feedback.status is Status.NOT_IMPLEMENTED
    assert "NotImplementedError" in feedback.message


@pytest.mark.parametrize("exercise", ALL_EXERCISES, ids=EXERCISE_IDS)
def test_crashing_solution_is_reported_in_one_line_with_its_error(exercise):
    def crashes(*args, **kwargs):
        raise IndexError("index 12 is out of bounds for axis 1 with size 10")

    feedback = exercise.diagnose(crashes)
    assert feedback.status is Status.ERROR
    assert "IndexError: index 12 is out of bounds" in feedback.message


@pytest.mark.parametrize(
    "exercise, mistake",
    [(ex, name) for ex in ALL_EXERCISES for name in ex.self_tests()],
    ids=[f"{ex.name}: {name}" for ex in ALL_EXERCISES for name in ex.self_tests()],
)
def test_each_known_mistake_is_named(exercise, mistake):
    feedback = exercise.diagnose(exercise.self_tests()[mistake])
    assert feedback.status is Status.MISTAKE, feedback.render()
    assert feedback.mistake == mistake, feedback.render()
    assert feedback.hint, "a named mistake must come with a hint"


@pytest.mark.parametrize("exercise", ALL_EXERCISES, ids=EXERCISE_IDS)
def test_every_exercise_names_at_least_one_typical_mistake(exercise):
    assert exercise.self_tests()


def test_failed_check_falls_back_to_the_reference_and_says_so(capsys):
    exercise = ALL_EXERCISES[0]
    chosen = exercise.check(_stub)
    assert chosen is exercise.reference
    out = capsys.readouterr().out
    assert "not implemented" in out and "reference" in out


def test_passed_check_keeps_the_students_function(capsys):
    exercise = ALL_EXERCISES[0]

    def mine(*args, **kwargs):
        return exercise.reference(*args, **kwargs)

    assert exercise.check(mine) is mine
    assert "✔" in capsys.readouterr().out


def test_strict_mode_raises_for_graders(monkeypatch):
    monkeypatch.setenv("COURSE_STRICT_CHECKS", "1")
    with pytest.raises(ExerciseNotPassed, match="not implemented"):
        ALL_EXERCISES[0].check(_stub)

