"""Staff forms for the selection and the draw."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, EmailField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from convention.forms import REQUIRED, Form, SelectChoice


class ImportForm(Form):
    pool = FileField(
        _l("Vivier des volontaires (CSV)"),
        validators=[FileRequired(_l("Choisissez le fichier du vivier."))],
        description=_l(
            "Une colonne id, une colonne par caractéristique, et "
            "facultativement une colonne address (une personne par "
            "foyer)."
        ),
    )
    quotas = FileField(
        _l("Quotas (CSV)"),
        validators=[FileRequired(_l("Choisissez le fichier des quotas."))],
        description=_l(
            "Colonnes feature, value, min, max, et facultativement "
            "target (part dans la population)."
        ),
    )
    k = IntegerField(
        _l("Taille du panel"),
        validators=[InputRequired(REQUIRED), NumberRange(1, 10000, _l("Au moins 1."))],
    )
    algorithm = SelectField(
        _l("Méthode"),
        choices=[
            SelectChoice("leximin", "LEXIMIN"),
            SelectChoice("maximin", "MAXIMIN"),
            SelectChoice("legacy", "LEGACY"),
        ],
        default="leximin",
        description=_l(
            "LEXIMIN (recommandée) rend les chances aussi égales que les quotas le "
            "permettent ; MAXIMIN est plus rapide avec la même chance minimale ; "
            "LEGACY est la méthode ancienne, pour comparaison."
        ),
    )
    panels = IntegerField(
        _l("Nombre de panels de la loterie publique"),
        default=1000,
        validators=[InputRequired(REQUIRED), NumberRange(1, 100000, _l("Entre 1 et 100 000."))],
    )


class SeedForm(Form):
    seed = StringField(
        _l("Graine tirée en public"),
        validators=[DataRequired(REQUIRED), Length(max=200)],
        description=_l(
            "Par exemple les chiffres de dés lancés pendant la cérémonie, séparés par des espaces."
        ),
    )


class VerifyDrawForm(Form):
    panel_list = FileField(
        _l("Liste des panels (le fichier CSV publié)"),
        validators=[FileRequired(_l("Choisissez le fichier de la liste des panels."))],
        description=_l("Le fichier téléchargé depuis la page du tirage, tel quel."),
    )
    seed = StringField(
        _l("Graine tirée en public"),
        validators=[DataRequired(REQUIRED), Length(max=200)],
        description=_l("Telle qu'elle a été annoncée, par exemple « 3 6 1 4 2 »."),
    )


class AnswerForm(Form):
    accepted = BooleanField(_l("A accepté"))
    name = StringField(_l("Nom"), validators=[Optional(), Length(max=80)])
    email = EmailField(_l("Adresse électronique"), validators=[Optional(), Length(max=254)])
    group = SelectField(_l("Groupe de travail"), coerce=int)


class ContactForm(Form):
    """The private email of one person drawn."""

    email = EmailField(
        _l("Adresse électronique"),
        validators=[DataRequired(REQUIRED), Length(max=254)],
    )


class ContactsUploadForm(Form):
    file = FileField(
        _l("Adresses des personnes tirées (CSV)"),
        validators=[FileRequired(_l("Choisissez le fichier des adresses."))],
        description=_l(
            "Deux colonnes : person_id (l'identifiant du vivier) et email. Une ligne fausse "
            "et rien n'est importé ; chaque problème est indiqué avec son numéro de ligne."
        ),
    )


class InvitationAnswerForm(Form):
    """The answer of a person drawn, through their link; their name only when accepting
    makes their account."""

    name = StringField(
        _l("Votre nom, tel que les autres membres le verront"),
        validators=[Optional(), Length(max=80)],
    )
