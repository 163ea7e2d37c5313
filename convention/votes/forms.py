"""Forms of the votes feature. The grading form is built from the recommendations on the page,
so it is parsed in the view (`grades_from`) rather than declared here."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    widgets,
)
from wtforms.validators import DataRequired, InputRequired, NumberRange

from convention.forms import REQUIRED, Form, SelectChoice
from convention.params import parse_int
from convention.votes.rules import THRESHOLDS

PARIS = ZoneInfo("Europe/Paris")
CHOICES = [
    SelectChoice("for", _l("Pour")),
    SelectChoice("against", _l("Contre")),
    SelectChoice("abstain", _l("Abstention")),
]
NOT_NEGATIVE = NumberRange(min=0, message=_l("Un nombre positif ou nul."))


def paris_to_utc(moment: datetime) -> datetime:
    """A date and time typed in Paris time, as an aware UTC datetime."""
    return moment.replace(tzinfo=PARIS).astimezone(UTC)


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class RulesForm(Form):
    quorum_percent = IntegerField(
        _l("Quorum (pourcentage des membres)"),
        validators=[InputRequired(REQUIRED), NumberRange(min=0, max=100)],
        description=_l(
            "Part des membres qui doivent prendre part au vote pour qu'il soit valable."
        ),
    )
    threshold = SelectField(
        _l("Seuil d'adoption"),
        choices=[SelectChoice(k, v) for k, v in THRESHOLDS.items()],
        description=_l("Part des voix « pour » nécessaire parmi les voix comptées."),
    )
    abstentions_count = BooleanField(_l("Compter les abstentions parmi les voix exprimées"))
    secret = BooleanField(
        _l("Vote secret des membres (sinon : vote nominatif, public après la clôture)")
    )
    ungraded_as_reject = BooleanField(
        _l(
            "Consultation : une recommandation laissée sans "
            "mention compte « À rejeter » (sinon : elle n'est "
            "pas comptée)"
        )
    )
    results_hidden_until_close = BooleanField(
        _l("Consultation : résultats cachés jusqu'à la clôture")
    )
    staff_may_judge = BooleanField(
        _l("Consultation : l'équipe de la collectivité peut aussi donner son avis"),
        description=_l(
            "Sinon, seuls les habitants inscrits dont l'adresse est confirmée jugent ; "
            "l'équipe, qui organise la consultation, n'y participe pas."
        ),
    )


class OpenBallotsForm(Form):
    recommendations = MultiCheckboxField(_l("Recommandations à mettre au vote"), coerce=int)
    closes_at = DateTimeLocalField(
        _l("Clôture du vote (heure de Paris)"),
        format="%Y-%m-%dT%H:%M",
        validators=[DataRequired(REQUIRED)],
        # Its description, an example date a week ahead, is set by the view at request time.
    )


class VoteForm(Form):
    choice = RadioField(
        _l("Votre vote"),
        choices=CHOICES,
        validators=[InputRequired(_l("Choisissez pour, contre ou abstention."))],
    )
    # Set by the confirmation page of a secret vote, which is final.
    confirmed = HiddenField()


class PaperForm(Form):
    votes_for = IntegerField(_l("Pour"), validators=[InputRequired(REQUIRED), NOT_NEGATIVE])
    votes_against = IntegerField(_l("Contre"), validators=[InputRequired(REQUIRED), NOT_NEGATIVE])
    votes_abstain = IntegerField(
        _l("Abstention"), validators=[InputRequired(REQUIRED), NOT_NEGATIVE]
    )


class OpenConsultationForm(Form):
    closes_at = DateTimeLocalField(
        _l("Clôture de la consultation (heure de Paris)"),
        format="%Y-%m-%dT%H:%M",
        validators=[DataRequired(REQUIRED)],
    )


def grades_from(
    form_data, recommendation_ids: list[int]
) -> tuple[dict[int, int | None], dict[int, str]]:
    """Read `rec_<id>` radio values: a grade 0–6 or "" for "no grade"; collect bad values."""
    grades: dict[int, int | None] = {}
    errors: dict[int, str] = {}
    for rec_id in recommendation_ids:
        raw = form_data.get(f"rec_{rec_id}", "")
        grade = parse_int(raw, minimum=0, maximum=6)
        if raw == "":
            grades[rec_id] = None
        elif grade is not None:
            grades[rec_id] = grade
        else:
            errors[rec_id] = str(_l("Mention inconnue : choisissez une des sept mentions."))
    return grades, errors


class VerifyExportForm(Form):
    export = FileField(
        _l("Export du scrutin ou de la consultation (JSON)"),
        validators=[FileRequired(_l("Choisissez le fichier de l'export."))],
        description=_l("Le fichier « export.json » téléchargé depuis la page du scrutin."),
    )
