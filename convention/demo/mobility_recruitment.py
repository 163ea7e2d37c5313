"""The draw of the demo's past convention: a pool of 300 volunteers built here, its selection
computed and drawn in public, invitations answered (two declines, replaced by a second draw)."""

from __future__ import annotations

import random
from datetime import timedelta

from convention.assembly import services as assembly
from convention.assembly.models import Convention
from convention.auth.models import Commune, Role, User
from convention.auth.services import find_by_email
from convention.demo import accounts
from convention.demo import mobility_content as text
from convention.demo.backdating import at, happened_on
from convention.recruitment import contacts, invitations, replacements, services
from convention.recruitment.models import Invitation, SortitionRun


def pool_csv() -> str:
    """The 300 volunteers, drawn from a fixed seed so every demo has the same pool."""
    chance = random.Random(2024)
    ages = [band for band, _weight in text.AGES]
    age_weights = [weight for _band, weight in text.AGES]
    territories = list(text.TERRITORIES)
    rows = ["id,genre,age,territoire,commune"]
    for n in range(1, text.POOL_SIZE + 1):
        territory = chance.choices(territories, text.TERRITORY_WEIGHTS)[0]
        rows.append(
            ",".join(
                (
                    f"V{n:04d}",
                    chance.choice(text.GENDERS),
                    chance.choices(ages, age_weights)[0],
                    territory,
                    chance.choice(text.TERRITORIES[territory]),
                )
            )
        )
    return "\n".join(rows) + "\n"


def draw(staff: User, convention: Convention) -> SortitionRun:
    """Import the pool and quotas, compute the selection and draw the panel in public."""
    with happened_on(at("2024-04-02", 10)):
        run = services.import_run(
            staff,
            convention,
            pool_file=pool_csv().encode(),
            quotas_file=text.QUOTAS.encode(),
            k=text.PANEL_SIZE,
        )
        # In the command's one transaction: a failure anywhere leaves nothing loaded.
        services.compute_in_transaction(run, lottery_seed=text.LOTTERY_SEED)
    with happened_on(at("2024-04-15", 18)):
        services.draw(staff, run, text.DRAW_SEED)
    return run


def _drawn_people(
    staff: User, communes: dict[str, Commune], run: SortitionRun, drawn: list[Invitation]
) -> None:
    """Give each person drawn a name of their gender, an account in their commune and the
    email address the team enters for them."""
    features = services.pool_people(run)
    used = {i.email for i in run.invitations if i.email}
    names = {
        "femme": iter(n for n in text.WOMEN if accounts.email(*n) not in used),
        "homme": iter(n for n in text.MEN if accounts.email(*n) not in used),
    }
    for invitation in drawn:
        person = features[invitation.person_id]
        first, last = next(names[person["genre"]])
        account = accounts.person(first, last, Role.MEMBER, communes[person["commune"]])
        contacts.set_email(staff, invitation, account.email)


def answers(
    staff: User, communes: dict[str, Commune], convention: Convention, run: SortitionRun
) -> list[User]:
    """The people drawn are invited; two decline and are replaced; the others and the
    substitutes accept. Returns the members."""
    first_round = sorted(run.invitations, key=lambda i: i.id)
    with happened_on(at("2024-04-16", 10)):
        _drawn_people(staff, communes, run, first_round)
        invitations.send_invitations(staff, run)
    for n, invitation in enumerate(first_round):
        with happened_on(at("2024-04-17", 9) + timedelta(days=n // 3, hours=n % 3 * 3)):
            if n in text.DECLINED:
                invitations.decline_by_link(invitation)
            elif n == 1:  # one answered by phone to the team
                account = find_by_email(invitation.email or "")
                assert account is not None  # made by `_drawn_people`
                services.answer(
                    staff,
                    invitation,
                    accepted=True,
                    name=account.display_name,
                    group=invitations.smallest_group(convention),
                )
            else:
                invitations.accept_by_link(invitation)
    with happened_on(at("2024-05-13", 18)):
        substitutes = replacements.replace(
            staff, run, text.REPLACEMENT_SEED, lottery_seed=text.LOTTERY_SEED
        )
        _drawn_people(staff, communes, run, substitutes)
        invitations.send_invitations(staff, run)
    for n, invitation in enumerate(substitutes):
        with happened_on(at("2024-05-15", 11 + n)):
            invitations.accept_by_link(invitation)
    return assembly.members_of(convention)
