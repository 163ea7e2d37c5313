"""The journal's filter, read from the address so a filtered view can be linked and exported."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField
from wtforms.validators import Optional, ValidationError

from convention.forms import Form


class JournalFilterForm(Form):
    family = SelectField(_l("Type d'action"), validators=[Optional()])
    actor = SelectField(_l("Personne"), validators=[Optional()])
    since = DateField(_l("Du"), validators=[Optional()])
    until = DateField(_l("Au"), validators=[Optional()])

    def validate_until(self, field: DateField) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("La date de fin précède la date de début."))
