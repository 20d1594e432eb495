"""The notebook-03 checks (ReLU backward, dense backward, the two-hidden-layer backward pass,
one training step) on student code written independently of the reference: correct variants
pass, typical mistakes are named, wrong answers are never called correct.

tests/test_exercise_checks.py already runs every declared mistake and structural wrong
solution; the tests here use plain-NumPy implementations, so they would catch a check that
only recognises the reference's own way of computing things.
"""

import numpy as np
import pytest

from course_utils.checks import ch03
from course_utils.checks.feedback import (
    IGNORES_ARGUMENT,
    MODIFIED_INPUT,
    OFF_BY_FACTOR,
    OUTPUTS_SWAPPED,
    SQUARED,
    TRANSPOSED,
    TRUNCATED_DTYPE,
    Status,
)
from course_utils.gradcheck import numerical_gradient, relative_error
from course_utils.layers import dense_forward

# ---------------------------------------------------------------- plain-NumPy students


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _numpy_step(sign=-1.0, update_biases=True, extra_softmax=False, divide_by_n=True,
                fixed_rate=None):
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
        rate = learning_rate if fixed_rate is None else fixed_rate
        for name, grad in grads.items():
            if update_biases or name.startswith("W"):
                params[name] += sign * rate * grad.astype(params[name].dtype)
        return loss
    return step


def _numpy_two_hidden(mask1=True, mask2=True, first_layer_mean=True, output_mean=True,
                      transposed_dW3=False, weights_first=False, num_classes=None,
                      naive_softmax=False):
    """The two-hidden-layer backward pass written from scratch, with switchable mistakes."""
    def backward(params, X, y):
        W1, b1, W2, b2, W3, b3 = (params[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3"))
        Z1 = X @ W1 + b1
        A1 = np.maximum(Z1, 0)
        Z2 = A1 @ W2 + b2
        A2 = np.maximum(Z2, 0)
        Z3 = A2 @ W3 + b3
        if naive_softmax:
            E = np.exp(Z3)
            P = E / E.sum(axis=1, keepdims=True)
        else:
            P = _softmax(Z3)
        n = X.shape[0]
        k = W3.shape[1] if num_classes is None else num_classes(y)
        D3 = (P - np.eye(k)[y]) / (n if output_mean else 1)
        dW3 = D3.T @ A2 if transposed_dW3 else A2.T @ D3
        db3 = D3.sum(axis=0)
        D2 = D3 @ W3.T
        if mask2:
            D2 = D2 * (Z2 > 0)
        dW2, db2 = A1.T @ D2, D2.sum(axis=0)
        D1 = D2 @ W2.T
        if mask1:
            D1 = D1 * (Z1 > 0)
        dW1, db1 = X.T @ D1, D1.sum(axis=0)
        if not first_layer_mean:
            dW1, db1 = dW1 * n, db1 * n
        if weights_first:
            return dW1, dW2, dW3, db1, db2, db3
        return dW1, db1, dW2, db2, dW3, db3
    return backward


# ---------------------------------------------------------------- ReLU backward


@pytest.mark.parametrize("student", [
    lambda dout, z: np.where(z > 0, dout, 0.0),
    lambda dout, z: dout * np.heaviside(z, 0.0),
    lambda dout, z: dout * (np.maximum(z, 0) > 0),
], ids=["where", "heaviside", "mask-of-output"])
def test_relu_backward_accepts_equivalent_formulations(student):
    assert ch03.RELU_BACKWARD.diagnose(student).status is Status.CORRECT


def test_relu_backward_accepts_the_other_subgradient_at_exactly_zero():
    assert "z >= 0" in ch03.__doc__
    feedback = ch03.RELU_BACKWARD.diagnose(lambda dout, z: dout * (z >= 0))
    assert feedback.status is Status.CORRECT, feedback.render()


def test_relu_backward_probes_exact_zeros_so_that_only_zero_or_one_is_accepted_there():
    feedback = ch03.RELU_BACKWARD.diagnose(lambda dout, z: np.where(z == 0, 0.5 * dout,
                                                                    dout * (z > 0)))
    assert feedback.status is Status.MISTAKE


def test_relu_backward_rejects_a_threshold_other_than_zero():
    feedback = ch03.RELU_BACKWARD.diagnose(lambda dout, z: dout * (z > 1e-12))
    assert feedback.status is Status.MISTAKE


def test_relu_backward_reference_matches_finite_differences():
    dout, z = ch03._relu_cases()[0]
    z64, dout64 = z.astype(np.float64), dout.astype(np.float64)
    numeric = numerical_gradient(lambda x: np.sum(np.maximum(x, 0) * dout64), z64.copy())
    assert relative_error(ch03.relu_backward(dout64, z64), numeric) < 1e-8


def test_relu_backward_names_masking_on_the_incoming_gradient():
    feedback = ch03.RELU_BACKWARD.diagnose(lambda dout, z: dout * (dout > 0))
    assert feedback.mistake == "mask taken on dout instead of z"
    assert "from z" in feedback.hint


def test_relu_backward_names_a_constant_factor_and_the_factor():
    feedback = ch03.RELU_BACKWARD.diagnose(lambda dout, z: 2 * dout * (z > 0))
    assert feedback.status is Status.MISTAKE and feedback.mistake == OFF_BY_FACTOR
    assert "multiplied by 2" in feedback.message


def test_relu_backward_names_a_squared_gradient():
    feedback = ch03.RELU_BACKWARD.diagnose(lambda dout, z: dout ** 2 * (z > 0))
    assert feedback.mistake == SQUARED, feedback.render()


@pytest.mark.parametrize("student", [
    lambda dout, z: dout * (z.max(axis=0) > 0),
    lambda dout, z: dout * (z.sum(axis=0, keepdims=True) > 0),
], ids=["max-over-batch", "sum-over-batch"])
def test_relu_backward_names_one_mask_shared_by_all_samples(student):
    feedback = ch03.RELU_BACKWARD.diagnose(student)
    assert feedback.mistake == ch03.SHARED_MASK, feedback.render()
    assert "each row needs its own mask" in feedback.message


def test_relu_backward_names_zeroing_dout_in_place():
    def student(dout, z):
        dout[z < 0] = 0
        return dout

    feedback = ch03.RELU_BACKWARD.diagnose(student)
    assert feedback.mistake == MODIFIED_INPUT and "`dout`" in feedback.message


def test_relu_backward_names_an_integer_buffer_that_truncates():
    def student(dout, z):
        dz = np.zeros(dout.shape, dtype=np.int32)
        dz[z > 0] = dout[z > 0]
        return dz

    assert ch03.RELU_BACKWARD.diagnose(student).mistake == TRUNCATED_DTYPE


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


def test_dense_backward_names_a_bias_gradient_divided_by_the_batch_size():
    feedback = ch03.DENSE_BACKWARD.diagnose(
        lambda dout, x, W: (dout @ W.T, x.T @ dout, dout.sum(axis=0) / dout.shape[0]))
    assert feedback.mistake == "bias gradient averaged instead of summed"


def test_dense_backward_names_two_outputs_in_each_others_places():
    feedback = ch03.DENSE_BACKWARD.diagnose(
        lambda dout, x, W: (x.T @ dout, dout @ W.T, dout.sum(axis=0)))
    assert feedback.mistake == OUTPUTS_SWAPPED
    assert "`dx` (position 1) is the correct `dW`" in feedback.message


def test_dense_backward_names_a_batch_size_that_is_hard_coded():
    def student(dout, x, W):
        return dout @ W.T, x.T @ dout / 6 * len(x), dout.sum(axis=0)

    feedback = ch03.DENSE_BACKWARD.diagnose(student)
    assert feedback.status is Status.MISTAKE and feedback.mistake.startswith(OFF_BY_FACTOR)


def test_dense_backward_says_what_to_return_when_a_gradient_is_missing():
    feedback = ch03.DENSE_BACKWARD.diagnose(lambda dout, x, W: (x.T @ dout, dout.sum(axis=0)))
    assert feedback.status is Status.MISTAKE
    assert "length 2" in feedback.message and "dx, dW, db" in feedback.hint


# ---------------------------------------------------------------- two hidden layers


def test_two_hidden_reference_agrees_with_finite_differences_on_every_check_network():
    for params, X, y in ch03._two_hidden_cases():
        numeric = ch03.finite_difference_gradients(params, X, y)
        for analytic, estimate in zip(ch03.backward_two_hidden(params, X, y), numeric,
                                      strict=True):
            assert relative_error(analytic, estimate) < 1e-7


def test_two_hidden_check_networks_have_other_sizes_than_mnist_and_a_square_W2():
    shapes = [(p["W1"].shape, p["W2"].shape, p["W3"].shape, len(X))
              for p, X, _ in ch03._two_hidden_cases()]
    assert any(w2[0] == w2[1] for _, w2, _, _ in shapes)
    assert all(w3[1] != 10 and len({w1[0], w1[1], n}) == 3 for w1, _, w3, n in shapes)
    _, _, y = ch03._two_hidden_cases()[1]
    assert y.max() < ch03._two_hidden_cases()[1][0]["W3"].shape[1] - 1  # a class is missing


def test_two_hidden_accepts_a_from_scratch_backward_pass():
    feedback = ch03.BACKWARD_TWO_HIDDEN.diagnose(_numpy_two_hidden())
    assert feedback.status is Status.CORRECT, feedback.render()
    assert "finite differences" in feedback.message


@pytest.mark.parametrize("mistakes, name", [
    (dict(mask2=False), "ReLU mask missing on the second hidden layer"),
    (dict(mask1=False), "ReLU mask missing on the first hidden layer"),
    (dict(first_layer_mean=False), "first-layer gradients not divided by the batch size"),
    (dict(output_mean=False), "gradients of the summed loss, not the mean"),
    (dict(weights_first=True), OUTPUTS_SWAPPED),
], ids=["no-mask-2", "no-mask-1", "report-000-bug", "summed-loss", "weights-first"])
def test_two_hidden_names_mistakes_in_from_scratch_code(mistakes, name):
    feedback = ch03.BACKWARD_TWO_HIDDEN.diagnose(_numpy_two_hidden(**mistakes))
    assert feedback.mistake == name, feedback.render()


def test_two_hidden_names_a_single_transposed_weight_gradient_by_its_output():
    feedback = ch03.BACKWARD_TWO_HIDDEN.diagnose(_numpy_two_hidden(transposed_dW3=True))
    assert feedback.mistake == TRANSPOSED and "`dW3`" in feedback.message


def test_two_hidden_refuses_a_number_of_classes_read_off_the_labels():
    feedback = ch03.BACKWARD_TWO_HIDDEN.diagnose(
        _numpy_two_hidden(num_classes=lambda y: y.max() + 1))
    assert feedback.status is Status.ERROR
    assert "broadcast" in feedback.message


def test_two_hidden_refuses_a_softmax_that_overflows_on_large_logits():
    with np.errstate(over="ignore", invalid="ignore"):
        feedback = ch03.BACKWARD_TWO_HIDDEN.diagnose(_numpy_two_hidden(naive_softmax=True))
    assert feedback.status is Status.MISTAKE and "NaN" in feedback.message


def test_two_hidden_names_gradients_that_ignore_the_labels():
    def student(params, X, y):
        return _numpy_two_hidden()(params, X, np.zeros_like(y))

    assert ch03.BACKWARD_TWO_HIDDEN.diagnose(student).mistake == IGNORES_ARGUMENT


def test_two_hidden_names_a_backward_pass_that_changes_the_parameters():
    def student(params, X, y):
        grads = _numpy_two_hidden()(params, X, y)
        params["W1"] -= 0.01 * grads[0]
        return grads

    feedback = ch03.BACKWARD_TWO_HIDDEN.diagnose(student)
    assert feedback.mistake == MODIFIED_INPUT and "`params`" in feedback.message


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
    (_numpy_step(divide_by_n=False), "gradient not divided by the batch size"),
    (_numpy_step(fixed_rate=0.1), "learning rate fixed instead of the argument"),
], ids=["plus", "no-bias", "extra-softmax", "no-mean", "fixed-rate"])
def test_training_step_names_mistakes_in_from_scratch_code(student, mistake):
    feedback = ch03.TRAINING_STEP.diagnose(student)
    assert feedback.mistake == mistake, feedback.render()


def test_training_step_probes_two_learning_rates_and_two_network_shapes():
    cases = ch03._step_cases()
    assert len({rate for *_, rate in cases}) == 2
    assert len({params["W1"].shape for params, *_ in cases}) == 2


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
    params, X, y, _ = ch03._step_cases()[0]
    before = ch03.training_step(params, X, y, 0.1)
    after, _ = ch03._loss_and_gradients(params, X, y)
    assert after < before
