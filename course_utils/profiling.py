"""Where does a call spend its time? A profile reduced to the functions you ask about (notebook 05).

``cProfile`` records, for every function a call runs, how often it was called and
how long it ran *itself* (its "own" time, without the functions it called). A full
profile has hundreds of lines whose order changes from run to run; the question a
notebook asks is narrower -- how many times scikit-learn's per-batch helpers run,
and how much time they take next to the matrix products -- so :func:`profile_functions`
returns just those lines, in the order asked, plus one line for everything else::

    lines = profile_functions(clf.fit, X, y, functions=["safe_sparse_dot", "_backprop"])
    for line in lines:
        print(line)   # "safe_sparse_dot     1,250 calls  (took 0.21 s)"

Call counts are exact and repeat from run to run; times vary with the machine and
its load, and are printed in the ``(took … s)`` form the notebook comparison masks.
"""

from __future__ import annotations

import cProfile
import pstats
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from course_utils.i18n import N_, tr, tr_text

#: The name of the line for all other functions (shown translated, compared in English).
OTHERS = N_("everything else")


@dataclass(frozen=True)
class ProfileLine:
    """One function of a profile: ``calls`` and ``seconds`` of own time (summed over every
    function of that name, whichever module defines it)."""

    function: str
    calls: int
    seconds: float

    def __str__(self) -> str:
        calls = tr("{calls:>7,} calls", calls=self.calls)
        if self.function == OTHERS:
            calls = " " * len(calls)
        return tr("{function:<26s}{calls}  (took {seconds:.2f} s)",
                  function=tr_text(self.function), calls=calls, seconds=self.seconds)


def profile_functions(fn: Callable, *args, functions: Sequence[str], **kwargs) -> list[ProfileLine]:
    """Run ``fn(*args, **kwargs)`` under ``cProfile``; report the named functions' own times.

    Args:
        fn: what to profile; its return value is discarded.
        functions: function names (``"safe_sparse_dot"``, not a path), reported in this order.

    Returns:
        One :class:`ProfileLine` per name (0 calls if it never ran), then one for all the
        other functions together (:data:`OTHERS`).
    """
    if isinstance(functions, str) or not functions or \
            not all(isinstance(name, str) and name for name in functions):
        raise TypeError(tr("profile_functions: functions must be a non-empty list of function "
                           "names, e.g. ['safe_sparse_dot']."))
    profiler = cProfile.Profile()
    profiler.runcall(fn, *args, **kwargs)
    stats = pstats.Stats(profiler).stats   # {(file, line, name): (prim calls, calls, own, ...)}
    calls = dict.fromkeys(functions, 0)
    own = dict.fromkeys(functions, 0.0)
    rest = 0.0
    for (_, _, name), (_, n_calls, own_time, _, _) in stats.items():
        if name in calls:
            calls[name] += n_calls
            own[name] += own_time
        else:
            rest += own_time
    return [*(ProfileLine(name, calls[name], own[name]) for name in functions),
            ProfileLine(OTHERS, 0, rest)]
