"""Every message a student reads from course_utils exists in Spanish, and set_language picks it.

The catalogue ``course_utils/locale/es.po`` is checked against the whole package: every
``tr("...")``, ``N_("...")`` and literal field of a ``Mistake`` declaration,
wherever it is, must have a current Spanish translation with the same placeholders (and the
same format specs: ``{x:.3g}`` stays ``{x:.3g}``).

What is routed through the catalogue today, module by module (``CHECK_MODULES`` below):
checks 01-06, feedback, claims, metrics, binary cross-entropy, widgets, the data layer, the
doctor, the Keras output-layer warning, the verdicts of ``diagnostics.py`` and the summaries
of ``training_watch.py``; the figures of ``course_utils.plotting`` (titles, axis labels,
legend entries, colour bars); the errors and warnings of the NumPy core (``mlp``, ``layers``,
``softmax``, ``preprocessing``, ``regularization``, ``initializers``, ``schedules``,
``gradcheck``, ``callbacks``), of the experiment helpers (``seed_runs``, ``learning_curve``,
``splits``, ``profiling``, ``threads``) and of the Keras and scikit-learn bridges. The
completeness test reads the whole package, so it covers each of them as soon as it is
wrapped.
"""

import importlib
import pkgutil
import string
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import polib  # noqa: E402
import pytest  # noqa: E402

import course_utils.checks  # noqa: E402
from course_utils import i18n  # noqa: E402
from course_utils.checks.feedback import TRANSPOSED, Exercise, mistake_label, transposed  # noqa: E402
from course_utils.translate.messages import PACKAGE, extract, message_problems  # noqa: E402

CATALOGUE = PACKAGE / "locale" / "es.po"


@pytest.fixture
def spanish(monkeypatch):
    """Spanish messages for one test; English again afterwards (monkeypatch restores it)."""
    monkeypatch.setattr(i18n, "_current", [])
    monkeypatch.delenv(i18n.LANGUAGE_ENV_VAR, raising=False)
    i18n.set_language("es")


@pytest.fixture
def english(monkeypatch):
    monkeypatch.setattr(i18n, "_current", [])
    monkeypatch.delenv(i18n.LANGUAGE_ENV_VAR, raising=False)


def _fields(template: str) -> list[tuple[str, str | None, str]]:
    return sorted({(name, conversion, spec) for _, name, spec, conversion
                   in string.Formatter().parse(template) if name is not None})


# ---------------------------------------------------------------- the catalogue is complete


def test_every_message_of_the_package_has_a_current_spanish_translation():
    templates, source_problems = extract(PACKAGE)
    assert not source_problems, "\n".join(source_problems)
    assert len(templates) > 600   # the whole package was read, not one file
    problems = message_problems(polib.pofile(str(CATALOGUE)), templates)
    assert not problems, f"{len(problems)} message(s) to translate in {CATALOGUE}:\n" + \
        "\n".join(problems[:20])


def test_each_translation_keeps_the_format_specs_and_conversions_of_its_template():
    po = polib.pofile(str(CATALOGUE))
    different = [(e.msgid, e.msgstr) for e in po if e.msgstr and not e.obsolete
                 and _fields(e.msgid) != _fields(e.msgstr)]
    assert not different, different[:5]


def test_the_catalogue_holds_no_entry_the_package_no_longer_uses():
    templates, _ = extract(PACKAGE)
    unused = [e.msgid for e in polib.pofile(str(CATALOGUE)) if e.msgid not in templates]
    assert not unused, unused[:5]


def test_a_template_that_is_an_f_string_or_a_mistake_built_at_run_time_is_named(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "bad.py").write_text(
        "from course_utils.i18n import tr\n"
        "from course_utils.checks.feedback import Mistake\n"
        "def f(shape):\n"
        "    return tr(f'Your array has shape {shape}.')\n"
        "FORMULA = 'dL/dz'\n"
        "M = Mistake('name', 'explanation', f'Use {FORMULA}.', wrong=len)\n"
        "OK = tr('Your array has shape {shape}.', shape=(2, 3))\n", encoding="utf-8")
    templates, problems = extract(package)
    problems = sorted(problems)
    assert [p.split(": ", 1)[0] for p in problems] == ["pkg/bad.py:4", "pkg/bad.py:6"]
    assert "tr() needs a literal English template" in problems[0]
    assert "Mistake(...) needs literal texts" in problems[1]
    assert set(templates) == {"name", "explanation", "Your array has shape {shape}."}


def test_a_missing_stale_or_misnumbered_translation_is_reported():
    templates = {"{count} pixels never change.": ["a.py"], "Done.": ["a.py"],
                 "Run {n}.": ["b.py"]}
    po = polib.POFile()
    po.append(polib.POEntry(msgid="{count} pixels never change.",
                            msgstr="{n} píxeles nunca cambian."))
    stale = polib.POEntry(msgid="Run {n}.", msgstr="Ejecución {n}.", flags=["fuzzy"],
                          previous_msgid="Run {n}!")
    po.append(stale)
    found = message_problems(po, templates)
    assert len(found) == 3
    assert found[0].startswith("other placeholders (a.py)")
    assert found[1].startswith("missing (a.py): 'Done.'")
    assert found[2].startswith("stale (b.py)")


# ---------------------------------------------------------------- what a student sees


def _one_hot_verdict():
    from course_utils.checks.ch01 import ONE_HOT

    return ONE_HOT.diagnose(transposed(ONE_HOT.reference))


def test_a_check_verdict_is_english_by_default(english):
    feedback = _one_hot_verdict()
    text = feedback.render()
    assert feedback.mistake == TRANSPOSED
    assert text.startswith(f"✘ one_hot: mistake — {TRANSPOSED}")
    assert "\n  Hint: Swap the two axes of your result" in text


def test_a_check_verdict_is_spanish_after_set_language_and_keeps_the_english_mistake_key(
        spanish):
    feedback = _one_hot_verdict()
    text = feedback.render()
    assert feedback.mistake == TRANSPOSED == "axes swapped (transposed result)"
    assert text.startswith("✘ one_hot: incorrecto — ejes intercambiados (resultado transpuesto)")
    assert "El arreglo one-hot para" in text and "tiene forma" in text
    assert "\n  Pista: Intercambia los dos ejes de tu resultado" in text
    assert "Hint" not in text and "shape" not in text


def test_the_fallback_notice_is_spanish_too(spanish, capsys):
    from course_utils.checks.ch01 import ONE_HOT, check_one_hot

    returned = check_one_hot(transposed(ONE_HOT.reference))
    out = capsys.readouterr().out
    assert returned is ONE_HOT.reference
    assert "Mientras no lo supere, las celdas siguientes usan la referencia `one_hot`" in out


def test_a_mistake_of_a_later_check_is_shown_in_spanish_and_keeps_its_english_key(spanish):
    from course_utils.checks.ch05 import ALPHA

    feedback = ALPHA.diagnose(lambda l2, batch_size: l2 / batch_size)
    text = feedback.render()
    assert feedback.mistake == "alpha divided by the batch size instead of multiplied"
    assert text.startswith("✘ matching_alpha: incorrecto — alpha dividido entre el tamaño del "
                           "lote en lugar de multiplicado")
    assert "Dividir l2 entre m hace la penalización m² veces demasiado débil." in text
    assert "Pista: De alpha / m = l2 se sigue que alpha = l2 por m" in text


def test_a_later_check_speaks_spanish_in_its_own_sentences_too(spanish):
    from course_utils.checks.ch05 import PAIR, most_confused_pair
    from course_utils.checks.ch06 import conv2d

    wrong = PAIR.diagnose(lambda cm: None).render()
    assert "Tu función devolvió None en lugar de (verdadera, predicha)." in wrong
    assert "Pista: ¿Olvidaste la instrucción `return`?" in wrong
    passed = PAIR.diagnose(most_confused_pair)
    assert passed.passed
    assert passed.message.startswith("La celda fuera de la diagonal con la mayor proporción")
    with pytest.raises(ValueError, match=r"^conv2d: images debe ser \(n, h, w, c_in\), pero "
                                         r"tiene forma \(3, 3\)"):
        conv2d(np.zeros((3, 3)), np.zeros((2, 2, 1, 1)), np.zeros(1))


def test_a_later_check_keeps_its_english_sentences_by_default(english):
    from course_utils.checks.ch05 import PAIR, most_confused_pair

    wrong = PAIR.diagnose(lambda cm: None)
    assert wrong.message == "Your function returned None instead of (true, predicted)."
    assert wrong.hint == "Did you forget the `return` statement?"
    assert PAIR.diagnose(most_confused_pair).message.startswith(
        "The off-diagonal cell with the largest share of its true class")


def test_check_04_speaks_spanish_in_its_mistakes_and_its_own_sentences(spanish):
    from course_utils.checks.ch04 import DROPOUT, SCHEDULE, warmup_cosine

    wrong = DROPOUT.diagnose(lambda rate, rng: None).render()
    assert "Pista: Mantén el esquema de la clase que da el ejercicio." in wrong
    assert "La capa no tiene el método forward." in wrong
    passed = SCHEDULE.diagnose(warmup_cosine)
    assert passed.passed
    assert passed.message.startswith("Calentamiento desde base_lr / warmup_epochs")
    assert "en 4 conjuntos de argumentos." in passed.message


def test_check_04_keeps_its_english_sentences_by_default(english):
    from course_utils.checks.ch04 import DROPOUT, SCHEDULE, warmup_cosine

    wrong = DROPOUT.diagnose(lambda rate, rng: None)
    assert wrong.message == "The layer has no forward method."
    assert wrong.hint == "Keep the class outline given in the exercise."
    assert SCHEDULE.diagnose(warmup_cosine).message.endswith("over 4 sets of arguments.")


def test_the_debugging_helpers_give_their_verdicts_in_the_chosen_language(monkeypatch):
    from course_utils.diagnostics import class_distribution
    from course_utils.training_watch import TrainingWatch

    monkeypatch.setattr(i18n, "_current", [])
    monkeypatch.delenv(i18n.LANGUAGE_ENV_VAR, raising=False)
    collapsed = np.array([3] * 9 + [1])
    assert str(class_distribution(collapsed, 10)).startswith(
        "COLLAPSED: 90.0% of the 10 predictions are class 3 (balanced classes would give "
        "about 10.0% each); 8 of 10 classes")
    assert str(TrainingWatch(diverged=True, diverged_epoch=4)).startswith(
        "diverged at epoch 4 (the loss became NaN or infinite)")
    i18n.set_language("es")
    assert str(class_distribution(collapsed, 10)).startswith(
        "COLAPSADA: el 90.0% de las 10 predicciones son de la clase 3 (con clases equilibradas "
        "sería alrededor del 10.0% cada una); 8 de 10 clases")
    assert str(TrainingWatch(diverged=True, diverged_epoch=4)).startswith(
        "divergió en la época 4 (la pérdida se volvió NaN o infinita)")
    assert str(TrainingWatch()) == "sin advertencias"


def test_a_mistake_qualified_by_a_factor_is_translated_part_by_part(spanish):
    assert mistake_label("off by a constant factor: the batch size") == \
        "desviado por un factor constante: el tamaño del lote"
    assert mistake_label("a name no catalogue has") == "a name no catalogue has"


#: How far each check module speaks through the catalogue: "all" its messages, "mistakes"
#: only its Mistake declarations (shown translated by the feedback), "none" not yet.
CHECK_MODULES = {"ch01": "all", "ch02": "all", "ch03": "all", "ch04": "all",
                 "ch05": "all", "ch06": "all"}


def _check_modules() -> dict[str, object]:
    """Every module of course_utils.checks that declares an Exercise, by name."""
    found = {}
    for info in pkgutil.iter_modules(course_utils.checks.__path__):
        module = importlib.import_module(f"course_utils.checks.{info.name}")
        if any(isinstance(value, Exercise) for value in vars(module).values()):
            found[info.name] = module
    return found


def _exercises():
    """Every Exercise of the check modules whose mistake names come from the catalogue."""
    return [value for name, module in _check_modules().items()
            if CHECK_MODULES.get(name, "none") != "none"
            for value in vars(module).values() if isinstance(value, Exercise)]


def test_the_scope_names_every_check_module_and_the_wrapped_ones_use_the_catalogue():
    modules = _check_modules()
    assert sorted(modules) == sorted(CHECK_MODULES), (
        "a check module was added or removed; say in CHECK_MODULES how far it is translated")
    for name, module in modules.items():
        source = Path(module.__file__).read_text(encoding="utf-8")
        if CHECK_MODULES[name] == "all":
            assert "course_utils.i18n" in source, f"{name} is listed as translated but uses no tr()"


def test_every_mistake_name_a_wrapped_check_can_report_has_a_spanish_name():
    spanish_names = i18n.catalogue("es")
    exercises = _exercises()
    assert len(exercises) >= 10
    untranslated = []
    for exercise in exercises:
        for name in exercise.self_tests():
            parts = [name] if name in spanish_names else name.split(": ")
            if not all(part in spanish_names for part in parts):
                untranslated.append((exercise.name, name))
    assert not untranslated, untranslated


def test_widget_labels_and_tooltips_follow_the_language(monkeypatch):
    from course_utils.widgets import digit_browser

    monkeypatch.setattr(i18n, "_current", [])
    images = np.zeros((4, 3, 3), dtype=np.uint8)
    labels = np.array([0, 1, 0, 1])
    english = digit_browser(images, labels, ("zero", "one"))
    assert english.position_slider.description == "image"
    assert english.show_pixels.description == "show pixel values"
    assert english.caption.value.startswith("image 0 of the dataset, label 0 (zero)")
    i18n.set_language("es")
    spanish = digit_browser(images, labels, ("zero", "one"))
    assert spanish.position_slider.description == "imagen"
    assert spanish.show_pixels.description == "mostrar valores de píxeles"
    assert spanish.position_slider.tooltip.startswith("Qué imagen de la clase mostrar")
    assert spanish.caption.value.startswith("imagen 0 del conjunto de datos, etiqueta 0 (zero)")


def test_the_playground_status_line_follows_the_language(monkeypatch):
    from course_utils.widgets.playground import Settings, describe_run, judge_run

    monkeypatch.setattr(i18n, "_current", [])
    history = {"loss": [2.3, 254.0], "accuracy": [0.1, 0.1]}
    settings = Settings(optimizer="momentum", learning_rate=1.0)
    assert describe_run(history, settings).startswith("SGD + momentum, learning rate 1, ")
    assert judge_run(history, 10).startswith("the loss exploded to 254 in epoch 2")
    i18n.set_language("es")
    assert describe_run(history, settings).startswith("SGD + momento, tasa de aprendizaje 1, ")
    assert judge_run(history, 10).startswith("la pérdida explotó hasta 254 en la época 2")


def test_a_data_layer_error_follows_the_language(monkeypatch, tmp_path):
    from course_utils.data import load_dataset

    monkeypatch.setattr(i18n, "_current", [])
    with pytest.raises(ValueError, match="^Unknown dataset 'mnist-50k'. Choose one of: "):
        load_dataset("mnist-50k", cache_dir=tmp_path)
    i18n.set_language("es")
    with pytest.raises(ValueError, match="^Conjunto de datos desconocido 'mnist-50k'. Elige uno "
                                         "de: 'mnist-5k', "):
        load_dataset("mnist-50k", cache_dir=tmp_path)
    with pytest.raises(ValueError, match="cache_dir es una cadena vacía"):
        load_dataset("mnist-5k", cache_dir="")


def test_numbers_keep_their_english_form_in_spanish_sentences(spanish):
    from course_utils.metrics import AccuracyEstimate

    estimate = AccuracyEstimate(correct=931, total=1000, low=0.9136, high=0.9451)
    assert str(estimate) == "93.1 % (IC del 95 %: 91.4–94.5 %, n = 1,000)"


def test_the_environment_variable_chooses_the_language_when_set_language_was_not_called(
        monkeypatch):
    monkeypatch.setattr(i18n, "_current", [])
    monkeypatch.setenv(i18n.LANGUAGE_ENV_VAR, "es")
    assert i18n.tr("Hint: {hint}", hint="x") == "Pista: x"
    monkeypatch.setenv(i18n.LANGUAGE_ENV_VAR, "xx")   # unknown: English
    assert i18n.tr("Hint: {hint}", hint="x") == "Hint: x"


# ---------------------------------------------------------------- figures


def _texts(fig) -> set[str]:
    """Every title, axis label, legend entry and colour-bar label of ``fig``."""
    found = {t.get_text() for t in fig.texts}
    for ax in fig.axes:
        found |= {ax.get_title(), ax.get_xlabel(), ax.get_ylabel()}
        found |= {t.get_text() for t in ax.texts}
        legend = ax.get_legend()
        if legend is not None:
            found |= {t.get_text() for t in legend.get_texts()} | {legend.get_title().get_text()}
    for legend in fig.legends:
        found |= {t.get_text() for t in legend.get_texts()}
    return found - {""}


def _history():
    return {"loss": [1.0, 0.5], "accuracy": [0.6, 0.8], "val_loss": [1.1, 0.6],
            "val_accuracy": [0.55, 0.75]}


def test_figures_keep_their_english_texts_by_default(english):
    import matplotlib.pyplot as plt

    from course_utils.plotting.training import plot_confusion_matrix, plot_history

    texts = _texts(plot_history(_history())) | _texts(plot_confusion_matrix(np.eye(3, dtype=int)))
    plt.close("all")
    assert {"Training history", "Loss per epoch", "Accuracy per epoch", "epoch",
            "cross-entropy loss", "accuracy (%)", "training", "validation", "Confusion matrix",
            "predicted class", "true class",
            "share of the true class (errors only)"} <= texts


def test_figures_speak_spanish_in_titles_axes_legends_and_colour_bars(spanish):
    import matplotlib.pyplot as plt

    from course_utils.plotting.comparisons import plot_lr_sweep, plot_seed_spread
    from course_utils.plotting.images import show_mean_images
    from course_utils.plotting.learning_curve import Curve, plot_learning_curves
    from course_utils.plotting.training import plot_confusion_matrix, plot_history

    history = plot_history(_history())
    assert _texts(history) >= {"Historial de entrenamiento", "Pérdida por época",
                               "Exactitud por época", "época", "pérdida de entropía cruzada",
                               "exactitud (%)", "entrenamiento", "validación"}
    confusion = plot_confusion_matrix(np.eye(3, dtype=int))
    assert {"Matriz de confusión", "clase predicha", "clase verdadera"} <= _texts(confusion)
    assert confusion.axes[1].get_ylabel() == "proporción de la clase verdadera (solo errores)"
    sweep = plot_lr_sweep({("sgd", 0.1): _history(), ("sgd", 1.0): None}, [0.1, 1.0],
                          {"sgd": "SGD"})
    assert {"tasa de aprendizaje 0.1", "SGD: divergió",
            "pérdida de entrenamiento\n(cortada en 2.5)",  # two lines: it fits beside the axis
            "exactitud de validación (%)", "Barrido de la tasa de aprendizaje"} <= _texts(sweep)
    spread = plot_seed_spread({"a": [0.9, 0.91], "b": [0.8, 0.82]})
    assert {"Resultados entre semillas", "configuración", "una semilla", "media ± de"} \
        <= _texts(spread)
    curves = plot_learning_curves([Curve([100, 200], np.array([[0.7, 0.72], [0.8, 0.81]]),
                                         "MNIST")])
    assert {"Curvas de aprendizaje", "exactitud de prueba (%)",
            "MNIST (media ± de, 2 semillas)"} <= _texts(curves)
    means = show_mean_images(np.zeros((2, 4, 4)))
    assert means.texts[0].get_text() == "Imagen media de cada clase"
    texts = set().union(*map(_texts, (history, confusion, sweep, spread, curves, means)))
    plt.close("all")
    english = {"epoch", "training", "validation", "loss", "accuracy", "seed", "mean"}
    assert not any(word in text.split() for text in texts for word in english), texts


# ---------------------------------------------------------------- errors and warnings of the core


def _pixels(n=40, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.integers(0, 256, (n, 16)).astype(np.float32), rng.integers(0, 3, n))


def test_mlp_fit_on_unscaled_pixels_warns_in_english_by_default(english):
    from course_utils.mlp import MLP, UnscaledInputWarning

    X, y = _pixels()
    with pytest.warns(UnscaledInputWarning, match=r"^MLP.fit: the inputs X range from 0 to 255: "
                                                  r"they look like unscaled pixels"):
        MLP(hidden_sizes=(4,), epochs=1, learning_rate=1e-6).fit(X, y)


def test_mlp_fit_on_unscaled_pixels_warns_in_spanish(spanish):
    from course_utils.mlp import MLP, UnscaledInputWarning

    X, y = _pixels()
    with pytest.warns(UnscaledInputWarning) as caught:
        MLP(hidden_sizes=(4,), epochs=1, learning_rate=1e-6).fit(X, y)
    text = str(caught[0].message)
    assert text.startswith("MLP.fit: las entradas X van de 0 a 255: parecen píxeles sin escalar "
                           "(0..255)")
    assert text.endswith("Usa entradas escaladas a [0, 1] "
                         "(course_utils.preprocessing.scale_to_unit(images)) o estandarizadas.")


def test_divergence_and_the_exploding_loss_are_reported_in_spanish(spanish):
    from course_utils.mlp import MLP, TrainingDivergedError

    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 8)).astype(np.float32) * 30
    y = rng.integers(0, 3, 64)
    with pytest.warns(RuntimeWarning, match=r"^MLP.fit: la pérdida explotó en la época 1, lote "
                                            r"\d+ de 4: .* El entrenamiento es inestable; prueba "
                                            r"una tasa de aprendizaje más pequeña \(ahora 1000;"), \
            pytest.raises(TrainingDivergedError, match=r"^MLP.fit: el entrenamiento divergió en "
                                                       r"la época \d+, lote \d+ de 4: la pérdida "
                                                       r"se volvió (nan|inf)") as error:
        MLP(hidden_sizes=(32,), batch_size=16, epochs=50, learning_rate=1e3).fit(X, y)
    assert "(al principio era " in str(error.value)
    assert "Try" not in str(error.value) and "epoch" not in str(error.value)


def test_input_validation_errors_are_spanish_and_keep_their_types(spanish):
    from course_utils.layers import Dense
    from course_utils.mlp import MLP
    from course_utils.preprocessing import flatten, scale_to_unit
    from course_utils.softmax import softmax

    with pytest.raises(ValueError, match=r"^MLP.fit: X debe tener forma \(n_samples, n_features\), "
                                         r"se recibió \(2, 3, 3\). Parecen imágenes: aplánalas"):
        MLP().fit(np.zeros((2, 3, 3), np.float32), np.array([0, 1]))
    with pytest.raises(TypeError, match=r"^MLP.fit: X contiene píxeles uint8 sin procesar"):
        MLP().fit(np.zeros((2, 4), np.uint8), np.array([0, 1]))
    with pytest.raises(ValueError, match=r"^MLP.fit: X tiene 2 filas \(forma \(2, 4\)\), pero y "
                                         r"tiene 3 etiquetas"):
        MLP().fit(np.zeros((2, 4), np.float32), np.array([0, 1, 0]))
    with pytest.raises(ValueError, match=r"^softmax espera logits de forma \(n_samples, "
                                         r"n_classes\), se recibió la forma \(3,\). Para una sola "
                                         r"muestra usa z\[None, :\]"):
        softmax(np.zeros(3, np.float32))
    with pytest.raises(ValueError, match=r"^flatten espera una pila de imágenes"):
        flatten(np.zeros((3, 3)))
    with pytest.raises(TypeError, match=r"^scale_to_unit espera píxeles uint8 sin procesar"):
        scale_to_unit(np.zeros((1, 2, 2), np.float32))
    layer = Dense(4, 2, "he", np.random.default_rng(0), np.float32)
    with pytest.raises(ValueError, match=r"debe ser 2-D, se recibió la forma \(4,\)"):
        layer.forward(np.zeros(4, np.float32))


def test_the_same_errors_stay_english_by_default(english):
    from course_utils.mlp import MLP
    from course_utils.softmax import softmax

    with pytest.raises(ValueError, match=r"^MLP.fit: X must have shape \(n_samples, n_features\), "
                                         r"got \(2, 3, 3\). These look like images: flatten"):
        MLP().fit(np.zeros((2, 3, 3), np.float32), np.array([0, 1]))
    with pytest.raises(ValueError, match=r"^softmax expects logits of shape \(n_samples, "
                                         r"n_classes\), got shape \(3,\). For a single sample"):
        softmax(np.zeros(3, np.float32))


def test_the_layer_report_and_other_summaries_speak_spanish(spanish):
    from course_utils.diagnostics import layer_report
    from course_utils.metrics import summarize_runs
    from course_utils.mlp import MLP
    from course_utils.profiling import OTHERS, profile_functions
    from course_utils.schedules import CosineDecay

    X, y = _pixels()
    model = MLP(hidden_sizes=(4,), epochs=1).fit(X / 255, y)
    header, *rows = layer_report(model, X / 255, y).splitlines()
    assert header.split() == ["capa", "unidades", "RMS", "de", "la", "activación", "ReLU",
                              "muertas", "||W||", "||dW||", "||dW||/||W||"]
    assert all(len(row) == len(header) for row in rows)   # the columns stay aligned
    assert str(summarize_runs([0.9, 0.92], 1000)).startswith("91.0 % ± 1.4 (desv. est. de 2 "
                                                             "semillas; rango 90.0–92.0 %")
    lines = profile_functions(sum, [1, 2], functions=["sum"])
    assert lines[-1].function == OTHERS == "everything else"
    assert str(lines[-1]).startswith("todo lo demás") and "(tardó " in str(lines[-1])
    with pytest.raises(ValueError, match=r"^CosineDecay: min_lr=1.0 es mayor que la tasa de "
                                         r"aprendizaje del optimizador 0.1; el programa debe "
                                         r"decrecer."):
        CosineDecay(total_epochs=3, min_lr=1)(0, 0.1)


def test_a_plotting_error_is_spanish_and_its_english_keeps_its_braces(monkeypatch):
    from course_utils.plotting.comparisons import plot_histories
    from course_utils.plotting.training import plot_history

    monkeypatch.setattr(i18n, "_current", [])
    monkeypatch.delenv(i18n.LANGUAGE_ENV_VAR, raising=False)
    with pytest.raises(ValueError) as error:
        plot_histories({})
    assert str(error.value) == "plot_histories expects a non-empty dict {label: history_}."
    i18n.set_language("es")
    with pytest.raises(ValueError) as error:
        plot_histories({})
    assert str(error.value).startswith("plot_histories espera un dict no vacío {label: history_}")
    with pytest.raises(ValueError, match=r"^plot_history: el historial está vacío; entrena al "
                                         r"menos una época."):
        plot_history({"loss": [], "accuracy": []})
