"""Student versions of the course notebooks, generated from the answer key.

The committed notebooks are the instructor's answer key, with solutions inside
nbgrader markers. ``python -m course_utils.release OUT_DIR`` writes the student
versions; ``python -m course_utils.release --check OUT_DIR`` verifies them;
``python -m course_utils.release.grade SUBMISSION ...`` grades submissions with the
answer key's checks.

Modules, one job each:

* :mod:`~course_utils.release.markers` -- find BEGIN/END SOLUTION and HIDDEN TESTS regions;
* :mod:`~course_utils.release.stubs` -- what replaces a solution (code stub with hint, prompt);
* :mod:`~course_utils.release.dependencies` -- which cells depend on an exercise (outputs cleared);
* :mod:`~course_utils.release.checksums` -- nbgrader's cell checksum;
* :mod:`~course_utils.release.student` -- answer key -> student version, in memory;
* :mod:`~course_utils.release.files` -- reading notebooks safely, safe output paths, writing
  files whole;
* :mod:`~course_utils.release.leaks` -- prove no solution text is left;
* :mod:`~course_utils.release.verdicts` -- read the verdicts checks print;
* :mod:`~course_utils.release.execute` -- run a student version in a fresh kernel;
* :mod:`~course_utils.release.check` -- ``--check``;
* :mod:`~course_utils.release.harness` -- run the real checks in a student's kernel, verdicts
  on a private channel (and the threat model);
* :mod:`~course_utils.release.runner` -- execute cell by cell through timeouts, dead kernels
  and a deadline;
* :mod:`~course_utils.release.review` -- flag code that tries to subvert grading;
* :mod:`~course_utils.release.gradebook` -- scores as text, CSV and JSON;
* :mod:`~course_utils.release.grade` -- grade submissions without nbgrader;
* :mod:`~course_utils.release.cli` -- the command line.
"""

from course_utils.release.errors import ReleaseError
from course_utils.release.student import ReleaseReport, is_student_version, make_student_version

__all__ = ["ReleaseError", "ReleaseReport", "is_student_version", "make_student_version"]
