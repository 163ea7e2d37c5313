"""Forms for writing recommendations, amendments and ideas."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, Length, Optional

from convention.forms import REQUIRED, Form, SelectChoice
from convention.proposals.models import FIELD_LABELS, FIELD_LIMITS, Choice

MARKDOWN_HINT = _l(
    "Mise en forme Markdown : *italique*, **gras**, listes avec « - », liens [texte](https://…)."
)
FIELD_HINTS = {
    "title": _l("Une phrase courte qui dit ce que la convention recommande."),
    "evidence": _l("Citez aussi les auditions ci-dessous."),
    "minority_opinion": _l("Les membres en désaccord peuvent y exprimer leur position."),
}


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def _text_field(name: str, required: bool):
    validators: list[object] = [DataRequired(REQUIRED)] if required else [Optional()]
    validators.append(
        Length(
            max=FIELD_LIMITS[name], message=_l("%(n)d caractères au plus.", n=FIELD_LIMITS[name])
        )
    )
    hint = FIELD_HINTS.get(name, MARKDOWN_HINT if name != "title" else "")
    if name == "title":
        return StringField(FIELD_LABELS[name], validators=validators, description=hint)
    return TextAreaField(FIELD_LABELS[name], validators=validators, description=hint)


class _TextFields(Form):
    title = _text_field("title", True)
    problem = _text_field("problem", True)
    proposal = _text_field("proposal", True)
    impact = _text_field("impact", False)
    carried_by = _text_field("carried_by", False)
    cost = _text_field("cost", False)
    risks = _text_field("risks", False)
    evidence = _text_field("evidence", False)


class RecommendationForm(_TextFields):
    hearings = MultiCheckboxField(_l("Auditions citées"), coerce=int, validate_choice=True)
    note = StringField(
        _l("Résumé de la modification"),
        validators=[Optional(), Length(max=300)],
        description=_l("Facultatif : il apparaîtra dans l'historique."),
    )

    def text_values(self) -> dict[str, str]:
        return {
            name: getattr(self, name).data or ""
            for name in (
                "title",
                "problem",
                "proposal",
                "impact",
                "carried_by",
                "cost",
                "risks",
                "evidence",
            )
        }


class AmendmentForm(_TextFields):
    """The current text, to be changed where the amendment changes it."""

    minority_opinion = _text_field("minority_opinion", False)
    justification = TextAreaField(
        _l("Justification"),
        validators=[DataRequired(REQUIRED), Length(max=3000)],
        description=_l("Pourquoi le groupe devrait-il adopter ce changement ?"),
    )

    def text_values(self) -> dict[str, str]:
        return {
            name: getattr(self, name).data or ""
            for name in (
                "title",
                "problem",
                "proposal",
                "impact",
                "carried_by",
                "cost",
                "risks",
                "evidence",
                "minority_opinion",
            )
        }


class MinorityOpinionForm(Form):
    minority_opinion = TextAreaField(
        FIELD_LABELS["minority_opinion"],
        validators=[Length(max=FIELD_LIMITS["minority_opinion"])],
        description=MARKDOWN_HINT,
    )


class VoteForm(Form):
    choice = RadioField(
        _l("Votre vote"),
        choices=[SelectChoice(c.value) for c in Choice],
        validators=[DataRequired(_l("Choisissez pour, contre ou abstention."))],
    )


class WithdrawForm(Form):
    reason = TextAreaField(_l("Raison du retrait"), validators=[Optional(), Length(max=300)])


class InviteForm(Form):
    user = SelectField(
        _l("Membre du groupe à inviter"),
        coerce=int,
        validators=[DataRequired(_l("Choisissez un membre."))],
    )


class MergeForm(_TextFields):
    target = SelectField(
        _l("Fusionner dans la recommandation"),
        coerce=int,
        validators=[DataRequired(_l("Choisissez une recommandation."))],
    )
    note = StringField(_l("Résumé de la fusion"), validators=[Optional(), Length(max=300)])

    def text_values(self) -> dict[str, str]:
        return RecommendationForm.text_values(self)


class IdeaForm(Form):
    theme = SelectField(
        _l("Thème"), coerce=int, validators=[DataRequired(_l("Choisissez un thème."))]
    )
    title = StringField(_l("Titre de l'idée"), validators=[DataRequired(REQUIRED), Length(max=200)])
    body = TextAreaField(
        _l("Votre idée"),
        validators=[DataRequired(REQUIRED), Length(max=5000)],
        description=MARKDOWN_HINT,
    )
