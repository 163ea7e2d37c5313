"""Form pieces shared by every feature."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

REQUIRED = _l("Ce champ est obligatoire.")


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, so every POST button is protected."""
