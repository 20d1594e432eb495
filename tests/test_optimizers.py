"""Update rules: each step equals its written formula, and the fast forms equal the textbook ones.

Expected values are computed here from the update rules as printed in the
docstrings (scalar Python arithmetic, one parameter entry at a time), never by
calling the implementation.
"""

import math

import numpy as np
import pytest

from course_utils.mlp import MLP
from course_utils.optimizers import (
    SGD,
    Adam,
    Momentum,
    Optimizer,
    RMSProp,
    make_optimizer,
    packed_views,
)

# A tiny problem: one weight matrix and one bias, three fixed gradients.
W0 = [[0.5, -1.0], [2.0, 0.25]]
B0 = [0.1, -0.3]
GRADS = [([[0.2, -0.4], [1.0, 0.0]], [0.5, -0.1]),
         ([[-0.1, 0.3], [0.8, 0.05]], [0.4, 0.2]),
         ([[0.3, 0.3], [-0.5, 0.1]], [-0.2, 0.0])]


def _run(optimizer, steps=3):
    W = np.array(W0, dtype=np.float64)
    b = np.array(B0, dtype=np.float64)
    for gW, gb in GRADS[:steps]:
        optimizer.step([W, b], [np.array(gW), np.array(gb)])
    return W, b


def _flat_problem():
    """Parameters and gradients as flat lists of Python floats, entry by entry."""
    theta = [x for row in W0 for x in row] + list(B0)
    grads = [[x for row in gW for x in row] + list(gb) for gW, gb in GRADS]
    return theta, grads


def _as_arrays(theta):
    return np.array(theta[:4]).reshape(2, 2), np.array(theta[4:])


def test_sgd_step_is_parameter_minus_learning_rate_times_gradient():
    lr = 0.1
    theta, grads = _flat_problem()
    for g in grads:
        theta = [t - lr * gi for t, gi in zip(theta, g, strict=True)]
    W, b = _run(SGD(lr))
    np.testing.assert_allclose(W, _as_arrays(theta)[0], rtol=1e-12)
    np.testing.assert_allclose(b, _as_arrays(theta)[1], rtol=1e-12)


def test_momentum_accumulates_a_velocity_over_three_steps():
    lr, mu = 0.1, 0.9
    theta, grads = _flat_problem()
    vel = [0.0] * len(theta)
    for g in grads:
        vel = [mu * v - lr * gi for v, gi in zip(vel, g, strict=True)]
        theta = [t + v for t, v in zip(theta, vel, strict=True)]
    opt = Momentum(lr, mu)
    W, b = _run(opt)
    np.testing.assert_allclose(np.concatenate([W.ravel(), b]), theta, rtol=1e-12)
    np.testing.assert_allclose(np.concatenate([opt.velocity[0].ravel(), opt.velocity[1]]), vel,
                               rtol=1e-12)


def test_nesterov_adds_the_lookahead_correction_over_three_steps():
    lr, mu = 0.1, 0.9
    theta, grads = _flat_problem()
    vel = [0.0] * len(theta)
    for g in grads:
        vel = [mu * v - lr * gi for v, gi in zip(vel, g, strict=True)]
        theta = [t + mu * v - lr * gi for t, v, gi in zip(theta, vel, g, strict=True)]
    W, b = _run(Momentum(lr, mu, nesterov=True))
    np.testing.assert_allclose(np.concatenate([W.ravel(), b]), theta, rtol=1e-12)


def test_nesterov_first_step_is_one_plus_mu_times_the_momentum_step():
    mu = 0.9
    W_m, _ = _run(Momentum(0.1, mu), steps=1)
    W_n, _ = _run(Momentum(0.1, mu, nesterov=True), steps=1)
    start = np.array(W0)
    np.testing.assert_allclose(W_n - start, (1 + mu) * (W_m - start), rtol=1e-12)


def test_nesterov_damps_the_oscillation_that_momentum_shows_on_a_quadratic():
    # f(x) = x^2 / 2 with learning rate 1 (= 1/curvature): heavy-ball momentum keeps
    # oscillating (its iteration matrix has eigenvalues of modulus sqrt(mu)), while
    # Nesterov's look-ahead gradient reaches the minimum exactly after two steps.
    def run(nesterov):
        x = np.array([1.0])
        opt = Momentum(1.0, 0.9, nesterov=nesterov)
        path = []
        for _ in range(10):
            opt.step([x], [x.copy()])  # gradient of x^2/2 is x
            path.append(float(x[0]))
        return path

    heavy_ball, nesterov = run(False), run(True)
    sign_changes = np.count_nonzero(np.diff(np.sign(heavy_ball[1:])))
    assert sign_changes >= 2  # it swings back and forth across the minimum
    assert max(abs(x) for x in heavy_ball[-3:]) > 0.3  # and is still far from it
    assert nesterov[0] == pytest.approx(-0.9)  # first step (1 + mu) times larger ...
    assert nesterov[1:] == pytest.approx([0.0] * 9, abs=1e-12)  # ... then exactly at 0


def test_momentum_zero_is_plain_sgd():
    np.testing.assert_allclose(_run(Momentum(0.1, 0.0))[0], _run(SGD(0.1))[0], rtol=1e-12)


def test_rmsprop_divides_by_the_running_root_mean_square():
    lr, rho, eps = 0.01, 0.9, 1e-8
    theta, grads = _flat_problem()
    s = [0.0] * len(theta)
    for g in grads:
        s = [rho * si + (1 - rho) * gi**2 for si, gi in zip(s, g, strict=True)]
        theta = [t - lr * gi / (math.sqrt(si) + eps) for t, gi, si in zip(theta, g, s, strict=True)]
    W, b = _run(RMSProp(lr, rho, eps))
    np.testing.assert_allclose(np.concatenate([W.ravel(), b]), theta, rtol=1e-10)


def test_adam_matches_the_bias_corrected_update_over_three_steps():
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
    theta, grads = _flat_problem()
    m = [0.0] * len(theta)
    v = [0.0] * len(theta)
    for t, g in enumerate(grads, start=1):
        m = [b1 * mi + (1 - b1) * gi for mi, gi in zip(m, g, strict=True)]
        v = [b2 * vi + (1 - b2) * gi**2 for vi, gi in zip(v, g, strict=True)]
        theta = [th - lr * (mi / (1 - b1**t)) / (math.sqrt(vi / (1 - b2**t)) + eps)
                 for th, mi, vi in zip(theta, m, v, strict=True)]
    opt = Adam(lr, b1, b2, eps)
    W, b = _run(opt)
    np.testing.assert_allclose(np.concatenate([W.ravel(), b]), theta, rtol=1e-10)
    assert opt.t == 3


@pytest.mark.parametrize("scale", [1e-3, 1.0, 1e3])
def test_adam_first_step_has_size_learning_rate_whatever_the_gradient_scale(scale):
    # Without the bias correction the first step would be (1-b1)/sqrt(1-b2) ~ 3.2 lr.
    lr = 0.01
    g = scale * np.array([0.3, -2.0, 5.0])
    p = np.zeros(3)
    Adam(lr).step([p], [g])
    np.testing.assert_allclose(p, -lr * np.sign(g), rtol=1e-4)


def test_decoupled_weight_decay_shrinks_matrices_but_not_biases():
    lr, lam = 0.1, 0.5
    W, b = np.array(W0), np.array(B0)
    opt = Momentum(lr, 0.0, weight_decay=lam)
    opt.step([W, b], [np.zeros((2, 2)), np.zeros(2)])
    np.testing.assert_allclose(W, (1 - lr * lam) * np.array(W0), rtol=1e-12)
    np.testing.assert_allclose(b, B0, rtol=1e-12)


def test_adamw_decay_is_not_rescaled_by_the_adaptive_denominator():
    # Coupled L2 feeds lam*W through Adam's normalisation: with a zero loss gradient the
    # first step is -lr*sign(W), independent of lam. Decoupled decay shrinks by lr*lam*W.
    lr, lam = 0.01, 1e-3
    W = np.array([[4.0, -2.0]])
    coupled, decoupled = W.copy(), W.copy()
    Adam(lr).step([coupled], [lam * coupled.copy()])
    Adam(lr, weight_decay=lam).step([decoupled], [np.zeros_like(W)])
    np.testing.assert_allclose(coupled, W - lr * np.sign(W), rtol=1e-6)
    np.testing.assert_allclose(decoupled, W - lr * lam * W, rtol=1e-12)


@pytest.mark.parametrize("make", [lambda: Momentum(0.1), lambda: RMSProp(0.1), lambda: Adam(0.1)])
def test_float32_parameters_stay_float32(make):
    W = np.ones((2, 2), np.float32)
    make().step([W], [np.full((2, 2), 0.5, np.float32)])
    assert W.dtype == np.float32 and not np.allclose(W, 1.0)


def test_an_optimiser_refuses_parameters_of_another_network():
    opt = Adam()
    opt.step([np.zeros(3)], [np.ones(3)])
    with pytest.raises(ValueError, match="Each network needs its own optimiser"):
        opt.step([np.zeros(4)], [np.ones(4)])


def test_step_rejects_mismatched_gradient_shapes_naming_both():
    with pytest.raises(ValueError, match=r"shape \(2, 2\).*shape \(2,\)"):
        Momentum().step([np.zeros((2, 2))], [np.zeros(2)])
    with pytest.raises(ValueError, match="1 parameters but 2 gradients"):
        RMSProp().step([np.zeros(2)], [np.zeros(2), np.zeros(2)])


@pytest.mark.parametrize("make, message", [
    (lambda: Momentum(0.1, momentum=1.0), "momentum must lie in"),
    (lambda: Adam(beta2=-0.1), "beta2 must lie in"),
    (lambda: RMSProp(eps=0), "eps must be positive"),
    (lambda: Adam(-1e-3), "learning_rate must be a positive"),
    (lambda: Adam(weight_decay=-1), "weight_decay must be non-negative"),
    (lambda: Momentum(nesterov="yes"), "nesterov must be True or False"),
])
def test_bad_hyperparameters_raise_clear_errors(make, message):
    with pytest.raises((ValueError, TypeError), match=message):
        make()


def test_make_optimizer_builds_each_named_rule():
    assert type(make_optimizer("sgd", 0.1)) is SGD
    assert make_optimizer("nesterov", 0.1).nesterov
    assert not make_optimizer("momentum", 0.1).nesterov
    assert isinstance(make_optimizer("rmsprop", 1e-3), RMSProp)
    assert make_optimizer("adam", 1e-3, weight_decay=0.01).weight_decay == 0.01
    with pytest.raises(ValueError, match="choose one of"):
        make_optimizer("adagrad", 0.1)


def test_every_optimiser_trains_the_mlp_below_its_starting_loss():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((120, 6)).astype(np.float32)
    y = (X[:, 0] + X[:, 1] > 0).astype(np.int64)
    for opt in (Momentum(0.05), Momentum(0.05, nesterov=True), RMSProp(1e-2), Adam(1e-2)):
        model = MLP((8,), epochs=15, batch_size=16, optimizer=opt, seed=1).fit(X, y)
        assert model.history_["loss"][-1] < 0.5 * model.history_["loss"][0], opt


def test_sgd_updates_the_very_arrays_it_is_given():
    W, b = np.ones((2, 3), np.float32), np.zeros(3, np.float32)
    SGD(learning_rate=0.5).step([W, b], [np.full((2, 3), 2.0, np.float32), np.ones(3, np.float32)])
    assert W.dtype == np.float32
    np.testing.assert_array_equal(W, np.zeros((2, 3)))
    np.testing.assert_array_equal(b, np.full(3, -0.5))


def test_base_optimizer_step_must_be_overridden():
    with pytest.raises(NotImplementedError):
        Optimizer(0.1).step([np.ones(1)], [np.ones(1)])


@pytest.mark.parametrize("learning_rate", [0, -0.1, float("nan"), True, "0.1"])
def test_learning_rate_must_be_a_positive_number(learning_rate):
    with pytest.raises(ValueError, match="learning_rate"):
        SGD(learning_rate)


def test_step_refuses_integer_and_read_only_parameters():
    with pytest.raises(TypeError, match="floating point"):
        SGD(0.1).step([np.zeros(3, dtype=np.int64)], [np.ones(3)])
    frozen = np.zeros(3)
    frozen.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        Adam().step([frozen], [np.ones(3)])


def test_step_refuses_a_gradient_that_is_not_an_array():
    with pytest.raises(TypeError, match="must be NumPy arrays"):
        Momentum().step([np.zeros(3)], [[1.0, 2.0, 3.0]])


# ------------------------------------------------------------------ fast form = textbook form
#
# The textbook updates, written as in the docstrings with fresh arrays at every
# step, in float64. The optimisers compute them in place, with the constant
# factors folded into scalars (and Adam/RMSProp keeping sums instead of averages);
# over many steps both must give the same parameters up to float rounding.


def _textbook(name, settings, params, grad_sequence):
    """Parameters after each step of the textbook update (float64 copies)."""
    lr = settings["learning_rate"]
    lam = settings.get("weight_decay", 0.0)
    theta = [p.astype(np.float64) for p in params]
    name = name.split(",")[0]
    state = [[np.zeros_like(p) for p in theta] for _ in range(2)]
    history = []
    for t, grads in enumerate(grad_sequence, start=1):
        for i, g in enumerate(grads):
            g = g.astype(np.float64)
            if theta[i].ndim >= 2:
                theta[i] = theta[i] - lr * lam * theta[i]           # decoupled decay
            if name == "sgd":
                theta[i] = theta[i] - lr * g
            elif name in ("momentum", "nesterov"):
                mu = settings["momentum"]
                state[0][i] = mu * state[0][i] - lr * g
                step = mu * state[0][i] - lr * g if name == "nesterov" else state[0][i]
                theta[i] = theta[i] + step
            elif name.startswith("rmsprop"):
                rho, eps = settings["rho"], settings["eps"]
                state[0][i] = rho * state[0][i] + (1 - rho) * g**2
                theta[i] = theta[i] - lr * g / (np.sqrt(state[0][i]) + eps)
            else:
                b1, b2, eps = settings["beta1"], settings["beta2"], settings["eps"]
                state[0][i] = b1 * state[0][i] + (1 - b1) * g
                state[1][i] = b2 * state[1][i] + (1 - b2) * g**2
                m_hat = state[0][i] / (1 - b1**t)
                v_hat = state[1][i] / (1 - b2**t)
                theta[i] = theta[i] - lr * m_hat / (np.sqrt(v_hat) + eps)
        history.append([p.copy() for p in theta])
    return history, state


_RULES = {
    "sgd": (SGD, dict(learning_rate=0.05)),
    "momentum": (Momentum, dict(learning_rate=0.02, momentum=0.9)),
    "nesterov": (Momentum, dict(learning_rate=0.02, momentum=0.9, nesterov=True)),
    "rmsprop": (RMSProp, dict(learning_rate=0.01, rho=0.9, eps=1e-8)),
    "adam": (Adam, dict(learning_rate=0.01, beta1=0.9, beta2=0.999, eps=1e-8)),
    # An epsilon as large as many gradients, so that where it enters shows.
    "rmsprop, large eps": (RMSProp, dict(learning_rate=0.01, rho=0.9, eps=1e-2)),
    "adam, large eps": (Adam, dict(learning_rate=0.01, beta1=0.9, beta2=0.999, eps=1e-2)),
}
_STEPS = 300


def _problem(dtype, seed=0):
    """A 5 x 4 matrix and a bias; gradients of varied scale, some entries always zero."""
    rng = np.random.default_rng(seed)
    params = [rng.normal(size=(5, 4)).astype(dtype), rng.normal(size=4).astype(dtype)]
    scale = np.logspace(-3, 1, 20).reshape(5, 4)
    grads = []
    for _ in range(_STEPS):
        gW = (scale * rng.normal(size=(5, 4))).astype(dtype)
        gW[0, :2] = 0.0  # like the weights of an always-blank pixel
        grads.append([gW, rng.normal(size=4).astype(dtype)])
    return params, grads


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("weight_decay", [0.0, 0.1])
@pytest.mark.parametrize("name", list(_RULES))
def test_fast_update_equals_the_textbook_formula_for_many_steps(name, weight_decay, dtype):
    cls, settings = _RULES[name]
    settings = {**settings, "weight_decay": weight_decay}
    params, grads = _problem(dtype)
    expected, _ = _textbook(name, settings, params, grads)
    opt = cls(**settings)
    # Each step may round differently in the last place: allow a few units of the
    # dtype's precision per step, relative to the size of the parameters.
    tol = 4 * np.finfo(dtype).eps * max(float(np.abs(p).max()) for p in expected[-1])
    for t, (g, want) in enumerate(zip(grads, expected, strict=True), start=1):
        opt.step(params, g)
        for p, w in zip(params, want, strict=True):
            assert p.dtype == dtype
            np.testing.assert_allclose(p, w, rtol=0, atol=t * tol, err_msg=f"step {t}")
    assert opt.t == _STEPS


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_adam_and_rmsprop_report_the_textbook_averages(dtype):
    params, grads = _problem(dtype)
    for name, attrs in (("adam", ("m", "v")), ("rmsprop", ("square_avg",))):
        cls, settings = _RULES[name]
        _, state = _textbook(name, settings, params, grads)
        opt = cls(**settings)
        for g in grads:
            opt.step([p.copy() for p in params], g)
        precision = 1e-5 if dtype == np.float32 else 1e-12
        for attr, want in zip(attrs, state, strict=False):
            for got, w in zip(getattr(opt, attr), want, strict=True):
                np.testing.assert_allclose(got, w, rtol=precision,
                                           atol=precision * float(np.abs(w).max()))


@pytest.mark.parametrize("name", list(_RULES))
def test_steps_after_the_first_allocate_no_parameter_sized_arrays(name):
    import tracemalloc

    cls, settings = _RULES[name]
    params = [np.ones((500, 100), np.float32), np.ones(100, np.float32)]
    grads = [np.full((500, 100), 0.01, np.float32), np.full(100, 0.01, np.float32)]
    opt = cls(**settings, weight_decay=0.01)
    opt.step(params, grads)  # the first step allocates the state and the scratch arrays
    tracemalloc.start()
    try:
        for _ in range(3):
            opt.step(params, grads)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < params[1].nbytes * 10 < params[0].nbytes  # far below one 500 x 100 array


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ["sgd", "momentum", "nesterov"])
def test_rules_without_folded_constants_equal_their_numpy_lines_bit_for_bit(name, dtype):
    # These rules only avoid temporaries: the same correctly rounded operations in the
    # same order as the one-line NumPy formulas of their docstrings, hence the same bits
    # on any machine (and the same trained networks as before the rewrite).
    cls, settings = _RULES[name]
    lr = settings["learning_rate"]
    params, grads = _problem(dtype)
    mine, opt = [p.copy() for p in params], cls(**settings)
    state = [np.zeros_like(p) for p in params]
    for g in grads:
        opt.step(mine, g)
        for i, gi in enumerate(g):
            if name == "sgd":
                params[i] -= lr * gi
            else:
                mu = settings["momentum"]
                state[i] *= mu
                state[i] -= lr * gi
                params[i] += mu * state[i] - lr * gi if name == "nesterov" else state[i]
    for p, want in zip(mine, params, strict=True):
        np.testing.assert_array_equal(p, want)


# ------------------------------------------------------------------ the fused last pass


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_subtract_scaled_is_p_minus_alpha_x_in_place(dtype):
    from course_utils.optimizers import _subtract_scaled

    rng = np.random.default_rng(1)
    p, x = rng.normal(size=(50, 30)).astype(dtype), rng.normal(size=(50, 30)).astype(dtype)
    want = p.astype(np.float64) - 0.3 * x.astype(np.float64)
    # One fused rounding (two without FMA): within two units of the precision of the
    # larger term (relative to the result it can be more, where p and 0.3 x cancel).
    bound = 2 * np.finfo(dtype).eps * (np.abs(p) + 0.3 * np.abs(x)).astype(np.float64)
    same = p
    _subtract_scaled(p, 0.3, x)
    assert p is same and p.dtype == dtype
    assert np.all(np.abs(p - want) <= bound)


@pytest.mark.parametrize("layout", ["fortran", "strided view", "float16"])
def test_subtract_scaled_updates_arrays_axpy_cannot_take(layout):
    from course_utils.optimizers import _subtract_scaled

    rng = np.random.default_rng(2)
    base = rng.normal(size=(6, 8))
    if layout == "fortran":
        p = np.asfortranarray(base)
    elif layout == "strided view":
        p = base[:, ::2]
    else:
        p = base.astype(np.float16)
    x = np.ones(p.shape, p.dtype, order="F" if layout == "fortran" else "C")
    before = p.astype(np.float64)
    _subtract_scaled(p, 0.5, x)
    np.testing.assert_allclose(p, before - 0.5, rtol=1e-3 if layout == "float16" else 1e-15)
    if layout == "strided view":
        np.testing.assert_array_equal(base[:, ::2], p)  # written through the view


@pytest.mark.parametrize("name", ["rmsprop", "adam"])
def test_fused_rules_update_fortran_ordered_parameters_like_c_ordered_ones(name):
    cls, settings = _RULES[name]
    params, grads = _problem(np.float64)
    c_order, f_order = [p.copy() for p in params], [np.asfortranarray(p) for p in params]
    opt_c, opt_f = cls(**settings), cls(**settings)
    for g in grads[:20]:
        opt_c.step(c_order, g)
        opt_f.step(f_order, [np.asfortranarray(gi) for gi in g])
    for a, b in zip(c_order, f_order, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12)


# ------------------------------------------------------------------ one pass over packed parameters


def _packed_problem(dtype=np.float32):
    params, grads = _problem(dtype)
    return packed_views(params), [packed_views(g) for g in grads]


def test_packed_views_copy_values_into_consecutive_views_of_one_array():
    arrays = [np.arange(6.0).reshape(2, 3), np.array([7.0, 8.0])]
    views = packed_views(arrays)
    assert views[0].base is views[1].base and views[0].base.shape == (8,)
    np.testing.assert_array_equal(views[0].base, [0, 1, 2, 3, 4, 5, 7, 8])
    with pytest.raises(TypeError, match="share one dtype"):
        packed_views([np.zeros(2, np.float32), np.zeros(2)])


@pytest.mark.parametrize("name", list(_RULES))
def test_packed_parameters_are_updated_as_one_block_with_the_same_numbers(name):
    # One pass over the flat array, or one per parameter: the same element-wise
    # arithmetic. NumPy's loops give the same bits either way; BLAS's axpy (RMSProp's and
    # Adam's last pass) may round a vector's tail differently from its body.
    cls, settings = _RULES[name]
    settings = {**settings, "weight_decay": 0.1}
    params, grads = _problem(np.float32)
    packed, packed_grads = _packed_problem()
    separate, packed_opt = cls(**settings), cls(**settings)
    for g, pg in zip(grads, packed_grads, strict=True):
        separate.step(params, g)
        packed_opt.step(packed, pg)
    assert packed_opt._flat is not None and separate._flat is None  # the flat path was taken
    for a, b in zip(params, packed, strict=True):
        if cls in (SGD, Momentum):
            np.testing.assert_array_equal(a, b)
        else:
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_packed_parameters_with_fresh_gradients_fall_back_to_one_block_per_array():
    # MLP(l2=...) hands the optimiser new arrays dW + l2 W: not views of one buffer.
    params, grads = _problem(np.float64)
    packed, _ = _packed_problem(np.float64)
    a, b = Adam(learning_rate=0.01), Adam(learning_rate=0.01)
    for g in grads[:10]:
        a.step(params, g)
        b.step(packed, [gi.copy() for gi in g])
        assert b._flat is None
    for x, y in zip(params, packed, strict=True):
        np.testing.assert_array_equal(x, y)


# ------------------------------------------------------------------ subnormal state


@pytest.mark.parametrize("name", ["momentum", "rmsprop", "adam"])
def test_state_decayed_into_subnormals_is_flushed_without_changing_the_weights(name):
    # One gradient, then zeros: the state decays by beta per step into numbers below
    # float32's smallest normal (1.2e-38), which are slow to compute with.
    cls, settings = _RULES[name]
    W, b = np.full((4, 3), 0.5, np.float32), np.zeros(3, np.float32)
    flushed, kept = cls(**settings), cls(**settings)
    kept.FLUSH_EVERY = 10**9  # never flushes
    mine, theirs = packed_views([W, b]), packed_views([W, b])
    first = [np.full((4, 3), 1e-3, np.float32), np.full(3, 1e-3, np.float32)]
    zeros = [np.zeros((4, 3), np.float32), np.zeros(3, np.float32)]
    for t in range(1, 1201):
        grads = first if t == 1 else zeros
        flushed.step(mine, [g.copy() for g in grads])
        kept.step(theirs, [g.copy() for g in grads])
    tiny = np.finfo(np.float32).tiny
    state = getattr(kept, kept._state_names[0])[0].base
    assert np.any((state != 0) & (np.abs(state) < tiny))  # the slow numbers did appear
    for name_ in flushed._state_names:
        flat = getattr(flushed, name_)[0].base
        assert not np.any((flat != 0) & (np.abs(flat) < tiny))
    for a, b_ in zip(mine, theirs, strict=True):
        np.testing.assert_array_equal(a, b_)
