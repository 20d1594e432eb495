"""The notebook-03 checks (ReLU backward, dense backward, one training step) on student code
written independently of the reference: correct variants pass, typical mistakes are named.

tests/test_exercise_checks.py already runs every ``wrong_solutions`` entry; the tests here
use plain-NumPy implementations, so they would catch a check that only recognises the
reference's own way of computing things.
"""

import numpy as np
import pytest

from course_utils.checks import ch03
from course_utils.checks.feedback import Status
from course_utils.gradcheck import numerical_gradient, relative_error
from course_utils.layers import dense_forward

# ---------------------------------------------------------------- plain-NumPy students


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _numpy_step(sign=-1.0, update_biases=True, extra_softmax=False, divide_by_n=True):
    """A training step written from scratch, with switchable mistakes."""
    def step(params, X, y, learning_rate):
        W1, b1, W2, b2 = (params[k] for k in ("W1", "b1", "W2", "b2"))
        Z1 = X @ W1 + b1
        H = np.maximum(Z1, 0)
        Z2 = H @ W2 + b2
        logits = _softmax(Z2) if extra_softmax else Z2
        P = _softmax(logits)
        n = len(X)
        loss = -np.mean(np.log(P[np.arange(n), y]))
        Y = np.eye(W2.shape[1], dtype=X.dtype)[y]
        dZ2 = (P - Y) / (n if divide_by_n else 1)
        dW2, db2 = H.T @ dZ2, dZ2.sum(axis=0)
        dZ1 = (dZ2 @ W2.T) * (Z1 > 0)
        dW1, db1 = X.T @ dZ1, dZ1.sum(axis=0)
        grads = {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
        for name, grad in grads.items():
            if update_biases or name.startswith("W"):
                params[name] += sign * learning_rate * grad.astype(params[name].dtype)
        return loss
    return step


# ---------------------------------------------------------------- ReLU backward


@pytest.mark.parametrize("student", [
    lambda dout, z: np.where(z > 0, dout, 0.0),
    lambda dout, z: dout * np.heaviside(z, 0.0),
    lambda dout, z: dout * (np.maximum(z, 0) > 0),
], ids=["where", "heaviside", "mask-of-output"])
def test_relu_backward_accepts_equivalent_formulations(student):
    assert ch03.RELU_BACKWARD.diagnose(student).status is Status.CORRECT


def test_relu_backward_reference_matches_finite_differences():
    dout, z = ch03._relu_inputs()
    z64, dout64 = z.astype(np.float64), dout.astype(np.float64)
    numeric = numerical_gradient(lambda x: np.sum(np.maximum(x, 0) * dout64), z64.copy())
    assert relative_error(ch03.relu_backward(dout64, z64), numeric) < 1e-8


def test_relu_backward_names_masking_on_the_incoming_gradient():
    feedback = ch03.RELU_BACKWARD.diagnose(lambda dout, z: dout * (dout > 0))
    assert feedback.mistake == "mask taken on dout instead of z"
    assert "z > 0" in feedback.hint


def test_relu_backward_names_a_constant_factor_and_the_factor():
    feedback = ch03.RELU_BACKWARD.diagnose(lambda dout, z: 2 * dout * (z > 0))
    assert feedback.status is Status.MISTAKE and feedback.mistake == "off by a constant factor"
    assert "multiplied by 2" in feedback.message


def test_relu_backward_reports_unrecognised_wrong_values_with_their_position():
    feedback = ch03.RELU_BACKWARD.diagnose(lambda dout, z: dout * (z > 0) + 0.25 * (z > 1))
    assert feedback.status is Status.MISTAKE and feedback.mistake is None
    assert "largest difference" in feedback.message


# ---------------------------------------------------------------- dense backward


def test_dense_backward_accepts_einsum_formulation():
    def student(dout, x, W):
        return (np.einsum("nj,ij->ni", dout, W), np.einsum("ni,nj->ij", x, dout),
                np.einsum("nj->j", dout))

    assert ch03.DENSE_BACKWARD.diagnose(student).status is Status.CORRECT


def test_dense_backward_reference_matches_finite_differences():
    dout, x, W = (a.astype(np.float64) for a in ch03._dense_inputs(fan_in=5, fan_out=3, n=7))
    b = np.zeros(3)
    dx, dW, db = ch03.dense_backward(dout, x, W)

    def loss(_):
        return np.sum(dense_forward(x, W, b)[0] * dout)

    assert relative_error(dW, numerical_gradient(loss, W)) < 1e-8
    assert relative_error(dx, numerical_gradient(loss, x)) < 1e-8
    assert relative_error(db, numerical_gradient(loss, b)) < 1e-8


def test_dense_backward_names_dx_with_W_although_it_crashes_on_non_square_weights():
    def student(dout, x, W):
        return dout @ W, x.T @ dout, dout.sum(axis=0)

    feedback = ch03.DENSE_BACKWARD.diagnose(student)
    assert feedback.mistake == "dx computed with W instead of W^T"


def test_dense_backward_names_a_transposed_weight_gradient_on_non_square_shapes():
    feedback = ch03.DENSE_BACKWARD.diagnose(
        lambda dout, x, W: (dout @ W.T, dout.T @ x, dout.sum(axis=0)))
    assert feedback.mistake == "transposed weight gradient"
    assert "(fan_in, fan_out)" in feedback.message


def test_dense_backward_says_what_to_return_when_a_gradient_is_missing():
    feedback = ch03.DENSE_BACKWARD.diagnose(lambda dout, x, W: (x.T @ dout, dout.sum(axis=0)))
    assert feedback.status is Status.MISTAKE
    assert "length 2" in feedback.message and "dx, dW, db" in feedback.hint


# ---------------------------------------------------------------- training step


def test_training_step_accepts_a_from_scratch_numpy_step():
    assert ch03.TRAINING_STEP.diagnose(_numpy_step()).status is Status.CORRECT


def test_training_step_accepts_updates_that_replace_the_arrays_in_the_dictionary():
    def student(params, X, y, learning_rate):
        loss, grads = ch03._loss_and_gradients(params, X, y)
        for name in list(params):
            params[name] = params[name] - learning_rate * grads[name]
        return loss

    assert ch03.TRAINING_STEP.diagnose(student).status is Status.CORRECT


@pytest.mark.parametrize("student, mistake", [
    (_numpy_step(sign=+1.0), "update with + instead of -"),
    (_numpy_step(update_biases=False), "biases not updated"),
    (_numpy_step(extra_softmax=True), "extra softmax before the loss"),
], ids=["plus", "no-bias", "extra-softmax"])
def test_training_step_names_mistakes_in_from_scratch_code(student, mistake):
    feedback = ch03.TRAINING_STEP.diagnose(student)
    assert feedback.mistake == mistake, feedback.render()


def test_training_step_names_a_gradient_not_divided_by_the_batch_size():
    feedback = ch03.TRAINING_STEP.diagnose(_numpy_step(divide_by_n=False))
    assert feedback.mistake == "gradient not divided by the batch size", feedback.render()


def test_training_step_reports_unrecognised_wrong_values_by_parameter():
    def student(params, X, y, learning_rate):
        loss = _numpy_step()(params, X, y, learning_rate)
        params["W2"] += 0.1 * np.sign(params["W2"]) ** 2
        return loss

    feedback = ch03.TRAINING_STEP.diagnose(student)
    assert feedback.status is Status.MISTAKE and feedback.mistake is None
    assert "The second-layer weights after your update" in feedback.message


def test_training_step_explains_updates_to_local_variables_that_never_reach_params():
    def student(params, X, y, learning_rate):
        loss, grads = ch03._loss_and_gradients(params, X, y)
        W1 = params["W1"]
        W1 = W1 - learning_rate * grads["W1"]  # noqa: F841 - the mistake under test
        return loss

    feedback = ch03.TRAINING_STEP.diagnose(student)
    assert feedback.status is Status.MISTAKE
    assert "did not change" in feedback.message and "in place" in feedback.hint


def test_training_step_asks_for_the_loss_when_nothing_is_returned():
    def student(params, X, y, learning_rate):
        ch03.training_step(params, X, y, learning_rate)

    feedback = ch03.TRAINING_STEP.diagnose(student)
    assert feedback.status is Status.MISTAKE
    assert "return loss" in feedback.hint


def test_training_step_reference_lowers_the_loss_of_its_batch():
    params, X, y = ch03._step_inputs()
    before = ch03.training_step(params, X, y, 0.1)
    after, _ = ch03._loss_and_gradients(params, X, y)
    assert after < before
