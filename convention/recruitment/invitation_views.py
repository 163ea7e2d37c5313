"""Reaching the people drawn: staff give their emails, send the invitations and reminders; the
person answers on the public page their personal link opens (no account needed).

The routes are added to the feature's two blueprints by `register` (called by `views`)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from convention.assembly import services as assembly
from convention.auth.services import InvalidToken
from convention.forms import EmptyForm, filled
from convention.recruitment import contacts, emails, invitations, links, services
from convention.recruitment.forms import ContactForm, ContactsUploadForm, InvitationAnswerForm
from convention.recruitment.models import AnswerChannel, Invitation, InvitationStatus, SortitionRun
from convention.transaction import attempt


def _run_or_404(run_id: int) -> SortitionRun:
    found = services.run_of(assembly.current_convention(), run_id)
    if found is None:
        abort(404)
    return found


def _invitation_or_404(run: SortitionRun, invitation_id: int) -> Invitation:
    found = next((i for i in run.invitations if i.id == invitation_id), None)
    if found is None:
        abort(404)
    return found


def _back_to_answers(run: SortitionRun):
    return redirect(url_for("recruitment_staff.run", run_id=run.id) + "#invitations")


# --- staff ---------------------------------------------------------------------------------


def contact(run_id: int, invitation_id: int):
    """Give or correct one person's email (private: staff pages only)."""
    found = _run_or_404(run_id)
    invitation = _invitation_or_404(found, invitation_id)
    form = ContactForm()
    if form.validate_on_submit():
        with attempt() as outcome:
            contacts.set_email(current_user, invitation, filled(form.email))
        if outcome.ok:
            flash(_("Adresse enregistrée pour %(who)s.", who=invitation.pseudonym), "success")
    else:
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
    return _back_to_answers(found)


def upload_contacts(run_id: int):
    """The emails of the people drawn from a `person_id,email` file: all or nothing."""
    found = _run_or_404(run_id)
    form = ContactsUploadForm()
    problems: list[str] = []
    if form.validate_on_submit():
        with attempt(form) as outcome:
            count = contacts.import_contacts(current_user, found, form.file.data.read())
        if isinstance(outcome.error, contacts.ContactProblems):
            problems = outcome.error.problems
        if outcome.ok:
            flash(
                ngettext("%(num)d adresse importée.", "%(num)d adresses importées.", count),
                "success",
            )
            return _back_to_answers(found)
    return render_template("recruitment/contacts.html", run=found, form=form, problems=problems)


def send(run_id: int):
    """Confirm, then send the invitation to each person with an email who has none yet."""
    found = _run_or_404(run_id)
    form = EmptyForm()
    if form.validate_on_submit():
        convention = assembly.current_convention()
        with attempt() as outcome:
            sent = invitations.send_invitations(current_user, found)
        if outcome.ok:
            dates = invitations.session_dates(convention)
            for invitation in sent:
                emails.invitation_after_commit(invitation, convention, dates)
            flash(
                ngettext("%(num)d invitation envoyée.", "%(num)d invitations envoyées.", len(sent)),
                "success",
            )
        return _back_to_answers(found)
    waiting = [i for i in found.invitations if i.status == InvitationStatus.INVITED]
    return render_template(
        "recruitment/confirm_send.html",
        run=found,
        form=form,
        count=len(invitations.to_invite(found)),
        without_email=sum(1 for i in waiting if not i.email),
    )


def resend(run_id: int, invitation_id: int):
    """Send one person's invitation again, with a new link (a reminder, in the audit log)."""
    found = _run_or_404(run_id)
    invitation = _invitation_or_404(found, invitation_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    convention = assembly.current_convention()
    with attempt() as outcome:
        invitations.resend(current_user, invitation)
    if outcome.ok:
        emails.invitation_after_commit(
            invitation, convention, invitations.session_dates(convention), reminder=True
        )
        flash(_("Invitation renvoyée à %(who)s.", who=invitation.pseudonym), "success")
    return _back_to_answers(found)


# --- the personal link ---------------------------------------------------------------------


def invitation(token: str):
    """The page a personal link opens: the invitation and two buttons, or why the link no
    longer answers (expired, already used, answered by phone, not a genuine link)."""
    convention = assembly.current_convention()
    try:
        link = links.read_link(token)
    except InvalidToken:
        link = None
    if link is None or link.invitation.run.convention_id != convention.id:
        return render_template("recruitment/invitation_invalid.html", convention=convention), 404
    found = link.invitation
    if found.status != InvitationStatus.INVITED:
        return _answered(found, convention, second_use=request.method == "POST")
    if link.expired:
        return render_template(
            "recruitment/invitation_expired.html", convention=convention, link=link
        ), 410
    form = InvitationAnswerForm()
    if form.validate_on_submit():
        decision = request.form.get("decision")
        if decision not in ("accepter", "decliner"):
            abort(400)
        with attempt(form) as outcome:
            if decision == "accepter":
                member, group = invitations.accept_by_link(found, form.name.data or "")
            else:
                invitations.decline_by_link(found)
        if isinstance(outcome.error, services.AlreadyAnswered):
            return _answered(found, convention, second_use=True)
        if outcome.ok:
            if decision == "accepter":
                emails.welcome_after_commit(member, convention, group)
                flash(_("Merci ! Bienvenue dans la convention."), "success")
            else:
                flash(_("Merci d'avoir répondu. Votre place sera proposée à une autre personne."))
            return redirect(url_for("recruitment.invitation", token=token))
    return render_template(
        "recruitment/invitation.html",
        convention=convention,
        dates=invitations.session_dates(convention),
        link=link,
        token=token,
        form=form,
        needs_name=not invitations.account_exists(found),
    )


def _answered(found: Invitation, convention, *, second_use: bool):
    """The answer already given and when; a second answer changes nothing (409)."""
    page = render_template(
        "recruitment/invitation_answered.html",
        convention=convention,
        invitation=found,
        accepted=found.status == InvitationStatus.ACCEPTED,
        by_phone=found.answered_by == AnswerChannel.PHONE,
        second_use=second_use,
    )
    return page, 409 if second_use else 200


def register(public: Blueprint, staff: Blueprint) -> None:
    """Add these pages to the feature's public and staff blueprints."""
    public.add_url_rule("/invitation/<token>", view_func=invitation, methods=["GET", "POST"])
    staff.add_url_rule(
        "/<int:run_id>/invitations/<int:invitation_id>/adresse",
        view_func=contact,
        methods=["POST"],
    )
    staff.add_url_rule(
        "/<int:run_id>/adresses",
        endpoint="contacts",
        view_func=upload_contacts,
        methods=["GET", "POST"],
    )
    staff.add_url_rule("/<int:run_id>/envoi", view_func=send, methods=["GET", "POST"])
    staff.add_url_rule(
        "/<int:run_id>/invitations/<int:invitation_id>/relance",
        view_func=resend,
        methods=["POST"],
    )
