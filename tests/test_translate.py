"""The translation machinery: catalogues keyed by cell, stale detection, builds that cannot drift."""

from pathlib import Path

import nbformat
import polib
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from course_utils import i18n
from course_utils.translate import catalog
from course_utils.translate.__main__ import main
from course_utils.translate.build import TranslationIncomplete, build_notebook
from course_utils.translate.equivalence import code_differences, translatable_strings
from course_utils.translate.glossary import Term, glossary_violations
from course_utils.translate.segments import has_words, markdown_segments

INTRO = "The loss falls with every epoch.\n\nA second paragraph about the learning rate."
CODE = ('import numpy as np\n# one epoch of training\nloss = 0.25\n'
        'print(f"loss after the epoch: {loss:.3f}")\nactivation = "relu"')
SPANISH = {
    "The loss falls with every epoch.": "La función de pérdida baja en cada época.",
    "A second paragraph about the learning rate.": "Un segundo párrafo sobre la tasa de aprendizaje.",
    CODE: ('import numpy as np\n# una época de entrenamiento\nloss = 0.25\n'
           'print(f"pérdida después de la época: {loss:.3f}")\nactivation = "relu"'),
}


def english():
    params = new_code_cell('DATASET = "mnist-5k"')
    params.metadata["tags"] = ["parameters"]
    params.id = "params"
    intro = new_markdown_cell(INTRO)
    intro.id = "intro"
    math = new_markdown_cell("$$\nL = -\\log p\n$$")
    math.id = "math"
    code = new_code_cell(CODE)
    code.id = "code"
    code.metadata["nbgrader"] = {"grade_id": "ex01-1-loss", "solution": True, "grade": False,
                                 "locked": False, "schema_version": 3, "task": False}
    return new_notebook(cells=[intro, params, math, code])


def translated_catalogue(nb, spanish=SPANISH):
    po = catalog.update(nb, catalog.new_catalogue("demo", "es"))
    for entry in po:
        entry.msgstr = spanish.get(entry.msgid, "")
    return po


def test_paragraphs_and_code_with_text_need_translations_formulas_do_not():
    units = catalog.units(english())
    assert [(u.context, u.kind) for u in units] == [("intro", "markdown"), ("intro", "markdown"),
                                                    ("code", "code")]
    assert not has_words("$$\nL = -\\log p\n$$") and has_words("The **loss** $L$ falls.")


def test_a_fenced_block_stays_one_segment():
    text = "Run this:\n\n```python\nx = 1\n\ny = 2\n```\n\nThen this."
    assert markdown_segments(text) == ["Run this:", "```python\nx = 1\n\ny = 2\n```", "Then this."]


def test_a_complete_catalogue_builds_the_edition_with_the_language_set_and_grade_ids_suffixed():
    nb = english()
    edition = build_notebook(nb, translated_catalogue(nb), "es")
    assert edition.cells[0].source == ("La función de pérdida baja en cada época.\n\n"
                                       "Un segundo párrafo sobre la tasa de aprendizaje.")
    assert edition.cells[2].source == 'from course_utils import set_language\n\nset_language("es")'
    assert edition.cells[3].source == nb.cells[2].source                 # formula unchanged
    assert "pérdida después de la época" in edition.cells[4].source
    assert edition.cells[4].metadata["nbgrader"]["grade_id"] == "ex01-1-loss-es"
    assert catalog.problems(nb, translated_catalogue(nb), "demo.ipynb") == []


def test_the_badges_of_an_edition_open_the_translated_notebook():
    nb = english()
    badge = new_markdown_cell(
        "[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
        "(https://colab.research.google.com/github/o/r/blob/main/notebooks/01_x.ipynb) "
        "[![Launch Binder](https://mybinder.org/badge_logo.svg)]"
        "(https://mybinder.org/v2/gh/o/r/HEAD?urlpath=lab/tree/notebooks/01_x.ipynb)")
    badge.id, badge.metadata["course_header"] = "badge", "badge"
    nb.cells.insert(0, badge)
    edition = build_notebook(nb, translated_catalogue(nb), "es")
    assert edition.cells[0].source.count("/notebooks/es/01_x.ipynb") == 2
    assert "/notebooks/01_x.ipynb" not in edition.cells[0].source


def test_changing_one_english_sentence_makes_exactly_that_entry_stale():
    nb = english()
    po = translated_catalogue(nb)
    nb.cells[0].source = INTRO.replace("every epoch", "almost every epoch")
    found = catalog.problems(nb, po, "demo.ipynb")
    assert len(found) == 1
    problem = found[0]
    assert (problem.kind, problem.context, problem.cell_index) == ("stale", "intro", 0)
    assert problem.previous_english == "The loss falls with every epoch."
    assert problem.english == "The loss falls with almost every epoch."
    assert problem.translation == "La función de pérdida baja en cada época."
    text = str(problem)
    assert "translated from the English" in text and "English now" in text
    with pytest.raises(TranslationIncomplete):
        build_notebook(nb, po, "es")


def test_update_keeps_the_old_translation_as_a_fuzzy_starting_point():
    nb = english()
    po = translated_catalogue(nb)
    nb.cells[0].source = INTRO.replace("every epoch", "almost every epoch")
    updated = catalog.update(nb, po)
    entry = next(e for e in updated if e.msgid.startswith("The loss"))
    assert "fuzzy" in entry.flags and entry.previous_msgid == "The loss falls with every epoch."
    assert entry.msgstr == "La función de pérdida baja en cada época."
    assert catalog.problems(nb, updated, "demo.ipynb")[0].kind == "stale"


def test_rebuilding_an_up_to_date_edition_keeps_its_outputs_and_changes_nothing():
    nb = english()
    po = translated_catalogue(nb)
    first = build_notebook(nb, po, "es")
    first.cells[4].outputs = [nbformat.v4.new_output("stream", name="stdout", text="pérdida\n")]
    first.cells[4].execution_count = 3
    again = build_notebook(nb, po, "es", previous=first)
    assert nbformat.writes(again) == nbformat.writes(first)


def test_a_missing_translation_is_named():
    nb = english()
    spanish = dict(SPANISH)
    del spanish["A second paragraph about the learning rate."]
    found = catalog.problems(nb, translated_catalogue(nb, spanish), "demo.ipynb")
    assert [(p.kind, p.english) for p in found] == [
        ("missing", "A second paragraph about the learning rate.")]


@pytest.mark.parametrize("spanish_code, fragment", [
    (CODE.replace('activation = "relu"', 'activation = "relu_es"'), "'relu' became 'relu_es'"),
    (CODE.replace("loss = 0.25", "loss = 0.5"), "0.25 became 0.5"),
    (CODE.replace("{loss:.3f}", "{loss:.2f}"), ".3f"),
    (CODE + "\nprint('extra')", "statements"),
])
def test_a_translated_code_cell_must_be_the_same_program(spanish_code, fragment):
    problems = code_differences(CODE, spanish_code)
    assert problems and fragment in problems[0]


def test_comments_and_printed_text_may_change():
    assert code_differences(CODE, SPANISH[CODE]) == []
    assert translatable_strings(CODE) == ["loss after the epoch: "]
    assert code_differences('ax.set_title("Loss")', 'ax.set_title("Pérdida")') == []
    assert code_differences('plt.plot(x, label="train")', 'plt.plot(x, label="entrenamiento")') == []


def test_the_nbgrader_markers_must_survive_translation():
    english_source = "def f():\n    ### BEGIN SOLUTION\n    ### HINT: add one\n    return 1\n    ### END SOLUTION"
    spanish_source = "def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION"
    assert catalog.marker_differences(english_source, spanish_source)
    assert not catalog.marker_differences(english_source,
                                          english_source.replace("add one", "suma uno"))


def test_the_glossary_names_a_term_translated_otherwise():
    terms = [Term("learning rate", ("tasa de aprendizaje",)), Term("epoch", ("época", "épocas"))]
    assert glossary_violations("The learning rate per epoch.",
                               "La tasa de aprendizaje por época.", terms) == []
    violations = glossary_violations("The learning rate per epoch.",
                                     "El ritmo de aprendizaje por época.", terms)
    assert [t.english for t in violations] == ["learning rate"]
    assert glossary_violations("Use `learning_rate=0.1`.", "Use `learning_rate=0.1`.", terms) == []


def test_the_command_refuses_to_build_while_translations_are_missing(tmp_path, capsys):
    (tmp_path / "notebooks").mkdir()
    nbformat.write(english(), tmp_path / "notebooks" / "01_demo.ipynb")
    package_catalogue = (Path(__file__).resolve().parents[1] / "course_utils" / "locale"
                         / "es.po")
    before = package_catalogue.read_bytes()
    assert main(["es", "--update", "--root", str(tmp_path)]) == 1
    assert package_catalogue.read_bytes() == before   # another root: the package is left alone
    out = capsys.readouterr().out
    assert "01_demo.ipynb, cell 0 (id intro): missing" in out
    assert (tmp_path / "translations" / "es" / "01_demo.po").is_file()
    assert not (tmp_path / "notebooks" / "es").exists()


def test_messages_are_english_by_default_and_translated_after_set_language(monkeypatch, tmp_path):
    po = polib.POFile()
    po.append(polib.POEntry(msgid="{count} pixels never change.",
                            msgstr="{count} píxeles nunca cambian."))
    po.save(str(tmp_path / "es.po"))
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.catalogue.cache_clear()
    monkeypatch.setattr(i18n, "_current", [])
    assert i18n.tr("{count} pixels never change.", count=3) == "3 pixels never change."
    i18n.set_language("es")
    assert i18n.tr("{count} pixels never change.", count=3) == "3 píxeles nunca cambian."
    assert i18n.tr("Untranslated.") == "Untranslated."
    with pytest.raises(ValueError, match="no messages in 'fr'"):
        i18n.set_language("fr")
    i18n.catalogue.cache_clear()


def test_the_spurious_ast_system_error_of_cpython_3_11_is_retried_once(monkeypatch):
    import ast

    from course_utils import ast_parse
    calls, real_parse = [], ast.parse

    def flaky(source, **kwargs):
        calls.append(source)
        if len(calls) == 1:
            raise SystemError("AST constructor recursion depth mismatch (before=102, after=37)")
        return real_parse(source, **kwargs)

    monkeypatch.setattr(ast, "parse", flaky)
    assert isinstance(ast_parse.parse("x = 1"), ast.Module) and len(calls) == 2
    monkeypatch.setattr(ast, "parse", lambda source, **kwargs: (_ for _ in ()).throw(
        SystemError("something else")))
    with pytest.raises(SystemError, match="something else"):
        ast_parse.parse("x = 1")
