"""Staff forms for answers and follow-up; the members' assessment form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from convention.forms import REQUIRED, Form, SelectChoice
from convention.publication.models import AnswerKind


class AnswerForm(Form):
    kind = RadioField(
        _l("Réponse de la collectivité"),
        choices=[SelectChoice(k.value) for k in AnswerKind],
        validators=[DataRequired(_l("Choisissez le sens de la réponse."))],
    )
    service = StringField(
        _l("Service responsable"), validators=[DataRequired(REQUIRED), Length(max=200)]
    )
    public_text = TextAreaField(
        _l("Texte public de la réponse"), validators=[DataRequired(REQUIRED), Length(max=10000)]
    )
    reasons = TextAreaField(
        _l("Raisons"),
        validators=[Optional(), Length(max=10000)],
        description=_l("Obligatoires si la recommandation n'est pas retenue."),
    )
    due_on = DateField(
        _l("Échéance de l'étude"),
        validators=[Optional()],
        description=_l("Obligatoire si la recommandation est à l'étude."),
    )


class FollowUpForm(Form):
    happened_on = DateField(_l("Date"), validators=[DataRequired(REQUIRED)])
    progress = IntegerField(
        _l("Avancement (%)"),
        validators=[InputRequired(REQUIRED), NumberRange(0, 100, _l("Entre 0 et 100."))],
    )
    text = TextAreaField(
        _l("Où en est la mise en œuvre"), validators=[DataRequired(REQUIRED), Length(max=10000)]
    )
    links = TextAreaField(
        _l("Liens"),
        validators=[Optional(), Length(max=3000)],
        description=_l("Un lien par ligne : « Titre | https://adresse »."),
    )


class AssessmentForm(Form):
    grade = IntegerField(
        _l("Votre note de 0 à 10"),
        validators=[InputRequired(REQUIRED), NumberRange(0, 10, _l("La note va de 0 à 10."))],
    )
