"""Who gives their opinion in the public consultation: registered residents with a confirmed
address; the convention's staff and the site's administrators, who run it, only when the rules
it opened with say so (off by default). The page says who judges, and the sealed export too."""

from __future__ import annotations

import html
import re

import pytest

from convention.auth.models import Role
from convention.errors import NotAllowed
from convention.extensions import db
from convention.votes import consultation
from convention.votes.models import Judgment
from tests import factories
from tests.pages import visible_text


def test_staff_and_administrators_do_not_judge_by_default(vw):
    found = vw.to_consultation()
    admin = factories.user(Role.ADMIN)
    for person in (vw.staff, admin):
        with pytest.raises(NotAllowed, match="organise cette consultation"):
            consultation.judge(person, found, {vw.recs[0].id: 1})
    resident = factories.citizens(1)[0]
    consultation.judge(resident, found, {vw.recs[0].id: 1})
    db.session.flush()
    assert db.session.query(Judgment).count() == 1
    assert consultation.export_header(found)["staff_may_judge"] is False


def test_the_rules_can_let_staff_judge_and_the_consultation_keeps_them(vw):
    found = vw.to_consultation(staff_may_judge=True)
    consultation.judge(vw.staff, found, {vw.recs[0].id: 2})
    db.session.flush()
    assert db.session.query(Judgment).filter_by(citizen_id=vw.staff.id).count() == 1
    assert consultation.export_header(found)["staff_may_judge"] is True


def test_the_page_says_who_judges_and_staff_get_no_form(client, vw):
    found = vw.to_consultation()
    db.session.commit()
    resident = factories.citizens(1)[0]
    db.session.commit()
    factories.sign_in(client, resident)
    page = visible_text(client.get("/c/test/votes/consultation").text)
    assert "Qui donne son avis\u202f: les habitants inscrits" in page
    assert "n'y participe pas" in page and "Vos mentions" in page
    client.post("/deconnexion")

    factories.sign_in(client, vw.staff)
    page = visible_text(client.get("/c/test/votes/consultation").text)
    assert "vous n'y donnez pas votre avis" in page and "Vos mentions" not in page
    # A form sent anyway (the fast statement on PostgreSQL, the full way elsewhere) writes
    # nothing and says why.
    sent = client.post(
        "/c/test/votes/consultation", data={f"rec_{vw.recs[0].id}": "1"}, follow_redirects=True
    )
    assert "organise cette consultation" in html.unescape(sent.text)
    assert db.session.query(Judgment).filter_by(consultation_id=found.id).count() == 0


def test_the_rules_form_offers_the_choice(client, vw):
    db.session.commit()
    factories.sign_in(client, vw.staff)
    page = client.get("/c/test/votes/regles").text
    assert "l'équipe de la collectivité peut aussi donner son avis" in html.unescape(page)
    # Off until staff tick it (the field is there, not ticked; the one before it is).
    found = re.findall(r'<input([^>]*) id="(staff_may_judge|ungraded_as_reject)"', page)
    boxes = {name: attributes for attributes, name in found}
    assert "checked" in boxes["ungraded_as_reject"] and "checked" not in boxes["staff_may_judge"]
