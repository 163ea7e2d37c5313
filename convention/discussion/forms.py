"""Discussion forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, RadioField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from convention.discussion.models import ReportReason, Stance
from convention.forms import REQUIRED, Form, SelectChoice

MARKDOWN_HINT = _l(
    "Mise en forme Markdown : *italique*, **gras**, listes, liens. Pour "
    "mentionner un membre : @prenom-n (son nom affiché)."
)


class CommentForm(Form):
    body = TextAreaField(
        _l("Votre commentaire"),
        validators=[DataRequired(REQUIRED), Length(max=5000)],
        description=MARKDOWN_HINT,
    )
    stance = RadioField(
        _l("Votre commentaire argumente"),
        choices=[SelectChoice(s.value) for s in Stance],
        default=Stance.NEUTRAL.value,
        validators=[DataRequired(_l("Choisissez pour, contre ou ni l'un ni l'autre."))],
    )
    parent_id = HiddenField()


class EditCommentForm(Form):
    body = TextAreaField(
        _l("Votre commentaire"),
        validators=[DataRequired(REQUIRED), Length(max=5000)],
        description=MARKDOWN_HINT,
    )


class ReportForm(Form):
    reason = RadioField(
        _l("Raison du signalement"),
        choices=[SelectChoice(r.value) for r in ReportReason],
        validators=[DataRequired(_l("Choisissez une raison."))],
    )
    details = TextAreaField(
        _l("Précisions"),
        validators=[Optional(), Length(max=500)],
        description=_l("Obligatoire pour « autre raison »."),
    )


class HideForm(Form):
    reason = TextAreaField(
        _l("Raison affichée publiquement"), validators=[DataRequired(REQUIRED), Length(max=300)]
    )


class SuspendForm(Form):
    days = IntegerField(
        _l("Durée en jours"),
        validators=[InputRequired(REQUIRED), NumberRange(1, 365, _l("Entre 1 et 365 jours."))],
    )
    reason = TextAreaField(_l("Raison"), validators=[DataRequired(REQUIRED), Length(max=300)])
