"""Account pages: register, confirm, log in and out, reset a forgotten password."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from convention.auth import emails, services
from convention.auth.forms import ForgotPasswordForm, LoginForm, RegistrationForm, ResetPasswordForm
from convention.extensions import limiter
from convention.forms import EmptyForm, filled
from convention.params import same_site_path
from convention.transaction import after_commit, attempt

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only follow `next` to a path on this site (see `params.same_site_path`), else home."""
    return same_site_path(target) or url_for("site.home")


def _login_email_key() -> str:
    return "login:" + services.normalise_email(request.form.get("email", ""))


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _login_account_limit() -> str:
    return current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"]


def _sign_in_failed(response: Response) -> bool:
    """Only a refused sign-in counts against the limits: forty members signing in from the
    venue's one address must all get in."""
    return bool(g.get("sign_in_failed"))


@bp.route("/inscription", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("site.home"))
    form = RegistrationForm()
    form.commune.choices = [(0, _("— Choisissez —"))] + [
        (c.id, c.name) for c in services.list_communes()
    ]
    if form.validate_on_submit():
        with attempt(form, "email") as outcome:
            user = services.register(
                form.email.data,
                filled(form.display_name),
                services.get_commune(form.commune.data),
                filled(form.password),
            )
        if outcome.ok:
            after_commit(lambda: emails.send_confirmation(user))
            login_user(user)
            flash(
                _(
                    "Votre compte est créé. Un lien de confirmation a été envoyé à %(email)s.",
                    email=user.email,
                ),
                "success",
            )
            return redirect(url_for("site.home"))
    return render_template("auth/register.html", form=form)


@bp.route("/confirmer/<token>")
def confirm(token: str):
    with attempt() as outcome:
        user = services.confirm_email(token)
    if not outcome.ok:
        return redirect(url_for("auth.login"))
    flash(_("Votre adresse électronique %(email)s est confirmée.", email=user.email), "success")
    return redirect(url_for("site.home"))


@bp.post("/confirmer/renvoyer")
@login_required
def resend_confirmation():
    form = EmptyForm()
    if form.validate_on_submit() and not current_user.is_confirmed:
        emails.send_confirmation(current_user)
        flash(
            _(
                "Un nouveau lien de confirmation a été envoyé à %(email)s.",
                email=current_user.email,
            ),
            "success",
        )
    return redirect(url_for("site.home"))


@bp.route("/connexion", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_sign_in_failed)
@limiter.limit(
    _login_account_limit, methods=["POST"], key_func=_login_email_key, deduct_when=_sign_in_failed
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("site.home"))
    form = LoginForm()
    if form.validate_on_submit():
        with attempt(form, "password") as outcome:
            user = services.authenticate(form.email.data, filled(form.password))
        g.sign_in_failed = not outcome.ok
        if outcome.ok:
            login_user(user, remember=form.remember.data)
            flash(_("Vous êtes connecté·e."), "success")
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.post("/deconnexion")
def logout():
    form = EmptyForm()
    if form.validate_on_submit():
        logout_user()
        flash(_("Vous êtes déconnecté·e."), "success")
    return redirect(url_for("site.home"))


@bp.route("/mot-de-passe-oublie", methods=["GET", "POST"])
@limiter.limit("5 per minute;20 per hour", methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = services.find_by_email(form.email.data)
        if user is not None:
            emails.send_password_reset(user)
        # The same answer either way: the page must not reveal which addresses have an account.
        flash(
            _(
                "Si un compte existe pour %(email)s, un lien de réinitialisation vient d'y être "
                "envoyé. Il est valable deux heures.",
                email=form.email.data,
            ),
            "success",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/mot-de-passe/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    form = ResetPasswordForm()
    if form.validate_on_submit():
        # A password that breaks the rules is refused on its field; an expired or used link
        # (no field) is flashed, and the person is sent to ask for a new one.
        with attempt(form) as outcome:
            services.reset_password(token, form.password.data)
        if not outcome.ok and not form.password.errors:
            return redirect(url_for("auth.forgot_password"))
        if outcome.ok:
            flash(_("Votre mot de passe est changé. Vous pouvez vous connecter."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)
