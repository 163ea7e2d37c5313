"""The personal signed link that lets a drawn volunteer answer their invitation themselves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from convention.auth.services import ExpiredToken, InvalidToken
from convention.clock import utcnow
from convention.extensions import db
from convention.recruitment.models import Invitation

# A salt of its own: a link signed for another purpose (reset, confirmation) is refused here.
INVITATION_SALT = "recruitment.invitation"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=INVITATION_SALT)


def invitation_token(invitation: Invitation) -> str:
    """The token of an invitation's link; it names the person too, so a link stays tied to
    the volunteer it was made for."""
    return _serializer().dumps({"inv": invitation.id, "p": invitation.person_id})


@dataclass(frozen=True)
class Link:
    """What a genuine link says: its invitation, and until when it could be used."""

    invitation: Invitation
    expires_at: datetime

    @property
    def expired(self) -> bool:
        return utcnow() >= self.expires_at


def read_link(token: str) -> Link:
    """The invitation a genuine link names, even when the link is too old: an old link still
    says whose it is, so the page can tell its owner what to do. A forged or altered link, or
    one signed for another purpose, raises InvalidToken."""
    try:
        data, signed_at = _serializer().loads(token, return_timestamp=True)
    except BadSignature:
        raise InvalidToken() from None
    if not isinstance(data, dict) or not isinstance(data.get("inv"), int):
        raise InvalidToken()
    invitation = db.session.get(Invitation, data["inv"])
    if invitation is None or invitation.person_id != data.get("p"):
        raise InvalidToken()
    days = current_app.config["INVITATION_MAX_AGE_DAYS"]
    return Link(invitation, signed_at + timedelta(days=days))


def invitation_from_token(token: str) -> Invitation:
    """The invitation a link answers, while the link is younger than INVITATION_MAX_AGE_DAYS.
    Whether it is still unanswered is the caller's question (a second click is not an error
    of the link)."""
    link = read_link(token)
    if link.expired:
        raise ExpiredToken()
    return link.invitation
