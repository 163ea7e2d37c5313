import re
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from convention.assembly import services
from convention.assembly.models import PhaseKind
from convention.auth.models import Role
from convention.extensions import db
from tests import factories
from tests.pages import at


def test_french_by_default_and_english_by_the_visible_switch(client):
    page = client.get("/inscription").text
    assert '<html lang="fr">' in page and "Créer un compte" in page
    assert 'href="/langue/en?next=/inscription"' in page

    page = client.get("/langue/en?next=/inscription", follow_redirects=True).text
    assert '<html lang="en">' in page
    assert "Create an account" in page and "Email address" in page
    assert 'href="/langue/fr?next=/inscription"' in page

    page = client.get("/langue/fr?next=/inscription", follow_redirects=True).text
    assert "Créer un compte" in page


def test_language_switch_ignores_unknown_languages_and_foreign_targets(client):
    response = client.get("/langue/xx?next=//evil.example")
    assert response.headers["Location"] == "/"
    assert '<html lang="fr">' in client.get("/").text


def test_form_errors_are_translated(client):
    client.get("/langue/en")
    page = client.post("/connexion", data={"email": "nope", "password": ""}).text
    assert "This field is required." in page


def test_dates_are_shown_in_paris_time(client):
    staff = factories.user(Role.STAFF)
    convention = factories.convention(staff)
    # 23:30 UTC on 18 October is already 19 October in Paris (UTC+2 in summer time).
    services.set_phase_dates(
        staff, convention, PhaseKind.LEARNING, datetime(2027, 10, 18, 23, 30, tzinfo=UTC), None
    )
    db.session.commit()
    assert "19 octobre 2027" in client.get(at(convention, "/")).text


def test_every_message_has_an_english_translation_with_the_same_placeholders():
    """An English reader never meets a French sentence, nor a broken %(name)s."""
    po = Path(__file__).parent.parent / "convention/translations/en/LC_MESSAGES/messages.po"
    with po.open("rb") as handle:
        catalog = read_po(handle)
    placeholder = re.compile(r"%\(\w+\)[sd]")
    problems = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, (list, tuple)) else (message.id,)
        strings = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
        if not all(strings):
            problems.append(f"untranslated: {ids[0]!r}")
        elif sorted(placeholder.findall(ids[0])) != sorted(placeholder.findall(strings[0])):
            problems.append(f"placeholders differ: {ids[0]!r}")
    assert problems == []
    # Babel's own checks, the ones `pybabel compile` applies (format markers, plurals).
    assert [(m.id, [str(e) for e in errors]) for m, errors in catalog.check()] == []


def test_every_message_in_the_code_is_in_the_english_catalogue():
    """A string added to a template or a module without updating the catalogue would show
    in French on the English site: run `make translations-update` and translate it."""
    root = Path(__file__).parent.parent
    method_map = [
        ("convention/**.py", "python"),
        ("templates/**.html", "jinja2"),
        ("templates/**.txt", "jinja2"),
    ]
    extracted = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        root, method_map, keywords={**DEFAULT_KEYWORDS, "_l": None}
    ):
        extracted.add(message if isinstance(message, str) else message[0])
    with (root / "convention/translations/en/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle)
    known = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
    assert sorted(extracted - known) == []
