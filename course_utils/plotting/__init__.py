"""Figures the notebooks share: image grids (``images``), training diagnostics (``training``),
convolution layers (``convolution``) and comparisons over seeds (``model_comparison``).

Every function draws on a Matplotlib figure and returns it (or the axes), so a
notebook can adjust a title before ``plt.show()``.
"""
