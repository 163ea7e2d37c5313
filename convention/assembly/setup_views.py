"""The guided set-up of a convention: a checklist of its steps, and the people who hold a role
in it (staff, facilitators, guarantors). The convention itself is created on the site's pages
(`site.create`)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from convention.assembly import services, setup
from convention.assembly.forms import AppointForm
from convention.auth.access import is_administrator, staff_required
from convention.auth.models import Role, User
from convention.auth.services import find_by_email
from convention.errors import InvalidInput
from convention.extensions import db
from convention.forms import EmptyForm, filled
from convention.transaction import attempt

bp = Blueprint("setup", __name__, url_prefix="/gestion/mise-en-place")

#: The roles staff give on the people page (members come from the draw, or the groups page),
#: with the heading of their list.
APPOINTED = {
    Role.STAFF: _l("Équipe de la collectivité"),
    Role.FACILITATOR: _l("Animation"),
    Role.GUARANTOR: _l("Garant·es"),
}


@bp.before_request
@staff_required
def only_staff():
    """Staff of the convention and administrators."""


@bp.route("/")
def index():
    convention = services.current_convention()
    return render_template(
        "staff/setup.html",
        convention=convention,
        steps=setup.checklist(convention),
        # The communes are the whole site's: staff who are not administrators only read them.
        manages_communes=is_administrator(current_user),
    )


@bp.route("/personnes", methods=["GET", "POST"])
def people():
    convention = services.current_convention()
    form = AppointForm()
    form.role.choices = [(r.value, r.label) for r in APPOINTED]
    if form.validate_on_submit():
        with attempt(form, "email") as outcome:
            person = find_by_email(filled(form.email))
            if person is None:
                raise InvalidInput(
                    _l(
                        "Aucun compte n'a cette adresse : la personne crée d'abord son compte "
                        "(« Créer un compte »), puis vous lui donnez son rôle ici."
                    ),
                    field="email",
                )
            role = Role(form.role.data)
            services.appoint(current_user, convention, person, role)
        if outcome.ok:
            flash(
                _("%(name)s est désormais %(role)s.", name=person.display_name, role=role.label),
                "success",
            )
            return redirect(url_for("setup.people"))
    return render_template(
        "staff/people.html",
        form=form,
        button=EmptyForm(),
        holders=[
            (role, heading, services.people_in_role(convention, role))
            for role, heading in APPOINTED.items()
        ],
    )


@bp.route("/personnes/<int:user_id>/retirer", methods=["POST"])
def dismiss(user_id: int):
    convention = services.current_convention()
    person = db.get_or_404(User, user_id)
    if EmptyForm().validate_on_submit():
        with attempt() as outcome:
            services.dismiss(current_user, convention, person)
        if outcome.ok:
            flash(
                _("%(name)s n'a plus de rôle dans cette convention.", name=person.display_name),
                "success",
            )
    return redirect(url_for("setup.people"))
