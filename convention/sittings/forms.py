"""Staff forms for the sessions, their agenda and the daily allowance (the attendance sheet is
one radio group per member, read by the view)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from convention.forms import REQUIRED, Form
from convention.sittings import allowances

DATE_HINT = _l("Date au format jj/mm/aaaa.")


def _max(n: int):
    return Length(max=n, message=_l("%(n)d caractères au plus.", n=n))


class SittingForm(Form):
    title = StringField(_l("Titre de la séance"), validators=[DataRequired(REQUIRED), _max(200)])
    starts_on = DateField(
        _l("Premier jour"),
        validators=[DataRequired(_l("Indiquez le premier jour de la séance."))],
        description=DATE_HINT,
    )
    ends_on = DateField(
        _l("Dernier jour"),
        validators=[Optional()],
        description=_l("Laissez vide pour une séance d'un seul jour. Date au format jj/mm/aaaa."),
    )
    place = StringField(_l("Lieu"), validators=[Optional(), _max(200)])

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("Le dernier jour ne peut pas précéder le premier."))


class AgendaItemForm(Form):
    """A point of the agenda; the choices are the convention's hearings and groups, 0 for
    none (set by the view)."""

    title = StringField(_l("Intitulé du point"), validators=[DataRequired(REQUIRED), _max(200)])
    hearing = SelectField(_l("Audition liée"), coerce=int)
    group = SelectField(_l("Groupe de travail concerné"), coerce=int)


class AllowanceForm(Form):
    daily_amount = StringField(
        _l("Indemnité par jour de présence, en euros"),
        validators=[DataRequired(_l("Indiquez un montant, 0 si aucune indemnité n'est versée."))],
        description=_l("Par exemple 86,50. Elle s'applique à toutes les séances."),
    )

    def validate_daily_amount(self, field):
        text = (field.data or "").strip()
        if text.startswith("-"):
            raise ValidationError(_l("Le montant ne peut pas être négatif."))
        try:
            allowances.cents_from_euros(text)
        except allowances.AllowanceError:
            raise ValidationError(
                _l(
                    "Saisissez un montant en euros, avec au plus deux décimales "
                    "et moins de dix millions : par exemple 86,50."
                )
            ) from None

    @property
    def daily_cents(self) -> int:
        return allowances.cents_from_euros((self.daily_amount.data or "").strip())
