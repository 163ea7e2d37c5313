"""The personal signed link that lets a drawn volunteer answer their invitation themselves."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from convention.auth.services import ExpiredToken, InvalidToken
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


def invitation_from_token(token: str) -> Invitation:
    """The invitation a link answers, while the link is younger than INVITATION_MAX_AGE_DAYS.
    Whether it is still unanswered is the caller's question (a second click is not an error
    of the link)."""
    max_age = current_app.config["INVITATION_MAX_AGE_DAYS"] * 24 * 3600
    try:
        data = _serializer().loads(token, max_age=max_age)
    except SignatureExpired:
        raise ExpiredToken() from None
    except BadSignature:
        raise InvalidToken() from None
    if not isinstance(data, dict) or not isinstance(data.get("inv"), int):
        raise InvalidToken()
    invitation = db.session.get(Invitation, data["inv"])
    if invitation is None or invitation.person_id != data.get("p"):
        raise InvalidToken()
    return invitation
