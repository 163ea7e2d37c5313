"""A draw that reaches people: private emails, invitations through the local SMTP server, the
answer through the personal link (accept, decline, expired, used twice, altered), the answers
table, reminders, and a replacement draw on partial answers, published like the main draw."""

import io
import os
import threading
import time
from dataclasses import dataclass
from datetime import date

import itsdangerous
import pytest
from sqlalchemy import func, select

from convention import sortition
from convention.assembly import services as assembly
from convention.assembly.models import GroupMembership
from convention.audit.models import AuditEntry
from convention.auth.models import Role, User
from convention.auth.services import find_by_email
from convention.errors import ConventionError
from convention.extensions import db
from convention.recruitment import contacts, invitations, links, replacements, services
from convention.recruitment.models import (
    AnswerChannel,
    Invitation,
    InvitationStatus,
    SortitionRun,
)
from convention.sittings import services as sittings
from tests import factories
from tests.factories import build_world
from tests.pages import at, visible_text
from tests.recruitment.test_recruitment import QUOTAS, pool_csv


@dataclass
class Drawn:
    world: object
    run: SortitionRun
    invited: list[Invitation]

    @property
    def convention(self):
        return self.world.convention

    def page(self, path: str) -> str:
        return at(self.convention, path)

    def link(self, invitation: Invitation) -> str:
        return at(self.convention, f"/invitation/{links.invitation_token(invitation)}")


@pytest.fixture
def drawn():
    """Six people drawn, each with a private email, and two sessions planned."""
    world = build_world()
    run = services.import_run(
        world.staff, world.convention, pool_file=pool_csv(), quotas_file=QUOTAS, k=6, panels=50
    )
    services.compute(str(run.id))
    invited = services.draw(world.staff, run, "42")
    db.session.flush()
    for invitation in invited:
        contacts.set_email(world.staff, invitation, f"{invitation.person_id}@tire.example")
    sittings.create_sitting(
        world.staff,
        world.convention,
        title="Premier week-end",
        starts_on=date(2027, 3, 13),
        ends_on=date(2027, 3, 14),
        place="Hôtel de Métropole",
    )
    sittings.create_sitting(
        world.staff, world.convention, title="Séance de vote", starts_on=date(2027, 5, 22)
    )
    db.session.commit()
    return Drawn(world, run, invited)


def staff_client(client, drawn: Drawn):
    factories.login(client, drawn.world.staff.email)
    return client


# --- contact details -------------------------------------------------------------------------


def test_a_contact_file_with_a_bad_line_is_refused_whole_with_line_numbers(drawn):
    first, second, third, *_rest = drawn.invited
    for invitation in drawn.invited:
        invitation.email = None
    db.session.commit()
    bad = (
        "person_id,email\n"
        f"{first.person_id},un@exemple.fr\n"
        "inconnu,deux@exemple.fr\n"
        f"{second.person_id},pas-une-adresse\n"
        f"{third.person_id},UN@exemple.fr\n"
    ).encode()
    with pytest.raises(contacts.ContactProblems) as refused:
        contacts.import_contacts(drawn.world.staff, drawn.run, bad)
    problems = refused.value.problems
    assert any(p.startswith("Ligne 3 :") and "inconnu" in p for p in problems)
    assert any(p.startswith("Ligne 4 :") and "pas valide" in p for p in problems)
    assert any(p.startswith("Ligne 5 :") and "ligne 2" in p for p in problems)
    db.session.rollback()
    assert all(i.email is None for i in drawn.run.invitations)  # nothing half-written

    good = "person_id,email\n" + "".join(
        f"{i.person_id},{i.person_id.upper()}@Tire.example\n" for i in drawn.invited
    )
    assert contacts.import_contacts(drawn.world.staff, drawn.run, good.encode()) == 6
    assert {i.email for i in drawn.invited} == {
        f"{i.person_id}@tire.example" for i in drawn.invited
    }


def test_staff_give_emails_on_the_run_page_and_by_file(client, drawn):
    first, second, *_rest = drawn.invited
    staff_client(client, drawn)
    page = client.post(
        drawn.page(f"/gestion/tirage/{drawn.run.id}/invitations/{first.id}/adresse"),
        data={"email": "nouvelle@tire.example"},
        follow_redirects=True,
    )
    assert "Adresse enregistrée" in page.text
    page = client.post(
        drawn.page(f"/gestion/tirage/{drawn.run.id}/invitations/{second.id}/adresse"),
        data={"email": "nouvelle@tire.example"},
        follow_redirects=True,
    )
    assert "déjà celle d'une autre personne tirée" in visible_text(page.text)
    page = client.post(
        drawn.page(f"/gestion/tirage/{drawn.run.id}/adresses"),
        data={"file": (io.BytesIO(b"person_id,email\nv99,x@y.fr\n"), "adresses.csv")},
        content_type="multipart/form-data",
    )
    assert "Le fichier n'a pas été importé" in visible_text(page.text)
    assert "Ligne 2\u202f: «\u202fv99\u202f» n'est pas une personne tirée" in visible_text(
        page.text
    )
    db.session.expire_all()
    assert db.session.get(Invitation, first.id).email == "nouvelle@tire.example"
    assert db.session.get(Invitation, second.id).email == f"{second.person_id}@tire.example"


def test_emails_never_appear_on_public_pages_nor_published_files(client, drawn):
    decliner = drawn.invited[0]
    invitations.decline_by_link(decliner)
    replacements.replace(drawn.world.staff, drawn.run, "1 2 3")
    db.session.commit()
    published = [
        client.get(drawn.page("/tirage")).text,
        client.get(drawn.page(f"/tirage/{drawn.run.id}/panels.csv")).text,
        client.get(drawn.page(f"/tirage/{drawn.run.id}/remplacement/1/panels.csv")).text,
    ]
    for text in published:
        assert "@tire.example" not in text
        assert decliner.person_id not in text  # only pseudonyms are published


# --- sending -------------------------------------------------------------------------------


def test_invitations_go_out_with_the_convention_its_sessions_and_a_personal_link(
    client, mailbox, drawn
):
    staff_client(client, drawn)
    confirm = client.get(drawn.page(f"/gestion/tirage/{drawn.run.id}/envoi"))
    assert "6 courriels d'invitation vont partir." in visible_text(confirm.text)
    assert mailbox.messages == []  # nothing leaves before the confirmation
    page = client.post(drawn.page(f"/gestion/tirage/{drawn.run.id}/envoi"), follow_redirects=True)
    assert "6 invitations envoyées." in page.text
    assert sorted(m["To"] for m in mailbox.messages) == sorted(i.email for i in drawn.invited)

    first = drawn.invited[0]
    message = mailbox.last_to(first.email)
    assert message["Subject"] == "Vous êtes tiré·e au sort\u202f: «\u202fConvention test\u202f»"
    text = message.get_body(("plain",)).get_content()
    assert "«\u202fConvention test\u202f»" in text
    assert "Premier week-end\u202f: du 13 mars 2027 au 14 mars 2027 (Hôtel de Métropole)" in text
    assert "Séance de vote\u202f: le 22 mai 2027" in text
    html = message.get_body(("html",)).get_content()
    assert "Premier week-end" in html and "Répondre à l'invitation" in html
    link = mailbox.link_in(message)
    assert link.startswith("http://localhost/c/test/invitation/")
    assert links.invitation_from_token(link.rsplit("/", 1)[1]) == first

    # A second press sends nothing more: everyone reachable has had theirs.
    mailbox.clear()
    page = client.post(drawn.page(f"/gestion/tirage/{drawn.run.id}/envoi"), follow_redirects=True)
    assert "Aucune invitation à envoyer" in page.text
    assert mailbox.messages == []


def test_a_resend_is_a_reminder_with_a_new_link_in_the_audit_log(client, mailbox, drawn):
    invitations.send_invitations(drawn.world.staff, drawn.run)
    db.session.commit()
    target = drawn.invited[1]
    staff_client(client, drawn)
    page = client.post(
        drawn.page(f"/gestion/tirage/{drawn.run.id}/invitations/{target.id}/relance"),
        follow_redirects=True,
    )
    assert f"Invitation renvoyée à {target.pseudonym}." in page.text
    message = mailbox.last_to(target.email)
    assert message["Subject"].startswith("Rappel\u202f:")
    assert "/c/test/invitation/" in mailbox.link_in(message)
    db.session.expire_all()
    again = db.session.get(Invitation, target.id)
    assert again.reminder_count == 1 and again.reminded_at is not None
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "sortition.invitation_resent")
    )
    assert entry.actor_id == drawn.world.staff.id
    assert entry.details == {"person": target.person_id, "reminder": 1}


# --- answering through the link ------------------------------------------------------------


def test_accepting_through_the_emailed_link_makes_a_seated_member_who_chooses_a_password(
    client, mailbox, drawn
):
    staff_client(client, drawn)
    client.post(drawn.page(f"/gestion/tirage/{drawn.run.id}/envoi"))
    client.post("/deconnexion")
    first = drawn.invited[0]
    link = mailbox.link_in(mailbox.last_to(first.email)).replace("http://localhost", "")
    mailbox.clear()

    page = client.get(link)
    assert page.status_code == 200
    assert "Convention test" in page.text and "Ce qu'accepter veut dire" in visible_text(page.text)
    assert "13 mars 2027" in page.text
    refused = client.post(link, data={"decision": "accepter", "name": ""})
    assert "Indiquez votre nom." in refused.text  # no account without a name
    page = client.post(
        link, data={"decision": "accepter", "name": "Nadia Benali"}, follow_redirects=True
    )
    assert "Merci\u202f! Bienvenue dans la convention." in page.text
    assert "Vous avez accepté l'invitation le" in visible_text(page.text)

    db.session.expire_all()
    member = find_by_email(first.email)
    assert member.display_name == "Nadia Benali"
    assert member.role_in(drawn.convention.id) == Role.MEMBER
    # Seated in the group with the fewest members: the other group had one, this one five.
    assert [m.user_id for m in drawn.world.other_group.memberships] == [
        drawn.world.outsider.id,
        member.id,
    ]
    answered = db.session.get(Invitation, first.id)
    assert answered.status == InvitationStatus.ACCEPTED
    assert answered.answered_by == AnswerChannel.LINK and answered.user_id == member.id

    welcome = mailbox.last_to(first.email)
    assert welcome["Subject"] == "Bienvenue\u202f: Convention test"
    assert "Groupe santé" in welcome.get_body(("plain",)).get_content()
    reset = mailbox.link_in(welcome).replace("http://localhost", "")
    password = "un mot de passe bien long"
    client.post(reset, data={"password": password, "password_confirm": password})
    assert "Vous êtes connecté·e." in factories.login(client, first.email, password).text


def test_accepting_links_the_existing_account_with_that_email(client, mailbox, drawn):
    first = drawn.invited[0]
    citizen = drawn.world.citizen
    first.email = citizen.email
    db.session.commit()
    page = client.get(drawn.link(first))
    assert 'name="name"' not in page.text  # the account has its name already
    client.post(drawn.link(first), data={"decision": "accepter"})
    db.session.expire_all()
    assert citizen.role_in(drawn.convention.id) == Role.MEMBER
    assert db.session.get(Invitation, first.id).user_id == citizen.id
    assert mailbox.last_to(citizen.email)["Subject"] == "Bienvenue\u202f: Convention test"


def test_declining_frees_the_seat_and_sends_nothing(client, mailbox, drawn):
    first = drawn.invited[0]
    link = drawn.link(first)
    page = client.post(link, data={"decision": "decliner"}, follow_redirects=True)
    assert "Votre place sera proposée à une autre personne." in page.text
    assert "Vous avez décliné l'invitation le" in visible_text(page.text)
    assert mailbox.messages == []
    db.session.expire_all()
    answered = db.session.get(Invitation, first.id)
    assert answered.status == InvitationStatus.DECLINED
    assert answered.answered_by == AnswerChannel.LINK and answered.user_id is None
    assert find_by_email(first.email) is None
    run = db.session.get(SortitionRun, drawn.run.id)
    assert replacements.seats(run).free == 1
    assert replacements.replacement_refusal(run) is None


def test_an_expired_link_says_so_and_whom_to_contact(app, client, monkeypatch, drawn):
    days = app.config["INVITATION_MAX_AGE_DAYS"]
    too_old = time.time() - (days + 1) * 24 * 3600
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: too_old)
    link = drawn.link(drawn.invited[0])
    monkeypatch.undo()
    page = client.get(link)
    assert page.status_code == 410
    assert "Ce lien a expiré" in page.text
    assert "contactez l'équipe de la convention (Métropole)" in visible_text(page.text)
    refused = client.post(link, data={"decision": "accepter", "name": "Nadia"})
    assert refused.status_code == 410
    db.session.expire_all()
    assert db.session.get(Invitation, drawn.invited[0].id).status == InvitationStatus.INVITED


def test_a_link_used_twice_shows_the_answer_given_and_changes_nothing(client, drawn):
    first = drawn.invited[0]
    link = drawn.link(first)
    client.post(link, data={"decision": "accepter", "name": "Nadia Benali"})
    second = client.post(link, data={"decision": "decliner"})
    assert second.status_code == 409
    text = visible_text(second.text)
    assert "Vous avez accepté l'invitation le" in text
    assert "Ce lien a déjà servi\u202f: votre réponse n'a pas été modifiée." in text
    db.session.expire_all()
    answered = db.session.get(Invitation, first.id)
    assert answered.status == InvitationStatus.ACCEPTED
    assert len(assembly.members_of(drawn.convention)) == 7  # the world's six, and Nadia
    again = client.get(link)
    assert again.status_code == 200 and "Vous avez accepté" in again.text


def test_an_answer_taken_by_phone_is_shown_on_the_link(client, drawn):
    first = drawn.invited[0]
    services.answer(drawn.world.staff, first, accepted=False)
    db.session.commit()
    page = client.get(drawn.link(first))
    assert "reçue par téléphone" in page.text and "vous avez décliné" in page.text
    assert client.post(drawn.link(first), data={"decision": "accepter"}).status_code == 409


def test_an_altered_or_foreign_link_is_a_clear_not_found(client, drawn):
    token = links.invitation_token(drawn.invited[0])
    altered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    page = client.get(drawn.page(f"/invitation/{altered}"))
    assert page.status_code == 404
    assert "Lien d'invitation introuvable" in visible_text(page.text)
    other = assembly.create_convention(None, slug="autre", title="Autre", question="Quoi ?")
    db.session.commit()
    assert client.get(at(other, f"/invitation/{token}")).status_code == 404
    assert client.post(drawn.page(f"/invitation/{altered}"), data={}).status_code == 404


def test_the_answer_buttons_need_the_csrf_token(app, client, monkeypatch, drawn):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    first = drawn.invited[0]
    link = drawn.link(first)
    page = client.get(link)
    assert 'name="csrf_token"' in page.text
    refused = client.post(link, data={"decision": "decliner"})
    assert refused.status_code == 400
    db.session.expire_all()
    assert db.session.get(Invitation, first.id).status == InvitationStatus.INVITED


# --- the answers table and the replacement draw --------------------------------------------


def test_the_answers_table_counts_each_state(client, drawn):
    first, second, third, fourth, *_rest = drawn.invited
    fourth.email = None  # reached by phone only: never sent an invitation
    invitations.send_invitations(drawn.world.staff, drawn.run)
    invitations.accept_by_link(first, "Nadia Benali")
    invitations.decline_by_link(second)
    invitations.resend(drawn.world.staff, third)
    db.session.commit()
    staff_client(client, drawn)
    page = client.get(drawn.page(f"/gestion/tirage/{drawn.run.id}"))
    counts = visible_text(page.text.split('aria-label="Réponses par état"')[1].split("</ul>")[0])
    assert counts.endswith("2 invitée 1 relancée 1 sans réponse 1 acceptée 1 déclinée")
    assert "connue" in page.text and "inconnue" in page.text
    assert "Renvoyer l'invitation" in visible_text(page.text)
    assert "lien" in page.text and "@tire.example" in page.text  # staff see the addresses


def test_a_replacement_draw_on_partial_answers_keeps_the_quotas_and_is_published(
    client, tmp_path, drawn
):
    first, second, *waiting = drawn.invited
    invitations.accept_by_link(first, "Nadia Benali")
    db.session.commit()
    staff_client(client, drawn)
    page = client.get(drawn.page(f"/gestion/tirage/{drawn.run.id}"))
    assert "Personne n'a décliné\u202f: aucune place n'est à pourvoir." in visible_text(page.text)
    assert "Tirer les remplaçants</button>" not in page.text

    invitations.decline_by_link(second)
    db.session.commit()
    page = client.get(drawn.page(f"/gestion/tirage/{drawn.run.id}"))
    assert "1 place à pourvoir." in page.text
    page = client.post(
        drawn.page(f"/gestion/tirage/{drawn.run.id}/remplacement"),
        data={"seed": "4 4 2"},
        follow_redirects=True,
    )
    assert "1 remplaçant tiré." in page.text
    db.session.expire_all()
    run = db.session.get(SortitionRun, drawn.run.id)
    substitute = next(i for i in run.invitations if i.round == 1)
    # Those who have not answered kept their seats; the substitute takes the declined one's
    # place in every quota, with the person who accepted.
    assert all(i.status == InvitationStatus.INVITED for i in waiting)
    people = services.pool_people(run)
    assert people[substitute.person_id] == people[second.person_id]

    public = client.get(drawn.page("/tirage")).text
    assert "Remplacement 1\u202f: 1 place" in public
    assert "graine «\u202f<code>4 4 2</code>\u202f»" in public
    assert run.replacements[0].list_sha256 in public
    published = client.get(drawn.page(f"/tirage/{run.id}/remplacement/1/panels.csv"))
    assert published.status_code == 200
    listed = tmp_path / "remplacement.csv"
    listed.write_bytes(published.data)
    outcome = sortition.verify(listed, "4 4 2")
    assert outcome.members == (substitute.pseudonym,)
    assert outcome.list_sha256 == run.replacements[0].list_sha256
    page = client.get(drawn.page(f"/gestion/tirage/{run.id}"))
    assert "Chaque place libérée a déjà son remplaçant" in page.text


@pytest.mark.no_db
@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="concurrency is tested against PostgreSQL",
)
def test_two_answers_at_the_same_moment_leave_one(committed_app):
    """The person clicks "accept" while staff record a decline by phone (and a second click
    on "accept" arrives): in three threads with their own connections, one answer wins and the
    others are refused; the person is seated at most once."""
    app = committed_app
    with app.app_context(), app.test_request_context():
        world = build_world()
        run = services.import_run(
            world.staff, world.convention, pool_file=pool_csv(), quotas_file=QUOTAS, k=6, panels=50
        )
        services.compute(str(run.id))
        first = services.draw(world.staff, run, "42")[0]
        db.session.flush()
        contacts.set_email(world.staff, first, "course@tire.example")
        db.session.commit()
        invitation_id, staff_id = first.id, world.staff.id
    barrier = threading.Barrier(3)
    outcomes: list[str] = []

    def answer(how: str) -> None:
        with app.app_context(), app.test_request_context():
            invitation = db.session.get(Invitation, invitation_id)
            barrier.wait(timeout=10)
            try:
                if how == "phone":
                    services.answer(db.session.get(User, staff_id), invitation, accepted=False)
                else:
                    invitations.accept_by_link(invitation, "Nadia Benali")
                db.session.commit()
                outcomes.append(how)
            except ConventionError:
                db.session.rollback()
                outcomes.append("refused")

    threads = [threading.Thread(target=answer, args=(h,)) for h in ("phone", "link", "link")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes).count("refused") == 2, outcomes
    with app.app_context():
        answered = db.session.get(Invitation, invitation_id)
        winner = next(o for o in outcomes if o != "refused")
        expected = InvitationStatus.DECLINED if winner == "phone" else InvitationStatus.ACCEPTED
        assert answered.status == expected
        seated = db.session.scalar(
            select(func.count(GroupMembership.id))
            .join(User, User.id == GroupMembership.user_id)
            .where(User.email == "course@tire.example")
        )
        assert seated == (1 if winner == "link" else 0)
