"""``python -m course_utils.release``: write student versions, or check written ones.

    python -m course_utils.release OUT_DIR [NOTEBOOK ...]
    python -m course_utils.release --check OUT_DIR [NOTEBOOK ...] [--no-execute]

NOTEBOOK defaults to every ``notebooks/[0-9]*.ipynb`` under the current directory, written
into OUT_DIR, and every notebook of each other-language edition,
``notebooks/<language>/[0-9]*.ipynb``, written into ``OUT_DIR/<language>/`` (for example
``OUT_DIR/es/``). Exit status: 0 done, 1 a check failed, 2 the release was refused (the
message says why).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from course_utils.release.check import check_release
from course_utils.release.errors import ReleaseError
from course_utils.release.files import (
    default_editions,
    notebook_text,
    plan_outputs,
    read_notebook,
    write_files,
)
from course_utils.release.student import make_student_version


def release(out_dir: Path, sources: list[Path]) -> list[str]:
    """Write the student version of every source into ``out_dir``; one report line each."""
    return release_editions([(out_dir, sources)])


def release_editions(groups: list[tuple[Path, list[Path]]]) -> list[str]:
    """Write the student version of every source of each ``(out_dir, sources)`` group into
    its ``out_dir``; one report line each.

    Every notebook of every group is converted before anything is written, so a malformed
    notebook leaves the output folders untouched; each file is then written whole
    (temporary file and rename), so a failed write leaves the previous version in place.
    """
    pairs = [pair for out_dir, sources in groups for pair in plan_outputs(out_dir, sources)]
    converted = []
    for source, destination in pairs:
        answer_key = read_notebook(source)
        student, report = make_student_version(answer_key, source.name)
        converted.append((student, destination, report))
    write_files([(destination, notebook_text(student)) for student, destination, _ in converted])
    return [f"{report.summary()} -> {destination}" for _, destination, report in converted]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m course_utils.release",
        description="Write student versions of the course notebooks (solutions replaced by "
                    "stubs, dependent outputs cleared), or check written ones.")
    parser.add_argument("out_dir", type=Path, metavar="OUT_DIR",
                        help="folder for the student versions (outside notebooks/)")
    parser.add_argument("notebooks", type=Path, nargs="*", metavar="NOTEBOOK",
                        help="answer-key notebooks (default: notebooks/[0-9]*.ipynb)")
    parser.add_argument("--check", action="store_true",
                        help="check the student versions in OUT_DIR instead of writing them: "
                             "up to date, no solution text, run top to bottom with every check "
                             "reporting 'not implemented'")
    parser.add_argument("--no-execute", action="store_true",
                        help="with --check: skip running the notebooks")
    parser.add_argument("--timeout", type=int, default=600,
                        help="with --check: seconds allowed per cell (default 600)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        editions = [(Path(), list(args.notebooks))] if args.notebooks else default_editions()
        if args.check:
            results = [result for folder, sources in editions
                       for result in check_release(sources, args.out_dir / folder,
                                                   execute=not args.no_execute,
                                                   timeout=args.timeout,
                                                   prefix=_prefix(folder))]
            for result in results:
                print(result.summary(), flush=True)
            return 0 if all(result.ok for result in results) else 1
        for line in release_editions([(args.out_dir / folder, sources)
                                      for folder, sources in editions]):
            print(line)
    except ReleaseError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


def _prefix(folder: Path) -> str:
    """How the notebooks of an edition are named in the report: ``es/01_....ipynb``."""
    return "" if folder == Path() else f"{folder.as_posix()}/"
