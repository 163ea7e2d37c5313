"""French as it is written: spacing, numbers, dates, plurals and the order of names, from the
locale's own data; English untouched by French rules."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask_babel import force_locale, ngettext

from convention import i18n
from convention.typography import french_html, french_text

N = "\u202f"


@pytest.mark.parametrize(
    ("written", "typeset"),
    [
        ("Pourquoi ?", f"Pourquoi{N}?"),
        ("Phase : Délibération", f"Phase{N}: Délibération"),
        ("Vraiment!", f"Vraiment{N}!"),
        ("un ; deux", f"un{N}; deux"),
        ("33 %", f"33{N}%"),
        ("« Oui »", f"«{N}Oui{N}»"),
        ("plus de 500 000 habitants", f"plus de 500{N}000 habitants"),
        ("à 10:30, voir https://exemple.fr/a?b=1", "à 10:30, voir https://exemple.fr/a?b=1"),
        ("version 4.1", "version 4.1"),
    ],
)
def test_french_spacing(written, typeset):
    assert french_text(written) == typeset


def test_only_the_text_of_a_page_is_typeset():
    page = (
        '<p title="a : b">Note : <a href="/x?y=1">lien</a> &amp; l&#39;IA ?</p>'
        "<textarea>Mon texte : tel quel ?</textarea><script>x = a ? b : c;</script>"
        "<p>graine « <code>13 mai : 04 11</code> »</p>"
    )
    assert french_html(page) == (
        f'<p title="a : b">Note{N}: <a href="/x?y=1">lien</a> &amp; l&#39;IA{N}?</p>'
        "<textarea>Mon texte : tel quel ?</textarea><script>x = a ? b : c;</script>"
        f"<p>graine «{N}<code>13 mai : 04 11</code>{N}»</p>"
    )


def test_pages_are_typeset_in_french_only(client):
    assert f"Pas encore de compte{N}?" in client.get("/connexion").text
    client.get("/langue/en")
    page = client.get("/connexion").text
    assert N not in page.split("<footer")[0] and "No account yet?" in page


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", ("33,3\u00a0%", "0,0800", f"500{N}000", "1er juin 2026", "30 septembre 2027")),
        ("en", ("33.3%", "0.0800", "500,000", "June 1, 2026", "September 30, 2027")),
    ],
)
def test_numbers_and_dates_in_each_language(app, language, expected):
    with app.test_request_context(), force_locale(language):
        assert (
            i18n.percent(1 / 3, 1),
            i18n.number(0.08, 4),
            i18n.number(500000),
            i18n.paris_date(date(2026, 6, 1)),
            i18n.paris_date(datetime(2027, 9, 30, 12, tzinfo=UTC)),
        ) == expected


def test_a_moment_is_the_date_in_words_and_the_time_to_the_minute(app):
    # 22:30 UTC on 31 May is 00:30 on 1 June in Paris (summer time).
    moment = datetime(2026, 5, 31, 22, 30, tzinfo=UTC)
    with app.test_request_context():
        assert i18n.paris_datetime(moment) == "1er juin 2026, 00:30"


def test_french_takes_zero_as_singular(app):
    with app.test_request_context(), force_locale("fr"):
        assert ngettext("%(num)d commentaire", "%(num)d commentaires", 0) == "0 commentaire"
        assert ngettext("%(num)d commentaire", "%(num)d commentaires", 2) == "2 commentaires"
    with app.test_request_context(), force_locale("en"):
        assert ngettext("%(num)d commentaire", "%(num)d commentaires", 0) == "0 comments"


def test_names_sort_in_dictionary_order(app):
    names = ["Prades-le-Lez", "Pérols", "Pignan", "Le Crès", "Lattes", "Étienne", "Eve"]
    with app.test_request_context():
        assert i18n.sorted_by_name(names, str) == [
            "Étienne",
            "Eve",
            "Lattes",
            "Le Crès",
            "Pérols",
            "Pignan",
            "Prades-le-Lez",
        ]
