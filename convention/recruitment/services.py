"""Running the selection for a convention, the public draw, invitations and replacements.

The algorithms come from `convention.sortition`; this module keeps their inputs and results
in the database and applies the convention's rules (who may act, in which order).
"""

from __future__ import annotations

import functools
import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from convention import jobs, sortition
from convention.assembly import services as assembly
from convention.assembly.models import Convention, WorkingGroup
from convention.assembly.services import require_manager
from convention.audit.services import record
from convention.auth.models import Role, User
from convention.auth.services import create_account, find_by_email
from convention.clock import utcnow
from convention.errors import ConventionError, InvalidInput
from convention.extensions import db
from convention.ledger import services as ledger
from convention.params import CONTROL_CHARACTERS
from convention.recruitment.messages import describe
from convention.recruitment.models import (
    AnswerChannel,
    Invitation,
    InvitationStatus,
    SortitionRun,
)

#: The selection's stages and failure (registered by the feature's `init_app`).
STAGES = {
    "sortition.reading": _l("lecture du vivier et des quotas"),
    "sortition.solving": _l("recherche de la sélection la plus équitable"),
    "sortition.comparing": _l("comparaison avec la méthode ancienne (LEGACY)"),
    "sortition.lottery": _l("arrondi de la sélection en loterie de panels"),
}
PROBLEMS = "sortition.problems"


def describe_problems(params: dict) -> str:
    """The problems that stopped a selection, one a line, in the reader's language."""
    return "\n".join(describe(p["code"], p["params"]) for p in params.get("problems", []))


ERRORS: dict[str, jobs.ErrorLabel] = {PROBLEMS: describe_problems}


class ImportProblems(InvalidInput):
    """The files cannot be used; `problems` lists every reason, in French or English."""

    def __init__(self, problems: list[str]):
        super().__init__(_l("L'import n'a pas été fait : corrigez les problèmes ci-dessous."))
        self.problems = problems


def read_inputs(pool_csv: str, quotas_csv: str, k: int):
    pool = sortition.read_pool(pool_csv)
    quotas = sortition.read_quotas(quotas_csv)
    return pool, quotas, sortition.prepare(pool, quotas, k)


def import_run(
    actor: User,
    convention: Convention,
    *,
    pool_file: bytes,
    quotas_file: bytes,
    k: int,
    algorithm: str = "leximin",
    panels: int = sortition.DEFAULT_PANELS,
) -> SortitionRun:
    """Check the pool and quotas together (all or nothing: every problem is found before
    anything is written) and record a run to compute."""
    require_manager(actor, convention.id)
    if algorithm not in sortition.ALGORITHMS:
        raise InvalidInput(_l("Méthode de sélection inconnue."), field="algorithm")
    if not 1 <= panels <= 100000:
        raise InvalidInput(
            _l("Le nombre de panels de la loterie va de 1 à 100 000."), field="panels"
        )
    problems: list[str] = []
    texts = {}
    for name, data in (("pool", pool_file), ("quotas", quotas_file)):
        try:
            texts[name] = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            problems.append(
                describe(
                    "bad_encoding", {"file": name, "line": data[: error.start].count(b"\n") + 1}
                )
            )
            continue
        # The database cannot store a NUL byte, and no column of a pool holds a control one.
        found = CONTROL_CHARACTERS.search(texts[name])
        if found:
            problems.append(
                describe(
                    "control_character",
                    {"file": name, "line": texts[name].count("\n", 0, found.start()) + 1},
                )
            )
    if problems:
        raise ImportProblems(problems)
    try:
        pool, _quotas, _problem = read_inputs(texts["pool"], texts["quotas"], k)
    except sortition.SortitionError as error:
        raise ImportProblems([describe(p.code, p.params) for p in error.problems]) from None
    run = SortitionRun(
        convention_id=convention.id,
        requested_by_id=actor.id,
        k=k,
        algorithm=algorithm,
        panels=panels,
        pool_csv=texts["pool"],
        quotas_csv=texts["quotas"],
        pool_size=len(pool),
    )
    db.session.add(run)
    db.session.flush()
    record(actor, "sortition.import", run, k=k, algorithm=algorithm, pool_size=len(pool))
    return run


def start(run: SortitionRun) -> None:
    """Compute the selection once the import is committed: in the worker when Redis is
    configured, otherwise right after the commit."""
    jobs.submit(compute, str(run.id), SortitionRun)


def compute(run_id: str) -> None:
    """The selection itself (see `_compute`), as a job: its stages are shown to staff while it
    runs, its results committed once at the end."""
    jobs.perform(SortitionRun, int(run_id), _compute)


def compute_in_transaction(run: SortitionRun, *, lottery_seed: int | None = None) -> None:
    """The same selection, inside the caller's transaction (a command loading data in one
    transaction): nothing is committed, a failure raises. The demo fixes `lottery_seed` so
    that every demo draws the same panel; a real draw leaves it random, so that no one can
    foresee the pseudonyms of the published list."""
    jobs.perform_in_transaction(run, functools.partial(_compute, lottery_seed=lottery_seed))


def _compute(
    run: SortitionRun, progress: jobs.Progress, *, lottery_seed: int | None = None
) -> None:
    """The distribution, LEGACY on the same pool for comparison, the report and the lottery.
    A problem the sortition package finds fails the run with its codes, shown in the reader's
    language."""
    try:
        progress.stage("sortition.reading", 5)
        _pool, _quotas, problem = read_inputs(run.pool_csv, run.quotas_csv, run.k)
        steps = 0

        def on_progress(step: str, detail: dict) -> None:
            nonlocal steps
            steps += 1
            if steps % 10 == 1:  # a write per solver step would slow the solver down
                progress.stage("sortition.solving", min(70, 10 + steps))

        distribution = sortition.run(problem, run.algorithm, seed=run.id, on_progress=on_progress)
        progress.stage("sortition.comparing", 75)
        legacy = (
            sortition.run(problem, "legacy", seed=run.id) if run.algorithm != "legacy" else None
        )
        report = sortition.build_report(distribution, legacy=legacy)
        progress.stage("sortition.lottery", 85)
        lottery = sortition.build_lottery(distribution, panels=run.panels, seed=lottery_seed)
    except sortition.SortitionError as error:
        raise jobs.JobFailed(
            PROBLEMS, problems=[{"code": p.code, "params": p.params} for p in error.problems]
        ) from error
    # The run's row is written last: the stages above are written to it from another session.
    run.report = report_data(report)
    run.panel_list = lottery.to_bytes().decode("utf-8")
    run.pseudonyms = lottery.pseudonyms
    run.lottery = {
        "panels": lottery.size,
        "fairness_loss": lottery.fairness_loss,
        "lowest": lottery.lowest,
    }


def report_data(report: sortition.Report) -> dict:
    """The sortition report as plain data, stored with the run."""

    def fairness(f):
        if f is None:
            return None
        return {
            "algorithm": f.algorithm,
            "lowest": f.lowest,
            "highest": f.highest,
            "gini": f.gini,
            "below_leximin_lowest": f.below_leximin_lowest,
            "histogram": [{"low": b.low, "high": b.high, "count": b.count} for b in f.histogram],
        }

    return {
        "n": report.n,
        "k": report.k,
        "support": report.support,
        "probabilities": report.probabilities,
        "fairness": fairness(report.fairness),
        "legacy": fairness(report.legacy),
        "legacy_probabilities": report.legacy_probabilities,
        "composition": [vars(row) for row in report.composition],
    }


def draw(actor: User, run: SortitionRun, seed: str) -> list[Invitation]:
    """The public draw: the seed entered in public picks one panel of the published list.
    It cannot be redone; the drawn volunteers are invited."""
    require_manager(actor, run.convention_id)
    if run.status != jobs.JobStatus.DONE or run.panel_list is None or run.pseudonyms is None:
        raise ConventionError(_l("La sélection n'est pas encore calculée."))
    if run.drawn_at is not None:
        raise ConventionError(_l("Le tirage a déjà eu lieu : il ne peut pas être refait."))
    try:
        outcome = sortition.draw(run.panel_list.encode("utf-8"), seed)
    except sortition.SortitionError as error:
        raise InvalidInput(
            describe(error.problems[0].code, error.problems[0].params), field="seed"
        ) from None
    run.seed, run.drawn_index, run.list_sha256 = outcome.seed, outcome.index, outcome.list_sha256
    run.drawn_at = utcnow()
    person_of = {pseudonym: person for person, pseudonym in run.pseudonyms.items()}
    invitations = [
        Invitation(person_id=person_of[p], pseudonym=p, round=0, status=InvitationStatus.INVITED)
        for p in outcome.members
    ]
    run.invitations.extend(invitations)
    record(
        actor,
        "sortition.draw",
        run,
        seed=outcome.seed,
        index=outcome.index,
        list_sha256=outcome.list_sha256,
    )
    publish_draw(run, 0, outcome)
    return invitations


def publish_draw(run: SortitionRun, round_number: int, outcome: sortition.Draw) -> None:
    """The draw in the public ledger: the list of panels it drew from (its SHA-256), the
    public seed and the panel picked, by the pseudonyms the published list names people by."""
    ledger.append(
        "draw_published",
        {
            "run_id": run.id,
            "round": round_number,
            "list_sha256": outcome.list_sha256,
            "seed": outcome.seed,
            "index": outcome.index,
            "panel": list(outcome.members),
        },
        convention_slug=db.session.get_one(Convention, run.convention_id).slug,
    )


class AlreadyAnswered(ConventionError):
    """The invitation has its answer: a second click on the link changes nothing."""

    message = _l("Votre réponse est déjà enregistrée : elle ne peut plus être changée ici.")
    status = 409


def settle(invitation: Invitation, status: InvitationStatus, channel: AnswerChannel) -> None:
    """Record an answer only if there was none: one conditional write, so two answers at the
    same moment (two clicks, or a click while staff note a phone call) cannot both count."""
    if invitation.id is None:  # drawn in this transaction: give it its id first
        db.session.flush()
    done = db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.status == InvitationStatus.INVITED)
        .values(status=status, answered_by=channel, decided_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(invitation)
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise AlreadyAnswered()


def make_member(
    actor: User | None,
    convention: Convention,
    group: WorkingGroup | None,
    *,
    email: str,
    name: str,
) -> User:
    """A drawn volunteer who accepted becomes a member of the convention, seated in `group`
    when there is one. The account with that email is used when it exists (unless it belongs
    to staff or facilitation of the convention); otherwise one is made with a random password,
    which the welcome email lets them replace. `actor` None is the platform itself (an answer
    given through the personal link). The one place that decides what being a member means."""
    user = find_by_email(email)
    if user is None:
        if not name.strip():
            raise InvalidInput(_l("Indiquez votre nom."), field="name")
        user = create_account(
            email, name.strip(), secrets.token_urlsafe(24), first_name=name.strip().split()[0]
        )
    elif user.role_in(convention.id) not in (Role.CITIZEN, Role.MEMBER):
        raise InvalidInput(
            _l("Cette adresse appartient à un compte de l'équipe ou d'animation."), field="email"
        )
    assembly.appoint(actor, convention, user, Role.MEMBER)
    if group is not None:
        assembly.add_member(actor, group, user)
    return user


def answer(
    actor: User,
    invitation: Invitation,
    *,
    accepted: bool,
    email: str = "",
    name: str = "",
    group: WorkingGroup | None = None,
) -> User | None:
    """Record a drawn volunteer's answer taken by staff (by phone). Acceptance creates their
    member account (or makes an existing account a member) and seats them in a working group;
    the email given at the draw is used when staff type none."""
    require_manager(actor, invitation.run.convention_id)
    email = email.strip() or (invitation.email or "")
    if accepted and group is None:
        raise InvalidInput(_l("Choisissez le groupe de travail du nouveau membre."), field="group")
    if accepted and (not email or not name.strip()):
        raise InvalidInput(
            _l("Indiquez le nom et l'adresse électronique du nouveau membre."), field="email"
        )
    try:
        settle(
            invitation,
            InvitationStatus.ACCEPTED if accepted else InvitationStatus.DECLINED,
            AnswerChannel.PHONE,
        )
    except AlreadyAnswered:
        raise ConventionError(_l("La réponse de cette personne est déjà enregistrée.")) from None
    if not accepted or group is None:  # group is None only for a decline (checked above)
        record(actor, "sortition.declined", invitation.run, person=invitation.person_id)
        return None
    user = make_member(actor, group.convention, group, email=email, name=name)
    invitation.user_id = user.id
    record(
        actor, "sortition.accepted", invitation.run, person=invitation.person_id, user_id=user.id
    )
    return user


def runs(convention: Convention) -> list[SortitionRun]:
    return list(
        db.session.scalars(
            select(SortitionRun)
            .where(SortitionRun.convention_id == convention.id)
            .order_by(SortitionRun.id.desc())
        )
    )


def run_of(convention: Convention, run_id: int) -> SortitionRun | None:
    """The run `run_id` if it belongs to `convention`."""
    found = db.session.get(SortitionRun, run_id)
    return found if found is not None and found.convention_id == convention.id else None


def last_drawn(convention: Convention) -> SortitionRun | None:
    return db.session.scalar(
        select(SortitionRun)
        .where(SortitionRun.convention_id == convention.id, SortitionRun.drawn_at.is_not(None))
        .order_by(SortitionRun.drawn_at.desc())
        .limit(1)
    )


def pool_people(run: SortitionRun) -> dict[str, dict]:
    """Each volunteer's features, by id (staff pages only)."""
    pool = sortition.read_pool(run.pool_csv)
    return {p.id: p.features for p in pool.people}
