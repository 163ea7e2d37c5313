from sqlalchemy import func, select

from convention.assembly.models import Convention, PhaseKind, Theme, WorkingGroup
from convention.auth.models import ConventionRole, Role, User
from convention.extensions import db
from convention.proposals.models import Recommendation


def count_role(role: Role) -> int:
    """People who are `role` in the demo convention (or, for administrators, site-wide)."""
    if role == Role.ADMIN:
        return db.session.scalar(select(func.count(User.id)).where(User.site_role == role))
    if role == Role.CITIZEN:
        return db.session.scalar(
            select(func.count(User.id)).where(User.site_role == role, ~User.convention_roles.any())
        )
    return db.session.scalar(
        select(func.count(ConventionRole.id)).where(ConventionRole.role == role)
    )


def test_seed_demo_loads_the_montpellier_convention_once(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "Demo convention loaded." in result.output
    assert "equipe@demo.example" in result.output and "demo-equipe-2026" in result.output

    convention = db.session.scalars(select(Convention)).one()
    assert convention.question == (
        "Quelle intelligence artificielle au service des habitants et du territoire ?"
    )
    assert convention.current_phase == PhaseKind.DELIBERATION
    assert [t.name for t in db.session.scalars(select(Theme).order_by(Theme.position))] == [
        "Santé",
        "Mobilités",
        "Transition écologique",
        "Justice sociale",
        "Services publics",
    ]
    groups = db.session.scalars(select(WorkingGroup)).all()
    assert len(groups) == 5 and all(len(g.memberships) == 8 for g in groups)
    assert all(g.facilitator is not None for g in groups)
    assert (count_role(Role.MEMBER), count_role(Role.FACILITATOR), count_role(Role.STAFF)) == (
        40,
        2,
        1,
    )
    assert count_role(Role.CITIZEN) >= 24
    assert all(phase.starts_on for phase in convention.phases)
    statuses = sorted(r.status.value for r in db.session.scalars(select(Recommendation)))
    assert statuses == ["draft", "published", "published", "published", "published"]
    registry = db.session.scalars(select(Recommendation).where(Recommendation.number == 1)).one()
    assert [a.status.value for a in registry.amendments] == ["accepted", "rejected"]
    assert registry.version_count == 3 and registry.minority_opinion
    assert registry.ideas and registry.hearings

    again = runner.invoke(args=["seed-demo"])
    assert "nothing loaded" in again.output
    assert count_role(Role.MEMBER) == 40


def test_demo_accounts_can_log_in_with_the_printed_passwords(runner, client):
    runner.invoke(args=["seed-demo"])
    db.session.commit()
    page = client.post(
        "/connexion",
        data={"email": "camille.roux@demo.example", "password": "demo-membre-2026"},
        follow_redirects=True,
    )
    assert "Vous êtes connecté·e." in page.text


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
