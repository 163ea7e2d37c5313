from datetime import date

import pytest
from sqlalchemy import func, select

from convention.assembly.models import Convention, PhaseKind, Theme, WorkingGroup
from convention.auth.models import ConventionRole, Role, User
from convention.extensions import db
from convention.proposals.models import Recommendation, Status
from convention.publication.models import Answer, AnswerKind, FollowUpUpdate, ReportEdition
from convention.recruitment.models import InvitationStatus, SortitionRun
from convention.sittings.models import AllowanceRule, AttendanceStatus, Sitting
from convention.votes.models import AdoptionBallot, Consultation


def count_role(convention: Convention, role: Role) -> int:
    """People who are `role` in `convention` (or, for administrators, site-wide)."""
    if role == Role.ADMIN:
        return db.session.scalar(select(func.count(User.id)).where(User.site_role == role))
    return db.session.scalar(
        select(func.count(ConventionRole.id)).where(
            ConventionRole.role == role, ConventionRole.convention_id == convention.id
        )
    )


def people(convention: Convention, role: Role) -> set[int]:
    return set(
        db.session.scalars(
            select(ConventionRole.user_id).where(
                ConventionRole.role == role, ConventionRole.convention_id == convention.id
            )
        )
    )


@pytest.fixture
def seeded(runner):
    """The demo, loaded once by the command; its output."""
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return result.output


def by_slug(slug: str) -> Convention:
    return db.session.scalars(select(Convention).where(Convention.slug == slug)).one()


def test_seed_demo_loads_two_conventions_once_and_prints_their_accounts(app, runner, seeded):
    assert "Demo conventions loaded" in seeded
    assert "equipe@demo.example" in seeded and "demo-equipe-2026" in seeded
    assert "guarantor" in seeded and "demo-garant-2026" in seeded

    ai, past = by_slug("ia-montpellier"), by_slug("mobilites-montpellier")
    assert db.session.scalar(select(func.count(Convention.id))) == 2
    assert ai.question == (
        "Quelle intelligence artificielle au service des habitants et du territoire ?"
    )
    assert ai.current_phase == PhaseKind.DELIBERATION
    assert past.current_phase == PhaseKind.FOLLOW_UP
    counts = {
        c.slug: [
            count_role(c, r) for r in (Role.MEMBER, Role.FACILITATOR, Role.GUARANTOR, Role.STAFF)
        ]
        for c in (ai, past)
    }
    assert counts == {"ia-montpellier": [40, 2, 5, 1], "mobilites-montpellier": [24, 1, 3, 1]}
    # One team runs both; each convention has its own members, facilitator and guarantor.
    assert people(ai, Role.STAFF) == people(past, Role.STAFF)
    for role in (Role.MEMBER, Role.FACILITATOR, Role.GUARANTOR):
        assert not people(ai, role) & people(past, role), role
    assert count_role(ai, Role.ADMIN) == 1
    outsiders = select(func.count(User.id)).where(~User.convention_roles.any())
    assert db.session.scalar(outsiders) >= 24  # residents who are citizens in both

    themes = db.session.scalars(
        select(Theme).where(Theme.convention_id == ai.id).order_by(Theme.position)
    )
    assert [t.name for t in themes] == [
        "Santé",
        "Mobilités",
        "Transition écologique",
        "Justice sociale",
        "Services publics",
    ]
    groups = db.session.scalars(select(WorkingGroup).where(WorkingGroup.convention_id == ai.id))
    groups = groups.all()
    assert len(groups) == 5 and all(len(g.memberships) == 8 for g in groups)
    assert all(g.facilitator is not None for g in groups)
    assert all(phase.starts_on for phase in ai.phases)
    statuses = sorted(
        r.status.value
        for r in db.session.scalars(
            select(Recommendation).where(Recommendation.convention_id == ai.id)
        )
    )
    assert statuses == ["draft", "published", "published", "published", "published"]
    registry = db.session.scalars(
        select(Recommendation).where(
            Recommendation.convention_id == ai.id, Recommendation.number == 1
        )
    ).one()
    assert [a.status.value for a in registry.amendments] == ["accepted", "rejected"]
    assert registry.version_count == 3 and registry.minority_opinion
    assert registry.ideas and registry.hearings
    ai_sittings = db.session.scalars(select(Sitting).where(Sitting.convention_id == ai.id)).all()
    assert len(ai_sittings) == 4 and all(s.agenda for s in ai_sittings)
    assert sum(bool(s.attendances) for s in ai_sittings) == 3

    # The printed passwords sign in, for a member of each convention and a guarantor.
    db.session.commit()
    for email, password in [
        ("camille.roux@demo.example", "demo-membre-2026"),
        ("agathe.baille@demo.example", "demo-membre-2026"),
        ("henri.malaval@demo.example", "demo-garant-2026"),
    ]:
        page = app.test_client().post(
            "/connexion", data={"email": email, "password": password}, follow_redirects=True
        )
        assert "Vous êtes connecté·e." in page.text, email

    again = runner.invoke(args=["seed-demo"])
    assert "nothing loaded" in again.output
    assert count_role(ai, Role.MEMBER) == 40
    assert db.session.scalar(select(func.count(Convention.id))) == 2


def test_the_past_convention_went_through_every_phase(seeded):
    past = by_slug("mobilites-montpellier")
    # Every phase was opened on its planned day, in the past.
    assert [p.opened_at.date() for p in past.phases] == [p.starts_on.date() for p in past.phases]
    assert all(p.opened_at.year in (2024, 2025) for p in past.phases)

    run = db.session.scalars(select(SortitionRun).where(SortitionRun.convention_id == past.id))
    run = run.one()
    assert run.drawn_at is not None and run.pool_size == 300 and run.k == 24
    answers = [i.status for i in run.invitations]
    assert answers.count(InvitationStatus.DECLINED) == 2
    assert answers.count(InvitationStatus.ACCEPTED) == 24
    assert [r.seats for r in run.replacements] == [2]

    sittings = db.session.scalars(select(Sitting).where(Sitting.convention_id == past.id)).all()
    assert len(sittings) == 4 and all(s.agenda and s.attendances for s in sittings)
    assert {a.status for s in sittings for a in s.attendances} == set(AttendanceStatus)
    allowance = select(AllowanceRule).where(AllowanceRule.convention_id == past.id)
    assert db.session.scalars(allowance).one().daily_cents > 0

    recs = db.session.scalars(
        select(Recommendation).where(Recommendation.convention_id == past.id)
    ).all()
    assert [r.status for r in recs].count(Status.REJECTED) == 2
    assert sum(r.status == Status.ADOPTED for r in recs) == 6
    assert any(a.status.value == "accepted" for r in recs for a in r.amendments)
    assert sum(r.comment_count for r in recs) >= 5
    ballots = db.session.scalars(
        select(AdoptionBallot).where(AdoptionBallot.convention_id == past.id)
    ).all()
    assert len(ballots) == 8 and all(b.closed_at and b.digest for b in ballots)
    assert {b.secret for b in ballots} == {True, False}
    consultation = db.session.scalars(
        select(Consultation).where(Consultation.convention_id == past.id)
    ).one()
    assert consultation.closed_at is not None and consultation.digest

    editions = db.session.scalars(
        select(ReportEdition).where(ReportEdition.convention_id == past.id)
    ).all()
    assert len(editions) == 2 and all(e.published_at.year == 2025 for e in editions)
    answers = db.session.scalars(
        select(Answer).where(Answer.recommendation_id.in_([r.id for r in recs]))
    ).all()
    assert len(answers) == 6
    assert {a.kind for a in answers} == set(AnswerKind)
    assert all(a.published_at is not None for a in answers)
    assert all(a.reasons for a in answers if a.kind == AnswerKind.REJECTED)
    assert all(a.due_on > date.today() for a in answers if a.kind == AnswerKind.UNDER_STUDY)
    updates = db.session.scalars(
        select(FollowUpUpdate)
        .join(FollowUpUpdate.recommendation)
        .where(Recommendation.convention_id == past.id)
    ).all()
    assert len(updates) >= 4 and all(u.created_at.year in (2025, 2026) for u in updates)


def test_create_admin_makes_a_confirmed_administrator(runner):
    result = runner.invoke(
        args=["create-admin", "Chief@Example.org", "--password", "a long admin password"]
    )
    assert result.exit_code == 0, result.output
    admin = db.session.scalars(select(User).where(User.email == "chief@example.org")).one()
    assert admin.site_role == Role.ADMIN and admin.is_confirmed

    again = runner.invoke(
        args=["create-admin", "chief@example.org", "--password", "a long admin password"]
    )
    assert again.exit_code != 0
    assert "Un compte existe déjà" in again.output
    short = runner.invoke(args=["create-admin", "other@example.org", "--password", "short"])
    assert short.exit_code != 0 and "au moins 10 caractères" in short.output
