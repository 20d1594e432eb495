"""``python -m course_utils.release``: write student versions, or check written ones.

    python -m course_utils.release OUT_DIR [NOTEBOOK ...]
    python -m course_utils.release --check OUT_DIR [NOTEBOOK ...] [--no-execute]

NOTEBOOK defaults to every ``notebooks/[0-9]*.ipynb`` under the current directory.
Exit status: 0 done, 1 a check failed, 2 the release was refused (the message says why).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from course_utils.release.check import check_release
from course_utils.release.errors import ReleaseError
from course_utils.release.files import (
    default_notebooks,
    notebook_text,
    plan_outputs,
    read_notebook,
    write_files,
)
from course_utils.release.student import make_student_version


def release(out_dir: Path, sources: list[Path]) -> list[str]:
    """Write the student version of every source into ``out_dir``; one report line each.

    Every notebook is converted before anything is written, so a malformed notebook
    leaves the output folder untouched; each file is then written whole (temporary file
    and rename), so a failed write leaves the previous version in place.
    """
    pairs = plan_outputs(out_dir, sources)
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
        sources = list(args.notebooks) or default_notebooks()
        if args.check:
            results = check_release(sources, args.out_dir, execute=not args.no_execute,
                                    timeout=args.timeout)
            for result in results:
                print(result.summary(), flush=True)
            return 0 if all(result.ok for result in results) else 1
        for line in release(args.out_dir, sources):
            print(line)
    except ReleaseError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0
