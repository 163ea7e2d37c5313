"""Recruiting the members: import, fair selection, public draw, invitations, replacements."""

import io
import re

import pytest
from sqlalchemy import func, select

from convention import sortition
from convention.assembly import services as assembly
from convention.auth.models import Role
from convention.errors import NotAllowed
from convention.extensions import db
from convention.jobs import JobStatus
from convention.recruitment import replacements, services
from convention.recruitment.models import Invitation, InvitationStatus, SortitionRun
from tests import factories
from tests.factories import build_world

GENDERS = ["femme", "homme"]
AGES = ["18-34", "35-59", "60+"]


def pool_csv(n: int = 30) -> bytes:
    rows = ["id,gender,age,address"]
    for i in range(n):
        rows.append(f"v{i:02d},{GENDERS[i % 2]},{AGES[i % 3]},{i} rue de la Loge")
    return ("\n".join(rows) + "\n").encode()


QUOTAS = (
    b"feature,value,min,max,target\n"
    b"gender,femme,3,3,51%\ngender,homme,3,3,49%\n"
    b"age,18-34,2,2,0.3\nage,35-59,2,2,0.4\nage,60+,2,2,0.3\n"
)


@pytest.fixture
def world():
    return build_world()


def test_import_is_all_or_nothing_with_every_problem_explained(world):
    bad_pool = b"id,gender,age\nv1,femme,18-34\nv1,homme,35-59\nv2,autre,60+\n"
    with pytest.raises(services.ImportProblems) as error:
        services.import_run(
            world.staff, world.convention, pool_file=bad_pool, quotas_file=QUOTAS, k=6
        )
    text = " ".join(error.value.problems)
    assert "plusieurs fois dans le vivier" in text
    with pytest.raises(services.ImportProblems) as error:
        services.import_run(
            world.staff,
            world.convention,
            pool_file=pool_csv(),
            quotas_file=b"feature,value,min,max\ngender,femme,9,9\n"
            b"gender,homme,0,30\nage,18-34,0,9\n"
            b"age,35-59,0,9\nage,60+,0,9\n",
            k=6,
        )
    assert any("gender" in p and "6" in p for p in error.value.problems)
    with pytest.raises(services.ImportProblems) as error:
        services.import_run(
            world.staff, world.convention, pool_file="é".encode("latin-1"), quotas_file=QUOTAS, k=6
        )
    assert "UTF-8" in error.value.problems[0]
    assert db.session.scalar(select(func.count(SortitionRun.id))) == 0


def test_only_staff_import(world):
    with pytest.raises(NotAllowed):
        services.import_run(
            world.members[0], world.convention, pool_file=pool_csv(), quotas_file=QUOTAS, k=6
        )


def test_selection_report_lottery_and_public_draw_reproducible_by_anyone(
    app, world, tmp_path, runner
):
    run = services.import_run(
        world.staff, world.convention, pool_file=pool_csv(), quotas_file=QUOTAS, k=6, panels=200
    )
    services.compute(str(run.id))
    db.session.refresh(run)
    assert run.status == JobStatus.DONE, run.error_code
    report = run.report
    assert abs(sum(report["probabilities"].values()) - 6) < 1e-6
    assert report["fairness"]["lowest"] > 0
    assert (
        report["legacy"] is not None
        and report["legacy"]["lowest"] <= report["fairness"]["lowest"] + 1e-9
    )
    assert len(sortition.parse_list(run.panel_list.encode())) == 200

    invitations = services.draw(world.staff, run, "3 6 1 4 2")
    assert len(invitations) == 6
    chosen = {i.person_id for i in invitations}
    genders = [int(p[1:]) % 2 for p in chosen]
    assert genders.count(0) == 3  # the quotas hold on the drawn panel
    with pytest.raises(Exception, match="déjà eu lieu"):
        services.draw(world.staff, run, "1 1 1")

    # Anyone can repeat the draw from the published list and the seed.
    published = tmp_path / "panels.csv"
    published.write_text(run.panel_list)
    result = runner.invoke(args=["sortition", "verify", str(published), "3 6 1 4 2"])
    assert result.exit_code == 0, result.output
    assert f"panel {run.drawn_index + 1} of 200" in result.output
    assert sorted(result.output.split(": ")[-1].split()) == sorted(i.pseudonym for i in invitations)


def test_answers_create_members_and_replacements_keep_the_quotas(world):
    run = services.import_run(
        world.staff, world.convention, pool_file=pool_csv(), quotas_file=QUOTAS, k=6, panels=100
    )
    services.compute(str(run.id))
    invitations = services.draw(world.staff, run, "42")
    first, second, *rest = invitations
    user = services.answer(
        world.staff,
        first,
        accepted=True,
        email="nouvelle@test.example",
        name="Nadia Benali",
        group=world.group,
    )
    assert user.role_in(world.convention.id) == Role.MEMBER
    assert first.status == InvitationStatus.ACCEPTED
    assert any(m.user_id == user.id for m in world.group.memberships)
    with pytest.raises(Exception, match="Personne n'a décliné"):
        replacements.replace(world.staff, run, "7 7")
    services.answer(world.staff, second, accepted=False)
    # The seat is free at once: the others have not answered, they keep their seats.
    substitutes = replacements.replace(world.staff, run, "7 7")
    assert len(substitutes) == 1 and substitutes[0].round == 1
    declined = second.person_id
    # The substitute takes the declined person's place in the quotas.
    assert int(substitutes[0].person_id[1:]) % 2 == int(declined[1:]) % 2
    assert int(substitutes[0].person_id[1:]) % 3 == int(declined[1:]) % 3
    with pytest.raises(Exception, match="déjà son remplaçant"):
        replacements.replace(world.staff, run, "8 8")


def test_staff_pages_import_show_progress_report_and_draw(client, world):
    db.session.commit()
    factories.login(client, world.staff.email)
    page = client.post(
        "/c/test/gestion/tirage/",
        data={
            "pool": (io.BytesIO(b"id,gender\nv1,femme\nv1,homme\n"), "pool.csv"),
            "quotas": (io.BytesIO(QUOTAS), "quotas.csv"),
            "k": "6",
            "algorithm": "leximin",
            "panels": "100",
        },
        content_type="multipart/form-data",
    )
    assert "L'import n'a pas été fait\u202f: corrigez les problèmes ci-dessous." in page.text
    assert "L&#39;identifiant «\u202fv1\u202f» apparaît plusieurs fois dans le vivier" in page.text
    page = client.post(
        "/c/test/gestion/tirage/",
        data={
            "pool": (io.BytesIO(pool_csv()), "pool.csv"),
            "quotas": (io.BytesIO(QUOTAS), "q.csv"),
            "k": "6",
            "algorithm": "leximin",
            "panels": "100",
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Chance la plus faible" in page.text and "<svg" in page.text
    assert "Coefficient de Gini" in page.text and "Représentativité" in page.text
    run_id = re.search(r"/c/test/tirage/(\d+)/panels.csv", page.text).group(1)
    confirm = client.post(f"/c/test/gestion/tirage/{run_id}/tirage", data={"seed": "5 2 6"})
    assert "Le tirage est définitif" in confirm.text
    page = client.post(
        f"/c/test/gestion/tirage/{run_id}/tirage",
        data={"seed": "5 2 6", "confirme": "1"},
        follow_redirects=True,
    )
    assert "est tiré\u202f: 6 personnes à inviter." in page.text
    public = client.get("/c/test/tirage").text
    assert "graine «\u202f<code>5 2 6</code>\u202f»" in public
    assert client.get(f"/c/test/tirage/{run_id}/panels.csv").status_code == 200
    client.post("/deconnexion")
    assert client.get(f"/c/test/gestion/tirage/{run_id}/pseudonymes.csv").status_code == 302
    factories.login(client, world.members[0].email)
    assert client.get(f"/c/test/gestion/tirage/{run_id}").status_code == 403
    assert db.session.scalar(select(func.count(Invitation.id))) == 6
    # The draw makes no account: the convention still has its six members.
    assert len(assembly.members_of(world.convention)) == 6
