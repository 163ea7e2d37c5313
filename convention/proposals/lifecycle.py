"""Who may change a recommendation's status, from which status, and in which phase.

Every status change goes through `check`; the table below is the only place the rules live.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from convention.assembly.models import Convention, PhaseKind
from convention.auth.models import User
from convention.errors import ConventionError, NotAllowed, WrongPhase
from convention.proposals.models import Recommendation, Status


class InvalidTransition(ConventionError):
    message = _l("Cette action n'est pas possible pour une recommandation dans cet état.")


@dataclass(frozen=True)
class Rule:
    """An action allowed from `sources`, by people with one of `who`, during `phases`."""

    sources: frozenset[Status]
    phases: frozenset[PhaseKind]
    who: frozenset[str]
    target: Status | None = None


def _rule(sources, phases, who, target=None) -> Rule:
    return Rule(frozenset(sources), frozenset(phases), frozenset(who), target)


D, P, S = Status.DRAFT, Status.PUBLISHED, Status.SUBMITTED
DELIBERATION = {PhaseKind.DELIBERATION}

# "author" means the author or an accepted co-author; "member" any member of the group;
# "facilitator" the group's facilitator; "staff" staff and administrators.
RULES: dict[str, Rule] = {
    "revise": _rule({D}, DELIBERATION, {"author"}),
    "invite_coauthor": _rule({D, P}, DELIBERATION, {"author"}),
    "publish": _rule({D}, DELIBERATION, {"author", "facilitator"}, P),
    "amend": _rule({P}, DELIBERATION, {"member"}),
    "decide_amendment": _rule({P}, DELIBERATION, {"facilitator", "staff"}),
    "minority_opinion": _rule({P, S}, {PhaseKind.DELIBERATION, PhaseKind.MEMBERS_VOTE}, {"member"}),
    "cite": _rule({D}, DELIBERATION, {"author"}),
    "submit": _rule(
        {P}, {PhaseKind.DELIBERATION, PhaseKind.MEMBERS_VOTE}, {"facilitator", "staff"}, S
    ),
    "withdraw": _rule({D, P}, DELIBERATION, {"author", "facilitator"}, Status.WITHDRAWN),
    "merge": _rule({P}, DELIBERATION, {"facilitator", "staff"}, Status.MERGED),
    # The members' vote (votes feature) records its result through these two.
    "adopt": _rule({S}, {PhaseKind.MEMBERS_VOTE}, {"facilitator", "staff"}, Status.ADOPTED),
    "reject": _rule({S}, {PhaseKind.MEMBERS_VOTE}, {"facilitator", "staff"}, Status.REJECTED),
}


def relations(actor: User | None, recommendation: Recommendation) -> set[str]:
    """How `actor` stands towards the recommendation."""
    if actor is None or not getattr(actor, "is_authenticated", True):
        return set()
    found = set()
    group = recommendation.group
    if recommendation.is_author(actor):
        found.add("author")
    if any(m.user_id == actor.id for m in group.memberships):
        found.add("member")
    if group.facilitator_id == actor.id:
        found.add("facilitator")
    if actor.manages(recommendation.convention_id):
        found.add("staff")
    return found


def check(
    action: str, actor: User | None, recommendation: Recommendation, convention: Convention
) -> Rule:
    """Raise the reason `actor` may not do `action` now; return the rule otherwise."""
    rule = RULES[action]
    if not relations(actor, recommendation) & rule.who:
        raise NotAllowed()
    if recommendation.status not in rule.sources:
        raise InvalidTransition(
            _l(
                "Impossible : la recommandation %(ref)s est « %(status)s ».",
                ref=recommendation.reference,
                status=recommendation.status.label,
            )
        )
    if convention.current_phase not in rule.phases:
        raise WrongPhase()
    return rule


def allowed(
    action: str, actor: User | None, recommendation: Recommendation, convention: Convention
) -> bool:
    """For templates: whether to offer the action's button."""
    try:
        check(action, actor, recommendation, convention)
    except ConventionError:
        return False
    return True
