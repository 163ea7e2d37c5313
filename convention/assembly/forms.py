"""Staff forms for setting up the convention."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from convention.forms import REQUIRED, Form


def _max(n: int):
    return Length(max=n, message=_l("%(n)d caractères au plus.", n=n))


class ConventionForm(Form):
    title = StringField(_l("Titre"), validators=[DataRequired(REQUIRED), _max(200)])
    question = StringField(
        _l("Question posée à la convention"), validators=[DataRequired(REQUIRED), _max(300)]
    )
    authority = StringField(_l("Collectivité"), validators=[Optional(), _max(200)])
    description = TextAreaField(_l("Présentation"), validators=[Optional(), _max(10000)])


class NewConventionForm(ConventionForm):
    slug = StringField(
        _l("Adresse de la convention"),
        validators=[Optional(), _max(60)],
        description=_l(
            "Elle apparaît dans les liens : /c/adresse/. Lettres minuscules, chiffres et tirets ; "
            "laissez vide pour la tirer du titre."
        ),
    )


class AppointForm(Form):
    email = StringField(
        _l("Adresse électronique de la personne"),
        validators=[DataRequired(REQUIRED), _max(254)],
        description=_l("La personne doit déjà avoir un compte sur le site."),
    )
    role = SelectField(_l("Rôle dans cette convention"))


class ThemeForm(Form):
    name = StringField(_l("Nom du thème"), validators=[DataRequired(REQUIRED), _max(120)])
    description = TextAreaField(_l("Description"), validators=[Optional(), _max(2000)])


class GroupForm(Form):
    name = StringField(_l("Nom du groupe"), validators=[DataRequired(REQUIRED), _max(120)])
    theme = SelectField(_l("Thème"), coerce=int)
    facilitator = SelectField(_l("Animateur·rice"), coerce=int)


class AddMemberForm(Form):
    user = SelectField(
        _l("Membre à ajouter"), coerce=int, validators=[DataRequired(_l("Choisissez un membre."))]
    )


class PhaseDatesForm(Form):
    starts_on = DateField(
        _l("Début"), validators=[Optional()], description=_l("Date au format jj/mm/aaaa.")
    )
    ends_on = DateField(
        _l("Fin"), validators=[Optional()], description=_l("Date au format jj/mm/aaaa.")
    )

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("La fin ne peut pas précéder le début."))


class HearingForm(Form):
    title = StringField(_l("Titre de l'audition"), validators=[DataRequired(REQUIRED), _max(200)])
    expert = StringField(_l("Personne auditionnée"), validators=[DataRequired(REQUIRED), _max(200)])
    expert_role = StringField(_l("Fonction ou organisme"), validators=[Optional(), _max(300)])
    held_on = DateField(_l("Date de l'audition"), validators=[DataRequired(REQUIRED)])
    summary = TextAreaField(
        _l("Résumé"),
        validators=[Optional(), _max(20000)],
        description=_l("Mise en forme Markdown possible."),
    )
    declared_interests = TextAreaField(
        _l("Liens d'intérêts déclarés"), validators=[Optional(), _max(5000)]
    )
    documents = TextAreaField(
        _l("Documents"),
        validators=[Optional(), _max(5000)],
        description=_l("Un document par ligne : « Titre | https://adresse »."),
    )


class CommuneForm(Form):
    name = StringField(_l("Nom de la commune"), validators=[DataRequired(REQUIRED), _max(80)])
    population = IntegerField(
        _l("Population"),
        validators=[
            InputRequired(REQUIRED),
            NumberRange(min=0, message=_l("La population ne peut pas être négative.")),
        ],
        description=_l("Nombre d'habitant·es, en chiffres et sans espace (par exemple 6921)."),
    )


class CommuneImportForm(Form):
    file = FileField(
        _l("Fichier des communes (CSV)"),
        validators=[FileRequired(_l("Choisissez le fichier des communes."))],
        description=_l(
            "Une première ligne « name,population », puis une commune par ligne. Virgules ou "
            "points-virgules ; UTF-8, avec ou sans BOM."
        ),
    )
