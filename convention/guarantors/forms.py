"""Forms of the guarantors' pages: starting a ceremony and sending a file of the tool."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, SelectMultipleField, widgets
from wtforms.validators import InputRequired, NumberRange

from convention.forms import Form


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class StartCeremonyForm(Form):
    guarantors = CheckboxesField(
        _l("Garant·es qui tiennent la clé"),
        coerce=int,
        validate_choice=True,
        description=_l("Chacun·e reçoit un numéro, dans l'ordre de cette liste."),
    )
    threshold = IntegerField(
        _l("Nombre de garant·es nécessaires pour dépouiller"),
        validators=[InputRequired(_l("Indiquez le seuil.")), NumberRange(min=1, max=50)],
        description=_l(
            "Par exemple 3 sur 5 : trois garant·es ensemble dépouillent un vote ; deux ne "
            "peuvent rien déchiffrer, même d'accord entre eux."
        ),
    )


class ToolFileForm(Form):
    file = FileField(
        _l("Fichier produit par l'outil des garant·es"),
        validators=[FileRequired(_l("Choisissez le fichier à envoyer."))],
    )
