"""The course's network in scikit-learn's clothes (introduced in notebook 05).

:class:`course_utils.mlp.MLP` and scikit-learn's ``MLPClassifier`` compute the same
function -- dense layers, ReLU, softmax -- and store their weights in the same
layout (``coefs_[i]`` is ``(fan_in, fan_out)``, ``intercepts_[i]`` is
``(fan_out,)``). This module translates between them:

* :func:`matching_mlp_classifier` -- an unfitted ``MLPClassifier`` whose training
  is the course's mini-batch SGD with the same hyper-parameters;
* :func:`to_sklearn_mlp` -- a fitted ``MLPClassifier`` holding a copy of a trained
  ``MLP``'s weights, so both predict the same probabilities;
* :func:`fit_fixed_epochs` -- train for exactly ``max_iter`` epochs without the
  warning scikit-learn prints when it reaches ``max_iter``;
* :func:`max_iter_warning_silenced` -- the same silence around code that calls
  ``fit`` itself (``cross_val_score``, a cross-validation loop).

The L2 conversion. The course's objective on a batch of ``m`` samples is
``mean cross-entropy + (l2 / 2) * sum(W**2)``; scikit-learn's is
``mean cross-entropy + alpha / (2 m) * sum(W**2)`` (``_backprop`` in
``sklearn/neural_network/_multilayer_perceptron.py`` divides the penalty by the
batch's sample count). Equal gradients need ``alpha = l2 * batch_size``. When the
last batch of an epoch is smaller (``n_samples % batch_size != 0``), scikit-learn
penalises that one batch more strongly; choose a batch size that divides the
training-set size for an exact match.
"""

from __future__ import annotations

import contextlib
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from course_utils.i18n import tr
from course_utils.mlp import MLP
from course_utils.optimizers import SGD


def matching_mlp_classifier(mlp: MLP, **overrides) -> MLPClassifier:
    """An unfitted ``MLPClassifier`` trained the way ``mlp`` would be.

    Args:
        mlp: a course :class:`~course_utils.mlp.MLP` (fitted or not) that uses plain SGD.
        **overrides: ``MLPClassifier`` parameters to change afterwards (e.g. ``verbose``).

    Returns:
        ``MLPClassifier`` with the same architecture, activation, batch size, learning rate,
        number of epochs, seed and L2 penalty (``alpha = l2 * batch_size``); plain SGD
        (no momentum, constant learning rate), reshuffled every epoch, no early stopping.
        Only the initial weights and the shuffling order differ: scikit-learn draws them
        from its own random generator (Glorot-uniform weights, not He-normal).
    """
    if not isinstance(mlp, MLP):
        raise TypeError(tr("mlp must be a course_utils.mlp.MLP, got {type}.",
                           type=type(mlp).__name__))
    if mlp.optimizer is not None and type(mlp.optimizer) is not SGD:
        raise ValueError(tr("Only plain SGD has an exact MLPClassifier counterpart here; this "
                            "network uses {optimizer!r}.", optimizer=mlp.optimizer))
    learning_rate = (mlp.learning_rate if mlp.optimizer is None
                     else mlp.optimizer.learning_rate)
    params = dict(
        hidden_layer_sizes=tuple(mlp.hidden_sizes),
        activation={"sigmoid": "logistic"}.get(mlp.activation, mlp.activation),
        solver="sgd", momentum=0.0, nesterovs_momentum=False,
        learning_rate="constant", learning_rate_init=learning_rate,
        batch_size=mlp.batch_size, max_iter=mlp.epochs, shuffle=True,
        alpha=mlp.l2 * mlp.batch_size,
        early_stopping=False, tol=0.0, n_iter_no_change=mlp.epochs,
        random_state=mlp.seed,
    )
    params.update(overrides)
    return MLPClassifier(**params)


def to_sklearn_mlp(mlp: MLP) -> MLPClassifier:
    """A fitted ``MLPClassifier`` that holds a copy of ``mlp``'s weights.

    scikit-learn is first given its own structure with one public call,
    ``partial_fit`` on one dummy sample per class (that sets ``classes_``,
    ``n_layers_``, ``out_activation_ = "softmax"``, ``n_features_in_``, and the
    optimiser for later ``partial_fit`` calls); then every weight matrix and bias
    vector is overwritten in place with the course network's values.

    Args:
        mlp: a fitted :class:`~course_utils.mlp.MLP` (``coefs_`` present).

    Returns:
        ``MLPClassifier`` whose ``predict_proba(X)`` equals ``mlp.predict_proba(X)``
        (to float rounding) for every ``X: (n_samples, n_features_in_)``.
    """
    if not isinstance(mlp, MLP):
        raise TypeError(tr("mlp must be a course_utils.mlp.MLP, got {type}.",
                           type=type(mlp).__name__))
    if not hasattr(mlp, "coefs_"):
        raise RuntimeError(tr("to_sklearn_mlp: this MLP has no weights yet; fit it first (or "
                              "call initialize(n_features, n_classes))."))
    if mlp.n_classes_ < 3:
        raise ValueError(tr("to_sklearn_mlp needs at least 3 classes: with 2, MLPClassifier uses "
                            "one logistic output unit instead of a softmax over two."))
    clf = matching_mlp_classifier(mlp, max_iter=1, batch_size=mlp.n_classes_)
    dtype = mlp.coefs_[0].dtype
    dummy_X = np.zeros((mlp.n_classes_, mlp.n_features_in_), dtype=dtype)
    clf.partial_fit(dummy_X, mlp.classes_, classes=mlp.classes_)
    for mine, theirs in zip(mlp.coefs_ + mlp.intercepts_, clf.coefs_ + clf.intercepts_,
                            strict=True):
        if mine.shape != theirs.shape:
            raise RuntimeError(tr("Weight shapes differ: course {mine_shape}, scikit-learn "
                                  "{theirs_shape}.", mine_shape=mine.shape,
                                  theirs_shape=theirs.shape))
        theirs[...] = mine  # in place: scikit-learn's optimiser holds these very arrays
    clf.set_params(max_iter=mlp.epochs, batch_size=mlp.batch_size)
    return clf


def fit_fixed_epochs(clf: MLPClassifier, X: np.ndarray, y: np.ndarray) -> MLPClassifier:
    """``clf.fit(X, y)`` for exactly ``clf.max_iter`` epochs, without the max_iter warning.

    scikit-learn treats ``max_iter`` as a safety limit and warns ("Maximum iterations
    reached and the optimization hasn't converged yet") whenever training reaches it.
    Here a fixed number of epochs is the plan, as in the course's ``MLP``, so that
    one warning is silenced; any other warning still shows.

    Returns:
        ``clf``, fitted; raises if it stopped before ``max_iter`` epochs (early stopping
        or ``n_iter_no_change`` left active).
    """
    if not isinstance(clf, MLPClassifier):
        raise TypeError(tr("clf must be an MLPClassifier, got {type}.", type=type(clf).__name__))
    with max_iter_warning_silenced():
        clf.fit(X, y)
    if clf.n_iter_ != clf.max_iter:
        raise RuntimeError(tr("Training stopped after {n_iter} of {max_iter} epochs: set "
                              "early_stopping=False and n_iter_no_change >= max_iter for a fixed "
                              "number of epochs.", n_iter=clf.n_iter_, max_iter=clf.max_iter))
    return clf


@contextlib.contextmanager
def max_iter_warning_silenced():
    """Inside the block, scikit-learn's "Maximum iterations reached" warning is not shown.

    Only that one ``ConvergenceWarning``: any other warning still shows. For code that
    fits ``MLPClassifier`` for a planned number of epochs through another function
    (``cross_val_score(clf, ...)``, a cross-validation loop); :func:`fit_fixed_epochs`
    uses it around a single ``fit``.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*Maximum iterations",
                                category=ConvergenceWarning)
        yield
