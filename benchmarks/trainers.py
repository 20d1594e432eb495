"""The implementations ``bench_epoch.py`` times: the same network and update rule, several ways.

Every trainer takes the training data, the hidden layer sizes, an optimiser name,
the number of epochs and a seed, trains with mini-batches of :data:`BATCH`
reshuffled every epoch, and returns a :class:`Run`: the seconds per epoch on both
clocks and a function that gives the test accuracy (called after the timing).

* :func:`train_floor` -- only the matrix products of every batch, the arithmetic
  floor any implementation of the network must pay on this BLAS;
* :func:`train_course` -- :class:`course_utils.mlp.MLP`;
* :func:`train_sklearn` -- scikit-learn's ``MLPClassifier`` on the same float32 array;
* :func:`train_keras` -- Keras 3 on JAX, started as the course starts it
  (:func:`course_utils.keras_setup.setup_keras`), XLA on one thread;
* :func:`train_torch` -- PyTorch, if it is installed.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from course_utils.mlp import MLP
from course_utils.optimizers import SGD, Adam, Momentum, RMSProp

BATCH = 64
N_CLASSES = 10

#: Update rules of the benchmark and their hyper-parameters (the libraries get the same).
OPTIMIZERS: dict[str, dict] = {
    "sgd": dict(learning_rate=0.1),
    "momentum": dict(learning_rate=0.01, momentum=0.9),
    "nesterov": dict(learning_rate=0.01, momentum=0.9, nesterov=True),
    "rmsprop": dict(learning_rate=1e-3, rho=0.9, eps=1e-8),
    "adam": dict(learning_rate=1e-3, beta1=0.9, beta2=0.999, eps=1e-8),
    "adamw": dict(learning_rate=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2),
}


@dataclass
class Run:
    """One timed training run: seconds per epoch by clock, and its test accuracy (lazily)."""

    seconds: dict[str, float]
    accuracy: Callable[[], float] | None = None
    compile_seconds: float | None = None


class Stopwatch:
    """Wall-clock time (``perf_counter``) and CPU time of this process (``process_time``)."""

    def __enter__(self) -> Stopwatch:
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc) -> None:
        self.seconds = {"wall": time.perf_counter() - self._wall,
                        "cpu": time.process_time() - self._cpu}

    def per(self, epochs: int) -> dict[str, float]:
        return {clock: s / epochs for clock, s in self.seconds.items()}


def course_optimizer(name: str):
    """The course's optimiser object for a name of :data:`OPTIMIZERS`."""
    settings = dict(OPTIMIZERS[name])
    if name == "sgd":
        return SGD(**settings)
    if name in ("momentum", "nesterov"):
        return Momentum(**settings)
    if name == "rmsprop":
        return RMSProp(**settings)
    return Adam(**settings)


def layer_sizes(n_features: int, hidden: tuple[int, ...]) -> list[int]:
    return [n_features, *hidden, N_CLASSES]


# ------------------------------------------------------------------ the floor


def train_floor(X, y, hidden, epochs, seed, **_) -> Run:
    """Per batch only ``A_{l-1} @ W_l`` forward and ``A_{l-1}.T @ D_l``, ``D_l @ W_l.T``
    backward (no ``D_0``: the input needs no gradient), into arrays allocated once."""
    rng = np.random.default_rng(seed)
    sizes = layer_sizes(X.shape[1], hidden)
    Ws = [rng.standard_normal((a, b), dtype=np.float32)
          for a, b in zip(sizes[:-1], sizes[1:], strict=True)]
    dWs = [np.empty_like(W) for W in Ws]
    # A[l]: input of layer l (A[0] is the data batch); D[l]: gradient at layer l's output.
    A = [None] + [rng.standard_normal((BATCH, s), dtype=np.float32) for s in sizes[1:-1]]
    Z = [np.empty((BATCH, s), np.float32) for s in sizes[1:]]
    D = [rng.standard_normal((BATCH, s), dtype=np.float32) for s in sizes[1:]]
    dA = [None] + [np.empty((BATCH, s), np.float32) for s in sizes[1:-1]]
    n = len(X)
    with Stopwatch() as watch:
        for _ in range(epochs):
            for lo in range(0, n, BATCH):
                A[0] = X[lo:lo + BATCH]
                m = len(A[0])
                for layer, W in enumerate(Ws):
                    np.matmul(A[layer][:m], W, out=Z[layer][:m])
                for layer in reversed(range(len(Ws))):
                    np.matmul(A[layer][:m].T, D[layer][:m], out=dWs[layer])
                    if layer > 0:
                        np.matmul(D[layer][:m], Ws[layer].T, out=dA[layer][:m])
    return Run(watch.per(epochs))


# ------------------------------------------------------------------ the course


def train_course(X, y, hidden, optimizer, epochs, seed, X_test, y_test, blas_threads=None,
                 **_) -> Run:
    model = MLP(hidden_sizes=hidden, batch_size=BATCH, epochs=epochs, seed=seed,
                optimizer=course_optimizer(optimizer), blas_threads=blas_threads)
    with Stopwatch() as watch:
        model.fit(X, y)
    return Run(watch.per(epochs), lambda: model.score(X_test, y_test))


# ------------------------------------------------------------------ scikit-learn


def train_sklearn(X, y, hidden, optimizer, epochs, seed, X_test, y_test, **_) -> Run:
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    settings = OPTIMIZERS[optimizer]
    if optimizer == "sgd":
        solver = dict(solver="sgd", momentum=0.0, nesterovs_momentum=False)
    elif optimizer == "adam":
        solver = dict(solver="adam", beta_1=settings["beta1"], beta_2=settings["beta2"],
                      epsilon=settings["eps"])
    else:
        raise ValueError(f"the MLPClassifier rows cover sgd and adam, not {optimizer!r}")
    model = MLPClassifier(hidden_layer_sizes=hidden, activation="relu", **solver,
                          learning_rate="constant", learning_rate_init=settings["learning_rate"],
                          batch_size=BATCH, alpha=0.0, max_iter=epochs, shuffle=True,
                          early_stopping=False, n_iter_no_change=epochs + 1, tol=0.0,
                          random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        with Stopwatch() as watch:
            model.fit(X, y)
    if model.n_iter_ != epochs:
        raise RuntimeError(f"MLPClassifier stopped after {model.n_iter_} of {epochs} epochs")
    return Run(watch.per(epochs), lambda: model.score(X_test, y_test))


# ------------------------------------------------------------------ Keras on JAX


class KerasTrainer:
    """One compiled Keras model per (network, optimiser), trained on across repeats.

    The first epoch of a new model traces and compiles its training step with XLA
    (twice: the last, smaller batch of an epoch has another shape); that epoch is
    timed apart, as ``compile_seconds`` (first epoch minus a steady epoch). Later
    calls reuse the compiled step, so the model keeps training across repeats.
    """

    def __init__(self, seed: int) -> None:
        from course_utils.keras_setup import setup_keras

        self.keras = setup_keras(seed)
        self.models: dict = {}

    def _build(self, n_features, hidden, optimizer):
        keras = self.keras
        settings = OPTIMIZERS[optimizer]
        if optimizer == "sgd":
            opt = keras.optimizers.SGD(settings["learning_rate"])
        elif optimizer == "adam":
            opt = keras.optimizers.Adam(settings["learning_rate"], beta_1=settings["beta1"],
                                        beta_2=settings["beta2"], epsilon=settings["eps"])
        else:
            raise ValueError(f"the Keras rows cover sgd and adam, not {optimizer!r}")
        model = keras.Sequential([keras.Input((n_features,))]
                                 + [keras.layers.Dense(h, activation="relu") for h in hidden]
                                 + [keras.layers.Dense(N_CLASSES)])
        # Loss and accuracy per batch, as the course's MLP reports them.
        model.compile(optimizer=opt, metrics=["accuracy"],
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        return model

    def __call__(self, X, y, hidden, optimizer, epochs, seed, X_test, y_test, **_) -> Run:
        key = (tuple(hidden), optimizer)
        compile_seconds = None
        if key not in self.models:
            model = self._build(X.shape[1], hidden, optimizer)
            with Stopwatch() as first:
                model.fit(X, y, batch_size=BATCH, epochs=1, shuffle=True, verbose=0)
            self.models[key] = model
            compile_seconds = first.seconds["wall"]
        model = self.models[key]
        with Stopwatch() as watch:
            model.fit(X, y, batch_size=BATCH, epochs=epochs, shuffle=True, verbose=0)
        per_epoch = watch.per(epochs)
        if compile_seconds is not None:
            compile_seconds -= per_epoch["wall"]

        def accuracy():
            logits = model.predict(X_test, batch_size=1024, verbose=0)
            return float(np.mean(np.argmax(logits, axis=1) == y_test))

        return Run(per_epoch, accuracy, compile_seconds)


# ------------------------------------------------------------------ PyTorch


def torch_version() -> str | None:
    """PyTorch's version, or None when it is not installed."""
    try:
        import torch
    except ImportError:
        return None
    return torch.__version__


def train_torch(X, y, hidden, optimizer, epochs, seed, X_test, y_test, threads=None,
                **_) -> Run:
    """A plain PyTorch loop: ``index_select`` the batch, forward, backward, ``step``.

    Adam uses ``fused=True`` (one kernel for the whole update), PyTorch's fastest
    CPU implementation.
    """
    import torch

    if threads is not None:
        torch.set_num_threads(threads)
    torch.manual_seed(seed)
    sizes = layer_sizes(X.shape[1], hidden)
    layers = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        layers.append(torch.nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    settings = OPTIMIZERS[optimizer]
    if optimizer == "sgd":
        opt = torch.optim.SGD(model.parameters(), lr=settings["learning_rate"])
    elif optimizer == "adam":
        opt = torch.optim.Adam(model.parameters(), lr=settings["learning_rate"],
                               betas=(settings["beta1"], settings["beta2"]),
                               eps=settings["eps"], fused=True)
    else:
        raise ValueError(f"the PyTorch rows cover sgd and adam, not {optimizer!r}")
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y.astype(np.int64))
    generator = torch.Generator().manual_seed(seed)
    n = len(X)
    with Stopwatch() as watch:
        for _ in range(epochs):
            order = torch.randperm(n, generator=generator)
            total_loss, correct = 0.0, 0
            for lo in range(0, n, BATCH):
                idx = order[lo:lo + BATCH]
                xb, yb = Xt.index_select(0, idx), yt.index_select(0, idx)
                logits = model(xb)
                loss = torch.nn.functional.cross_entropy(logits, yb)
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
                # Loss and accuracy per batch, as the course's MLP reports them.
                total_loss += loss.item() * len(idx)
                correct += int((logits.detach().argmax(dim=1) == yb).sum())

    def accuracy():
        with torch.no_grad():
            logits = model(torch.from_numpy(X_test))
        return float((logits.argmax(dim=1).numpy() == y_test).mean())

    return Run(watch.per(epochs), accuracy)
