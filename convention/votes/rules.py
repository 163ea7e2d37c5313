"""The rules a convention sets for its votes: quorum, threshold, secrecy, ungraded judgments."""

from __future__ import annotations

from fractions import Fraction

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from convention.assembly.models import Convention
from convention.assembly.services import require_manager
from convention.audit.services import record
from convention.auth.models import User
from convention.errors import InvalidInput
from convention.extensions import db
from convention.ledger import services as ledger
from convention.votes.models import VoteRules

# The thresholds offered: "more than" this share of the counted votes must be for.
THRESHOLDS = {
    "1/2": _l("plus de la moitié"),
    "3/5": _l("plus des trois cinquièmes"),
    "2/3": _l("plus des deux tiers"),
    "3/4": _l("plus des trois quarts"),
}


def rules_for(convention: Convention) -> VoteRules:
    """The convention's rules, or the defaults (not saved) when staff never changed them."""
    rules = db.session.scalar(select(VoteRules).where(VoteRules.convention_id == convention.id))
    if rules is None:
        rules = VoteRules(
            convention_id=convention.id,
            quorum_percent=50,
            threshold_numerator=1,
            threshold_denominator=2,
            abstentions_count=False,
            secret=True,
            ungraded_as_reject=True,
            results_hidden_until_close=True,
        )
    return rules


def update_rules(
    actor: User,
    convention: Convention,
    *,
    quorum_percent: int,
    threshold: str,
    abstentions_count: bool,
    secret: bool,
    ungraded_as_reject: bool,
    results_hidden_until_close: bool,
    staff_may_judge: bool = False,
) -> VoteRules:
    """Staff set the rules; ballots already open keep the rules they opened with, and so
    does a consultation already open."""
    require_manager(actor, convention.id)
    if not 0 <= quorum_percent <= 100:
        raise InvalidInput(
            _l("Le quorum est un pourcentage entre 0 et 100."), field="quorum_percent"
        )
    if threshold not in THRESHOLDS:
        raise InvalidInput(_l("Seuil inconnu."), field="threshold")
    share = Fraction(threshold)
    rules = rules_for(convention)
    db.session.add(rules)
    rules.quorum_percent = quorum_percent
    rules.threshold_numerator, rules.threshold_denominator = share.numerator, share.denominator
    rules.abstentions_count = abstentions_count
    rules.secret = secret
    rules.ungraded_as_reject = ungraded_as_reject
    rules.results_hidden_until_close = results_hidden_until_close
    rules.staff_may_judge = staff_may_judge
    values = {
        "quorum_percent": quorum_percent,
        "threshold": threshold,
        "abstentions_count": abstentions_count,
        "secret": secret,
        "ungraded_as_reject": ungraded_as_reject,
        "results_hidden_until_close": results_hidden_until_close,
        "staff_may_judge": staff_may_judge,
    }
    record(actor, "vote_rules_updated", convention, **values)
    ledger.append("rules_set", values, convention_slug=convention.slug)
    return rules


def threshold_label(numerator: int, denominator: int) -> str:
    return str(THRESHOLDS.get(f"{numerator}/{denominator}", f"> {numerator}/{denominator}"))
