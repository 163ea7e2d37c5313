"""Two conventions on one site see nothing of each other.

Both conventions go through the same steps, each with its own words (ALPHA, BRAVO) in
everything people write or read: a draft, published recommendations, ideas, a hearing, a
discussion, secret and named ballots, a public consultation, a draw with its list of panels,
a published report and the authority's answers. Then every page of one convention (every GET
address of the URL map under `/c/<slug>/`, feeds, exports, searches) is read by every kind of
person, once with the ids of its own objects and once with the ids of the other convention's
objects: none of them may show a word of the other convention.
"""

from __future__ import annotations

import itertools
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.routing import Rule

from convention import scope
from convention.assembly import services as assembly
from convention.assembly.models import PhaseKind
from convention.auth.models import Role
from convention.demo.guarantors import hold_ceremony
from convention.discussion import services as discussion
from convention.discussion.models import Stance, TargetKind
from convention.extensions import db
from convention.proposals import services as proposals
from convention.publication import services as publication
from convention.publication.models import AnswerKind
from convention.recruitment import services as recruitment
from convention.votes import adoption, consultation, rules
from convention.votes.models import Judgment
from tests import factories

WORDS = ("ALPHA", "BRAVO")
POOL_FEATURES = (("femme", "homme"), ("18-34", "35-59", "60+"))
QUOTAS = (
    b"feature,value,min,max,target\n"
    b"gender,femme,2,2,50%\ngender,homme,2,2,50%\n"
    b"age,18-34,1,2,0.3\nage,35-59,1,2,0.4\nage,60+,1,2,0.3\n"
)


@dataclass
class Side:
    """One convention, its word, its people and the ids of what it holds."""

    word: str
    world: factories.World
    guarantor: object = None
    ids: dict[str, list] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return self.world.convention.slug


def _pool(word: str) -> bytes:
    rows = ["id,gender,age,address"]
    for i in range(24):
        gender = POOL_FEATURES[0][i % 2]
        age = POOL_FEATURES[1][i % 3]
        rows.append(f"{word}-v{i:02d},{gender},{age},{i} rue {word}")
    return ("\n".join(rows) + "\n").encode()


def _build(word: str) -> Side:
    slug = word.lower()
    world = factories.build_world(slug)
    convention = world.convention
    # Every name people see carries the convention's word.
    world.group.name, world.other_group.name = f"Groupe {word}", f"Groupe bis {word}"
    world.theme.name = f"Thème {word}"
    convention.title = f"Convention {word}"
    convention.question = f"Quelle question {word} ?"
    for n, person in enumerate([*world.members, world.outsider, world.facilitator, world.staff]):
        person.display_name = f"Personne {word} {n}"
        person.first_name = f"Prénom{word}{n}"
    guarantor = factories.user(Role.GUARANTOR, name=f"Garante {word}", convention=convention)
    second = factories.user(Role.GUARANTOR, name=f"Garant {word}", convention=convention)
    keyholders = hold_ceremony(
        world.staff, convention, [guarantor, second], 2, Path(tempfile.mkdtemp())
    )

    hearing = world.hearing(title=f"Audition {word}")
    idea = proposals.post_idea(
        world.citizen, convention, world.theme, f"Idée {word}", f"Le texte de l'idée {word}."
    )
    draft = world.draft(title=f"Brouillon secret {word}")
    recs = [world.published(title=f"Recommandation {word} {n}") for n in range(3)]
    thread = discussion.thread_for(convention, TargetKind.RECOMMENDATION, recs[0].id)
    comment = discussion.post_comment(
        world.citizen, thread, f"Un commentaire {word} sur la recommandation.", Stance.FOR
    )
    for rec in recs:
        proposals.submit_to_vote(world.facilitator, rec, convention)
    factories.open_phase(world.staff, convention, PhaseKind.MEMBERS_VOTE)
    voters = [*world.members, world.outsider]
    ballots = []
    for rec, secret in zip(recs, (True, False, False), strict=True):
        rules_values = {
            "quorum_percent": 50,
            "threshold": "1/2",
            "abstentions_count": False,
            "secret": secret,
            "ungraded_as_reject": True,
            "results_hidden_until_close": True,
        }
        rules.update_rules(world.staff, convention, **rules_values)
        ballot = adoption.open_ballots(world.facilitator, convention, [rec], factories.in_hours(8))[
            0
        ]
        for voter in voters:
            adoption.cast_vote(voter, ballot, adoption.Choice.FOR)
        adoption.close_ballot(world.facilitator, ballot, convention)
        if secret:
            keyholders.decrypt(ballot.packet)
        ballots.append(ballot)
    factories.open_phase(world.staff, convention, PhaseKind.CONSULTATION)
    opened = consultation.open_consultation(world.staff, convention, factories.in_hours(24 * 7))
    for person in factories.citizens(3):
        consultation.judge(person, opened, {rec.id: 4 for rec in recs})
    consultation.close_consultation(world.staff, opened)
    factories.open_phase(world.staff, convention, PhaseKind.PUBLICATION)
    answers = [
        publication.record_answer(
            world.staff,
            rec,
            kind=AnswerKind.ADOPTED,
            service=f"Service {word}",
            public_text=f"Réponse de la collectivité {word}.",
        )
        for rec in recs
    ]
    publication.publish_answers(world.staff, answers)
    edition = publication.publish_report(world.staff, convention)

    run = recruitment.import_run(
        world.staff, convention, pool_file=_pool(word), quotas_file=QUOTAS, k=4, panels=50
    )
    recruitment.compute(str(run.id))
    db.session.refresh(run)
    invitations = recruitment.draw(world.staff, run, f"12 {len(word)} 7")
    db.session.flush()
    side = Side(word, world, guarantor)
    side.ids = {
        "number": [draft.number, recs[0].number],
        "slug": [recs[0].slug, world.theme.slug],
        "amendment_number": [1],
        "comment_id": [comment.id],
        "group_id": [world.group.id],
        "hearing_id": [hearing.id],
        "theme_id": [world.theme.id],
        "idea_id": [idea.id],
        "user_id": [world.members[0].id],
        "ballot_id": [ballots[0].id, ballots[1].id],  # a secret and a named ballot
        "run_id": [run.id],
        "invitation_id": [i.id for i in invitations][:1],
        "round_number": [1],
        "target_id": [recs[0].id],
        "kind": [TargetKind.RECOMMENDATION.value],
        "fmt": ["html", "csv", "json"],
        "edition": [edition.number],
    }
    return side


@pytest.fixture
def sides():
    alpha, bravo = _build("ALPHA"), _build("BRAVO")
    db.session.commit()
    return alpha, bravo


def _people(side: Side, other: Side) -> dict[str, object]:
    """Everyone who may look at a convention's pages, by what they are there."""
    admin = factories.user(Role.ADMIN, email=f"admin-{side.word.lower()}@test.example")
    return {
        "visitor": None,
        "citizen": side.world.citizen,
        "member": side.world.members[0],
        "facilitator": side.world.facilitator,
        "guarantor": side.guarantor,
        "staff": side.world.staff,
        "administrator": admin,
        # A member of the other convention is a citizen here.
        "member of the other": other.world.members[0],
    }


def _addresses(app, side: Side, ids_from: Side) -> list[str]:
    """Every GET address of a convention's pages, filled with `ids_from`'s ids."""
    found = []
    for rule in app.url_map.iter_rules():
        if scope.KEY not in rule.arguments or "GET" not in (rule.methods or ()):
            continue
        found.extend(_fill(rule, side.slug, ids_from.ids))
    return sorted(set(found))


def _fill(rule: Rule, slug: str, ids: dict[str, list]) -> list[str]:
    names = sorted(rule.arguments - {scope.KEY})
    choices = []
    for name in names:
        key = "number" if name == "number" and "fmt" in names else name
        values = ids.get("edition" if key == "number" and "fmt" in names else key)
        if values is None:
            return []  # an argument no convention object fills (a token): not a page to compare
        choices.append([(name, v) for v in values])
    addresses = []
    for combination in itertools.product(*choices) if choices else [()]:
        values = dict(combination)
        path = rule.rule
        for name, value in values.items():
            path = re.sub(rf"<(?:[^:<>]+:)?{name}>", str(value), path)
        addresses.append(path.replace(f"<{scope.KEY}>", slug))
    return addresses


def _read(client, address: str, viewer=None) -> tuple[int, str]:
    """The status and text of a page, without the viewer's own name (the header shows it)."""
    response = client.get(address)
    body = response.get_data()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        text = ""  # a PDF or an office file: not compared
    if viewer is not None:
        text = text.replace(viewer.display_name, "").replace(viewer.first_name or "\0", "")
    return response.status_code, text


def _leaks(app, side: Side, other: Side) -> list[str]:
    found = []
    shown_own = 0
    for who, person in _people(side, other).items():
        client = app.test_client()
        if person is not None:
            factories.sign_in(client, person)
        # Its pages with its own ids, then with the other's (numbers of recommendations and
        # editions are per convention: those are its own again, and read once).
        own = _addresses(app, side, side)
        for address in own + sorted(set(_addresses(app, side, other)) - set(own)):
            status, text = _read(client, address, person)
            if other.word in text:
                found.append(f"{who} reads {other.word} at {address} ({status})")
            if status == 200 and side.word in text:
                shown_own += 1
        for query in (other.word, f"Recommandation {other.word}"):
            status, text = _read(client, f"/c/{side.slug}/recommandations?q={query}", person)
            # The query itself is shown back (the search field, the links); a result would be
            # one of the other convention's titles.
            if re.search(rf"(Recommandation|Brouillon secret) {other.word} \d", text):
                found.append(f"{who} finds {other.word} by searching {query!r}")
    # The comparison means something only if the pages do show their own convention.
    assert shown_own > 100, shown_own
    return found


def test_no_page_of_one_convention_shows_anything_of_the_other(app, sides):
    alpha, bravo = sides
    leaks = _leaks(app, alpha, bravo) + _leaks(app, bravo, alpha)
    assert leaks == []


def test_roles_are_per_convention(sides):
    alpha, bravo = sides
    member = alpha.world.members[0]
    assert member.role_in(alpha.world.convention.id) == Role.MEMBER
    assert member.role_in(bravo.world.convention.id) == Role.CITIZEN
    assert not alpha.world.staff.manages(bravo.world.convention.id)
    with pytest.raises(Exception, match="droits"):
        assembly.add_theme(alpha.world.staff, bravo.world.convention, "Intrus")
    assert bravo.world.convention.themes[-1].name != "Intrus"


def test_a_judgment_goes_to_the_consultation_its_address_names(client):
    """Both conventions consult the public at once: the form of each writes in its own (on
    PostgreSQL, the one statement finds the consultation by the address's slug)."""
    first = factories.build_vote_world(slug="premiere")
    first.to_consultation(adopted_count=1)
    second = factories.build_vote_world(slug="seconde")
    opened = second.to_consultation(adopted_count=1)
    citizen = factories.user(Role.CITIZEN, email="habitante@test.example")
    db.session.commit()
    factories.sign_in(client, citizen)
    target = second.recs[0]
    response = client.post("/c/seconde/votes/consultation", data={f"rec_{target.id}": "2"})
    assert response.status_code == 302
    assert response.location.endswith("/c/seconde/votes/consultation?enregistre=1")
    judged = db.session.scalars(select(Judgment).where(Judgment.citizen_id == citizen.id)).all()
    assert [(j.consultation_id, j.recommendation_id, j.grade) for j in judged] == [
        (opened.id, target.id, 2)
    ]
    # The first convention's form refuses the second's recommendation (no page sends it).
    refused = client.post("/c/premiere/votes/consultation", data={f"rec_{target.id}": "3"})
    assert refused.status_code == 400
    db.session.expire_all()
    assert [
        j.grade
        for j in db.session.scalars(select(Judgment).where(Judgment.citizen_id == citizen.id))
    ] == [2]
