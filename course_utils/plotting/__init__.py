"""Figures the notebooks share: image grids (``images``) and training diagnostics (``training``).

Every function draws on a Matplotlib figure and returns it (or the axes), so a
notebook can adjust a title before ``plt.show()``.
"""
