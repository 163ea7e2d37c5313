"""Rules for writing recommendations: drafting, revising, co-authors, publication, withdrawal,
merging, minority opinions, citations of hearings and citizen ideas.

Services take the acting person explicitly, raise `ConventionError` subclasses and never commit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from convention.assembly.models import Convention, Hearing, PhaseKind, Theme, WorkingGroup
from convention.assembly.services import slugify
from convention.auth.models import Role, User
from convention.clock import utcnow
from convention.errors import AlreadyExists, ConventionError, InvalidInput, NotAllowed, WrongPhase
from convention.extensions import db
from convention.proposals import lifecycle, search
from convention.proposals.models import (
    FIELD_LABELS,
    FIELD_LIMITS,
    PENDING_AMENDMENT,
    REQUIRED_FIELDS,
    TEXT_FIELDS,
    AmendmentStatus,
    CoAuthor,
    Idea,
    Recommendation,
    RecommendationEvent,
    RecommendationVersion,
    Status,
)


def clean_fields(fields: Mapping[str, str | None], *, partial: bool = False) -> dict[str, str]:
    """Check the text fields: known names, required ones present, lengths within limits.

    The first problem is raised with the field it concerns, so the form can show it there.
    """
    unknown = set(fields) - set(TEXT_FIELDS)
    if unknown:
        raise InvalidInput(_l("Champ inconnu : %(name)s.", name=", ".join(sorted(unknown))))
    cleaned = {name: (value or "").strip() for name, value in fields.items()}
    for name in TEXT_FIELDS:
        if name not in cleaned:
            continue
        if name in REQUIRED_FIELDS and not cleaned[name]:
            raise InvalidInput(
                _l("« %(field)s » ne peut pas être vide.", field=FIELD_LABELS[name]), field=name
            )
        if len(cleaned[name]) > FIELD_LIMITS[name]:
            raise InvalidInput(
                _l(
                    "« %(field)s » dépasse %(n)d caractères.",
                    field=FIELD_LABELS[name],
                    n=FIELD_LIMITS[name],
                ),
                field=name,
            )
    if not partial:
        missing = [name for name in REQUIRED_FIELDS if not cleaned.get(name)]
        if missing:
            raise InvalidInput(
                _l("« %(field)s » ne peut pas être vide.", field=FIELD_LABELS[missing[0]]),
                field=missing[0],
            )
    return cleaned


def is_group_member(user: User, group: WorkingGroup) -> bool:
    return any(m.user_id == user.id for m in group.memberships)


def record_event(
    recommendation: Recommendation, kind: str, actor: User | None, **details
) -> RecommendationEvent:
    event = RecommendationEvent(
        recommendation_id=recommendation.id, kind=kind, actor=actor, details=details
    )
    db.session.add(event)
    return event


def new_version(
    recommendation: Recommendation, author: User | None, note: str, amendment_id: int | None = None
) -> RecommendationVersion:
    """Snapshot the recommendation's current text as its next version."""
    recommendation.version_count += 1
    version = RecommendationVersion(
        number=recommendation.version_count,
        author=author,
        note=note[:300],
        amendment_id=amendment_id,
        **recommendation.text(),
    )
    recommendation.versions.append(version)
    recommendation.updated_at = utcnow()
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise ConventionError(
            _l("Quelqu'un d'autre vient d'enregistrer une version : rechargez la page.")
        ) from None
    search.index(recommendation)
    return version


def _hearings(convention: Convention, hearing_ids) -> list[Hearing]:
    ids = set(hearing_ids or ())
    if not ids:
        return []
    found = list(
        db.session.scalars(
            select(Hearing).where(
                Hearing.id.in_(ids),
                Hearing.convention_id == convention.id,
                Hearing.published_at.is_not(None),
            )
        )
    )
    if len(found) != len(ids):
        raise InvalidInput(_l("Une des auditions citées n'existe pas."), field="hearings")
    return found


def draft_recommendation(
    actor: User,
    convention: Convention,
    group: WorkingGroup,
    fields: dict[str, str],
    *,
    hearing_ids=(),
    ideas: Sequence[Idea] = (),
    note: str = "",
) -> Recommendation:
    """A member drafts a recommendation in their own working group, during deliberation.

    It starts as a draft visible to the group only, with its first version.
    """
    if actor.role_in(group.convention_id) != Role.MEMBER or not is_group_member(actor, group):
        raise NotAllowed(_l("Seuls les membres du groupe peuvent y rédiger une recommandation."))
    if convention.current_phase != PhaseKind.DELIBERATION:
        raise WrongPhase()
    cleaned = clean_fields(fields)
    number = (
        db.session.scalar(
            select(func.max(Recommendation.number)).where(
                Recommendation.convention_id == convention.id
            )
        )
        or 0
    ) + 1
    recommendation = Recommendation(
        convention_id=convention.id,
        group=group,
        theme=group.theme,
        number=number,
        slug=slugify(cleaned["title"])[:70] or "recommandation",
        author=actor,
        status=Status.DRAFT,
        version_count=0,
        amendment_count=0,
        comment_count=0,
        **cleaned,
    )
    recommendation.hearings = _hearings(convention, hearing_ids)
    recommendation.ideas = list(ideas)
    db.session.add(recommendation)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise ConventionError(
            _l("Deux recommandations ont été créées en même temps : réessayez.")
        ) from None
    new_version(recommendation, actor, note or str(_l("Première version")))
    record_event(recommendation, "drafted", actor, ideas=[i.id for i in ideas])
    return recommendation


def revise(
    actor: User,
    recommendation: Recommendation,
    convention: Convention,
    fields: dict[str, str],
    *,
    hearing_ids=None,
    note: str = "",
) -> RecommendationVersion:
    """The authors revise a draft; every save is a new version. Published text changes only
    through amendments."""
    lifecycle.check("revise", actor, recommendation, convention)
    cleaned = clean_fields(fields)
    hearings_unchanged = True
    if hearing_ids is not None:
        hearings = _hearings(convention, hearing_ids)
        hearings_unchanged = {h.id for h in hearings} == {h.id for h in recommendation.hearings}
        recommendation.hearings = hearings
    # A save that changes nothing would add a version identical to the last one.
    if all(getattr(recommendation, k) == v for k, v in cleaned.items()) and hearings_unchanged:
        raise InvalidInput(_l("Aucune modification à enregistrer."))
    for name, value in cleaned.items():
        setattr(recommendation, name, value)
    return new_version(recommendation, actor, note)


def invite_coauthor(
    actor: User, recommendation: Recommendation, convention: Convention, invitee: User
) -> CoAuthor:
    lifecycle.check("invite_coauthor", actor, recommendation, convention)
    if invitee.role_in(recommendation.convention_id) != Role.MEMBER or not is_group_member(
        invitee, recommendation.group
    ):
        raise InvalidInput(
            _l("Seuls les membres du même groupe peuvent être co-auteurs."), field="user"
        )
    if invitee.id == recommendation.author_id:
        raise InvalidInput(_l("Cette personne est déjà l'autrice ou l'auteur."), field="user")
    invitation = CoAuthor(user=invitee)
    try:
        with db.session.begin_nested():
            recommendation.coauthors.append(invitation)
            db.session.flush()
    except IntegrityError:
        raise AlreadyExists(
            _l("%(name)s est déjà invité·e.", name=invitee.display_name), field="user"
        ) from None
    record_event(recommendation, "coauthor_invited", actor, user_id=invitee.id)
    return invitation


def accept_coauthorship(actor: User, recommendation: Recommendation) -> CoAuthor:
    invitation = next((c for c in recommendation.coauthors if c.user_id == actor.id), None)
    if invitation is None:
        raise NotAllowed(_l("Vous n'avez pas été invité·e à co-écrire cette recommandation."))
    if invitation.accepted_at is None:
        invitation.accepted_at = utcnow()
        record_event(recommendation, "coauthor_joined", actor)
    return invitation


def _transition(
    action: str, actor: User, recommendation: Recommendation, convention: Convention, **details
) -> None:
    rule = lifecycle.check(action, actor, recommendation, convention)
    if rule.target is None:
        raise ValueError(f"{action!r} changes no status: it is not a transition")
    previous = recommendation.status
    recommendation.status = rule.target
    recommendation.updated_at = utcnow()
    record_event(recommendation, action, actor, previous=previous.value, **details)


def publish(actor: User, recommendation: Recommendation, convention: Convention) -> None:
    """The group publishes a draft: from now on everyone can read it and members amend it."""
    _transition("publish", actor, recommendation, convention)
    recommendation.published_at = utcnow()


def submit_to_vote(actor: User, recommendation: Recommendation, convention: Convention) -> None:
    """Send a published recommendation to the members' vote; its amendments must be settled."""
    pending = [a for a in recommendation.amendments if a.status in PENDING_AMENDMENT]
    if pending:
        lifecycle.check("submit", actor, recommendation, convention)
        raise ConventionError(
            lazy_ngettext(
                "%(num)d amendement en attente : décidez-le ou retirez-le avant le vote.",
                "%(num)d amendements en attente : décidez-les ou retirez-les avant le vote.",
                len(pending),
            )
        )
    _transition("submit", actor, recommendation, convention)


def withdraw(
    actor: User, recommendation: Recommendation, convention: Convention, reason: str = ""
) -> None:
    """Withdrawn recommendations stay readable with their history; pending amendments end."""
    _transition("withdraw", actor, recommendation, convention, reason=reason.strip()[:300])
    for amendment in recommendation.amendments:
        if amendment.status in PENDING_AMENDMENT:
            amendment.status = AmendmentStatus.WITHDRAWN


def record_vote_result(
    actor: User, recommendation: Recommendation, convention: Convention, adopted: bool, **tally
) -> None:
    """Extension point for the members' vote: the recommendation becomes adopted or rejected."""
    _transition("adopt" if adopted else "reject", actor, recommendation, convention, **tally)


def merge(
    actor: User,
    source: Recommendation,
    target: Recommendation,
    convention: Convention,
    fields: dict[str, str],
    note: str = "",
) -> RecommendationVersion:
    """Combine `source` into `target`: the target gets a new version with the merged text and
    the source's ideas and hearings; the source is marked merged. Both histories are kept."""
    if source.id == target.id:
        raise InvalidInput(_l("Choisissez une autre recommandation à fusionner."), field="target")
    lifecycle.check("merge", actor, target, convention)
    if target.status != Status.PUBLISHED:
        raise lifecycle.InvalidTransition()
    _transition("merge", actor, source, convention, into=target.id)
    source.merged_into = target
    cleaned = clean_fields(fields)
    for name, value in cleaned.items():
        setattr(target, name, value)
    target.hearings = list({h.id: h for h in target.hearings + source.hearings}.values())
    target.ideas = list({i.id: i for i in target.ideas + source.ideas}.values())
    for amendment in source.amendments:
        if amendment.status in PENDING_AMENDMENT:
            amendment.status = AmendmentStatus.WITHDRAWN
    record_event(target, "merged_from", actor, source=source.id, source_ref=source.reference)
    return new_version(target, actor, note or str(_l("Fusion avec %(ref)s", ref=source.reference)))


def set_minority_opinion(
    actor: User, recommendation: Recommendation, convention: Convention, opinion: str
) -> RecommendationVersion:
    """Members of the group who disagree write the minority opinion; it is versioned too."""
    lifecycle.check("minority_opinion", actor, recommendation, convention)
    cleaned = clean_fields({"minority_opinion": opinion}, partial=True)["minority_opinion"]
    if cleaned == recommendation.minority_opinion:
        raise InvalidInput(_l("Aucune modification à enregistrer."), field="minority_opinion")
    recommendation.minority_opinion = cleaned
    return new_version(recommendation, actor, str(_l("Avis minoritaire")))


# --- citizen ideas -------------------------------------------------------------------------


def post_idea(actor: User, convention: Convention, theme: Theme, title: str, body: str) -> Idea:
    """Registered residents with a confirmed email post ideas on a theme during deliberation."""
    if not actor.is_confirmed:
        raise NotAllowed(_l("Confirmez d'abord votre adresse électronique."))
    if convention.current_phase != PhaseKind.DELIBERATION:
        raise WrongPhase(_l("Les idées sont reçues pendant la phase de délibération."))
    if theme.convention_id != convention.id:
        raise InvalidInput(_l("Ce thème n'existe pas."), field="theme")
    title, body = title.strip(), body.strip()
    if not title:
        raise InvalidInput(_l("Donnez un titre à votre idée."), field="title")
    if len(title) > 200:
        raise InvalidInput(_l("Le titre dépasse %(n)d caractères.", n=200), field="title")
    if not body:
        raise InvalidInput(_l("Décrivez votre idée."), field="body")
    if len(body) > 5000:
        raise InvalidInput(_l("La description dépasse %(n)d caractères.", n=5000), field="body")
    idea = Idea(convention_id=convention.id, theme=theme, author=actor, title=title, body=body)
    db.session.add(idea)
    db.session.flush()
    return idea
