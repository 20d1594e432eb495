"""Helpers for the course *Neural networks from first principles*.

The notebooks in ``notebooks/`` import everything they reuse from here, so
that each lesson's code cells stay short. The package mirrors the course:

* notebook 01 -- ``data`` (datasets, IDX files, verified downloads), ``preprocessing``
  (flattening, scaling, z-scores, one-hot labels, stratified splits),
  ``plotting.images``, ``widgets.digit_browser``
* notebook 02 -- ``softmax`` (softmax, log-softmax, cross-entropy and its gradient),
  ``gradcheck`` (finite differences)
* notebook 03 -- ``layers`` (forward/backward pairs), ``initializers``, ``mlp`` (the
  ``MLP`` classifier), ``optimizers`` (the optimiser interface, SGD), ``metrics``,
  ``plotting.training``, ``widgets.digit_canvas`` (draw a digit, the network reads it)
* notebook 04 -- ``optimizers`` (momentum, RMSProp, Adam), ``schedules``,
  ``regularization``, ``callbacks``, ``diagnostics``, ``widgets.playground``
* notebook 05 -- ``sklearn_bridge``;  notebook 06 -- ``keras_setup``, ``keras_bridge``,
  ``keras_output_check``
* every notebook -- ``checks`` (the feedback after each exercise); instructors --
  ``release`` (student versions and grading); students -- ``doctor`` (``python -m
  course_utils.doctor`` checks the environment and names the fix for each problem)

Every array that crosses a function boundary follows the *row-major*
convention: one sample per row, ``X.shape == (n_samples, n_features)``.
"""

__version__ = "0.1.0"

from course_utils.i18n import set_language  # noqa: E402  (the Spanish notebooks call it first)

__all__ = ["set_language"]
