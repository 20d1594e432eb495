"""Run the answer key's check in a student's kernel so that the student's code cannot
replace it, and bring its verdict back on a channel the student's code does not know.

The grader replaces the source of every check cell of a submission with a *harness*
cell (:meth:`VerdictChannel.cell_source`). When that cell runs in the student's kernel:

1. it loads a fresh, private copy of ``course_utils.checks`` (and of the course modules
   the checks import) straight from the source files of the course package the grader
   uses, compiled from source (no bytecode cache), through a private ``__import__``.
   Nothing comes from ``sys.modules`` or from the notebook's namespace, so a student's
   ``def check_softmax(...)``, a patched ``course_utils.checks.feedback.report`` or a
   fake module in ``sys.modules`` are never used; the private copy is not reachable by
   importing anything, so the student's function cannot patch it while it is checked;
2. it executes the answer key's check-cell source with the fresh ``check_*`` functions
   bound in place of the notebook's, and writes the names it binds (``softmax = ...``)
   back into the notebook, so later cells use what the check returned;
3. it records every verdict the fresh checks report (the :class:`Feedback` objects, not
   printed text) and writes them to a file in a private folder of the grader, whose name
   and whose HMAC key are random per check cell and appear nowhere but in that cell's
   source. The grader accepts the verdict only if the file exists after the cell, was
   created by that cell (``O_EXCL``) and carries a valid HMAC over its contents.

So printing "✔ softmax: correct", replacing ``print`` or ``sys.stdout``, raising
``SystemExit`` or calling ``os._exit`` after printing it, editing or deleting the check
cell, defining ``check_*`` functions or monkey-patching ``course_utils`` all earn nothing.

Threat model, honestly: the student's code runs in the same Python process as the
check, before it and during it. A student who deliberately subverts the interpreter can
still forge a pass: by patching NumPy or builtins the checks rely on (``np.allclose``,
``isinstance``), by hooking cell execution before the harness runs (IPython input
transformers or ``pre_run_cell`` events, ``sys.settrace``, audit hooks) to read its key,
by inspecting frames (``sys._getframe``, ``gc``) from inside the checked function, by
writing to the course's source files on disk (the grader detects this afterwards:
:func:`source_digest`), or by simply importing the course's reference solution from
``course_utils``. Such code is visible in the submission;
:mod:`course_utils.release.review` flags the usual forms of it for a human to read. The
kernel runs with the grader's permissions: grade untrusted submissions in a disposable
account or container, as with any autograder.
"""

from __future__ import annotations

import hashlib
import hmac
import inspect
import json
import secrets
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import course_utils


def package_root() -> Path:
    """The folder holding the ``course_utils`` package the grader trusts (its parent)."""
    return Path(course_utils.__file__).resolve().parent.parent


def source_digest(root: Path | None = None) -> str:
    """SHA-256 over the path and contents of every ``course_utils/**/*.py`` under ``root``.

    Compared before and after each submission: a student's code that rewrote a check
    on disk would otherwise change what every later harness loads.
    """
    package = (root or package_root()) / "course_utils"
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


@dataclass(frozen=True)
class Ticket:
    """Where one harness cell writes its verdict, and the key that signs it."""

    grade_id: str
    path: Path
    key: str


@dataclass(frozen=True)
class KernelVerdict:
    """What a harness cell reported.

    Attributes:
        verdicts: ``(exercise, status)`` pairs, one per verdict the checks reported.
        finished: the check-cell source ran to its end.
        error: ``"TypeError: ..."`` when it did not (an exception, ``SystemExit``, an
            interrupt), else ``None``.
    """

    verdicts: tuple[tuple[str, str], ...]
    finished: bool
    error: str | None


class ForgedVerdictError(ValueError):
    """A verdict file whose signature does not match: it was not written by the harness."""


class VerdictChannel:
    """The grader's private folder for verdict files; use as a context manager."""

    def __init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="course-verdicts-"))

    def __enter__(self) -> VerdictChannel:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)

    def ticket(self, grade_id: str) -> Ticket:
        return Ticket(grade_id, self.directory / f"{secrets.token_hex(16)}.json",
                      secrets.token_hex(32))

    def cell_source(self, ticket: Ticket, check_source: str, root: Path | None = None) -> str:
        """The source of the harness cell that runs ``check_source`` for ``ticket``.

        The harness code runs in a namespace of its own whose builtins are the
        ``builtins`` module: a notebook global named ``exec``, ``dict`` or ``globals``
        cannot stand in for the real one. The cell itself looks up no name before
        ``import builtins``.
        """
        arguments = ", ".join(repr(value) for value in (
            str(root or package_root()), ticket.grade_id, check_source, str(ticket.path),
            ticket.key))
        harness = inspect.getsource(_kernel_check) + f"_kernel_check({arguments}, namespace)\n"
        return ("# This check cell was restored by the grader: the answer key's check runs on a\n"
                "# fresh copy of the course's checks, and its verdict goes to the grader.\n"
                "import builtins as _course_grader_builtins\n"
                f"_course_grader_builtins.exec({harness!r}, {{\n"
                "    '__builtins__': _course_grader_builtins,\n"
                "    'namespace': _course_grader_builtins.globals()})\n")

    def collect(self, ticket: Ticket) -> KernelVerdict | None:
        """The verdict written for ``ticket`` (file removed), ``None`` if there is none.

        Raises:
            ForgedVerdictError: the file exists but its HMAC or grade_id is wrong.
        """
        try:
            raw = ticket.path.read_bytes()
        except FileNotFoundError:
            return None
        ticket.path.unlink(missing_ok=True)
        mac, _, body = raw.partition(b"\n")
        expected = hmac.new(ticket.key.encode(), body, hashlib.sha256).hexdigest().encode()
        if not hmac.compare_digest(mac, expected):
            raise ForgedVerdictError("the verdict file's signature does not match")
        data = json.loads(body)
        if data.get("grade_id") != ticket.grade_id:
            raise ForgedVerdictError("the verdict file names another check")
        return KernelVerdict(tuple((str(e), str(s)) for e, s in data["verdicts"]),
                             bool(data["finished"]), data.get("error"))


def _kernel_check(root, grade_id, source, verdict_path, key, namespace):
    """Runs inside the student's kernel as the whole of a check cell (see the module
    docstring). Self-contained: its source is copied into the cell."""
    import builtins
    import hashlib
    import hmac
    import json
    import os
    import sys
    import types

    real_import = builtins.__import__
    private_builtins = dict(vars(builtins))
    registry = {}
    package_dir = os.path.join(root, "course_utils")

    def load(fullname):
        if fullname in registry:
            return registry[fullname]
        parent, _, child = fullname.rpartition(".")
        if parent:
            load(parent)
            if fullname in registry:  # the parent's __init__ imported it
                return registry[fullname]
        base = os.path.join(package_dir, *fullname.split(".")[1:])
        is_package = os.path.isfile(os.path.join(base, "__init__.py"))
        path = os.path.join(base, "__init__.py") if is_package else base + ".py"
        if not os.path.isfile(path):
            raise ImportError(f"no module named {fullname!r} in {package_dir}")
        module = types.ModuleType(fullname)
        module.__file__ = path
        module.__package__ = fullname if is_package else parent
        if is_package:
            module.__path__ = [base]
        module.__dict__["__builtins__"] = private_builtins
        registry[fullname] = module
        with open(path, "rb") as handle:
            code = compile(handle.read(), path, "exec", dont_inherit=True)
        # registered while it executes only (dataclasses look a class's module up there)
        previous = sys.modules.get(fullname)
        sys.modules[fullname] = module
        try:
            exec(code, module.__dict__)
        finally:
            if previous is None:
                del sys.modules[fullname]
            else:
                sys.modules[fullname] = previous
        if parent:
            setattr(registry[parent], child, module)
        return module

    def private_import(name, globals=None, locals=None, fromlist=(), level=0):
        if level:
            package = (globals or {}).get("__package__") or ""
            base = package.rsplit(".", level - 1)[0] if level > 1 else package
            name = f"{base}.{name}" if name else base
        if name != "course_utils" and not name.startswith("course_utils."):
            return real_import(name, globals, locals, fromlist, 0)
        module = load(name)
        if not fromlist:
            return load(name.split(".")[0])
        for item in fromlist:
            if item != "*" and not hasattr(module, item) and hasattr(module, "__path__"):
                try:
                    load(f"{name}.{item}")
                except ImportError:
                    pass  # "from package import name" of a non-module: Python reports it
        return module

    private_builtins["__import__"] = private_import
    records = []
    outcome = {"grade_id": grade_id, "verdicts": records, "finished": False, "error": None}
    try:
        feedback = load("course_utils.checks.feedback")
        original_report = feedback.report

        def recording_report(verdict, student_fn, reference_fn):
            records.append([str(verdict.exercise), str(verdict.status.value)])
            return original_report(verdict, student_fn, reference_fn)

        feedback.report = recording_report
        checks = load("course_utils.checks")
        scope = dict(namespace)
        for name in sorted(os.listdir(checks.__path__[0])):
            if name.endswith(".py") and name != "__init__.py":
                chapter = load(f"course_utils.checks.{name[:-3]}")
                scope.update({attr: value for attr, value in vars(chapter).items()
                              if attr.startswith("check_") and callable(value)})
        scope["__builtins__"] = private_builtins
        before = dict(scope)
        exec(compile(source, f"<check {grade_id}>", "exec", dont_inherit=True), scope)
        for name, value in scope.items():
            if name != "__builtins__" and (name not in before or before[name] is not value):
                namespace[name] = value
        outcome["finished"] = True
    except BaseException as err:
        outcome["error"] = f"{type(err).__name__}: {err}"[:500]
        raise
    finally:
        body = json.dumps(outcome, sort_keys=True).encode()
        mac = hmac.new(key.encode(), body, hashlib.sha256).hexdigest().encode()
        fd = os.open(verdict_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, mac + b"\n" + body)
        finally:
            os.close(fd)
