"""Editions of the course in other languages, generated from the English notebooks.

English stays the source of truth. ``translations/<language>/<notebook>.po`` holds
the translation of every Markdown paragraph and of every code cell that has text in
it (:mod:`.catalog`); ``python -m course_utils.translate es`` builds
``notebooks/es/`` from the English notebooks and those catalogues (:mod:`.build`),
refusing while anything is untranslated or stale; the test suite fails when an
English sentence changes and its translation does not follow
(``tests/test_translations.py``). Code stays the same program in every language
(:mod:`.equivalence`); only comments and the text it prints or plots change.
"""
