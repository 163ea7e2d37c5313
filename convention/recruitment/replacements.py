"""Replacement draws: as soon as declines free seats, substitutes are drawn for those seats
only, without waiting for every answer. The people who accepted and those who have not answered
yet keep their seats; with them, the substitutes meet every quota. Each replacement's list of
panels (pseudonyms only) is kept and published like the main draw's."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from convention import sortition
from convention.assembly.services import require_manager
from convention.audit.services import record
from convention.auth.models import User
from convention.clock import utcnow
from convention.errors import ConventionError, InvalidInput
from convention.recruitment.messages import describe
from convention.recruitment.models import (
    Invitation,
    InvitationStatus,
    ReplacementDraw,
    SortitionRun,
)
from convention.recruitment.services import publish_draw, read_inputs


@dataclass(frozen=True)
class Seats:
    """Where a drawn panel stands: people who accepted, people who have not answered yet
    (they hold their seat), people who declined; `free` seats wait for a substitute."""

    k: int
    accepted: int
    waiting: int
    declined: int
    left_in_pool: int

    @property
    def free(self) -> int:
        return self.k - self.accepted - self.waiting


def seats(run: SortitionRun) -> Seats:
    counts = Counter(i.status for i in run.invitations)
    return Seats(
        k=run.k,
        accepted=counts[InvitationStatus.ACCEPTED],
        waiting=counts[InvitationStatus.INVITED],
        declined=counts[InvitationStatus.DECLINED],
        left_in_pool=run.pool_size - len(run.invitations),
    )


def replacement_refusal(run: SortitionRun) -> str | None:
    """Why a replacement draw cannot run now, or None when it can: it needs the main draw,
    at least one seat left by a decline and not yet given to a substitute, and volunteers
    enough in the pool who were never drawn."""
    if run.drawn_at is None or run.pseudonyms is None:
        return str(_l("Le tirage principal n'a pas encore eu lieu."))
    now = seats(run)
    if now.free <= 0 and now.declined == 0:
        return str(_l("Personne n'a décliné : aucune place n'est à pourvoir."))
    if now.free <= 0:
        return str(
            _l(
                "Chaque place libérée a déjà son remplaçant ; un nouveau tirage sera possible "
                "dès qu'une autre personne déclinera."
            )
        )
    if now.left_in_pool < now.free:
        return str(
            _l(
                "Le vivier ne suffit plus : places libres, %(free)d ; volontaires jamais "
                "tirés, %(n)d.",
                n=now.left_in_pool,
                free=now.free,
            )
        )
    return None


def replace(
    actor: User, run: SortitionRun, seed: str, *, lottery_seed: int | None = None
) -> list[Invitation]:
    """Draw substitutes for the seats freed by declines, for those seats only and without
    waiting for every answer: the people who accepted and those who have not answered yet
    keep their seats, and with the substitutes they meet every quota. The lottery of
    substitutes is kept and published like the main draw's list; the draw uses a public seed.
    As for the main draw, only the demo fixes `lottery_seed`."""
    require_manager(actor, run.convention_id)
    refusal = replacement_refusal(run)
    if refusal is not None or run.pseudonyms is None:
        raise ConventionError(refusal)
    holding = [
        i.person_id
        for i in run.invitations
        if i.status in (InvitationStatus.ACCEPTED, InvitationStatus.INVITED)
    ]
    declined = [i.person_id for i in run.invitations if i.status == InvitationStatus.DECLINED]
    pool, quotas, _problem = read_inputs(run.pool_csv, run.quotas_csv, run.k)
    try:
        result = sortition.replacement(
            pool, quotas, run.k, holding, declined, algorithm="leximin", seed=run.id
        )
        if result.distribution is None:  # cannot happen with a free seat; kept as a guard
            raise ConventionError(_l("Le panel est complet : aucun remplaçant à tirer."))
        lottery = sortition.build_lottery(
            result.distribution,
            panels=run.panels,
            pseudonyms={p: run.pseudonyms[p] for p in result.distribution.problem.pool.ids},
            seed=lottery_seed,
        )
        outcome = lottery.draw(seed)
    except sortition.SortitionError as error:
        raise InvalidInput(
            "\n".join(describe(p.code, p.params) for p in error.problems), field="seed"
        ) from None
    round_number = max(i.round for i in run.invitations) + 1
    run.replacements.append(
        ReplacementDraw(
            round=round_number,
            seats=len(outcome.members),
            panel_list=lottery.to_bytes().decode("utf-8"),
            panels=lottery.size,
            seed=outcome.seed,
            drawn_index=outcome.index,
            list_sha256=outcome.list_sha256,
            drawn_at=utcnow(),
        )
    )
    person_of = {pseudonym: person for person, pseudonym in run.pseudonyms.items()}
    invitations = [
        Invitation(
            person_id=person_of[p], pseudonym=p, round=round_number, status=InvitationStatus.INVITED
        )
        for p in outcome.members
    ]
    run.invitations.extend(invitations)
    record(
        actor,
        "sortition.replacement",
        run,
        seed=outcome.seed,
        round=round_number,
        substitutes=len(invitations),
        list_sha256=outcome.list_sha256,
    )
    publish_draw(run, round_number, outcome)
    return invitations
