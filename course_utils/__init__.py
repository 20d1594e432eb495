"""Helpers for the course *Neural networks from first principles*.

The notebooks in ``notebooks/`` import everything they reuse from here, so
that each lesson's code cells stay short. The package mirrors the course:

* ``course_utils.data``          -- datasets (MNIST, Fashion-MNIST), IDX files, verified downloads
* ``course_utils.preprocessing`` -- flattening, scaling, z-scores, one-hot labels, stratified splits
* ``course_utils.checks``        -- the feedback checks that follow each exercise

Every array that crosses a function boundary follows the *row-major*
convention: one sample per row, ``X.shape == (n_samples, n_features)``.
"""

__version__ = "0.1.0"
