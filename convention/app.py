"""The application factory: settings, extensions, the request's transaction, then each feature's
`init_app`, which registers what the feature brings (blueprints, commands, navigation entries,
trace sources, report contributions, page panels). A new feature is one more line in FEATURES."""

from __future__ import annotations

from types import ModuleType

from flask import Flask, flash, g, has_request_context, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from convention import (
    assembly,
    audit,
    auth,
    cli,
    demo,
    discussion,
    guarantors,
    i18n,
    jobs,
    ledger,
    params,
    proposals,
    publication,
    recruitment,
    registry,
    scope,
    sittings,
    transaction,
    votes,
)
from convention.auth.access import current_viewer, is_manager, viewer_role
from convention.auth.models import User
from convention.config import INSTANCE_DIR, PROJECT_ROOT, BaseConfig, settings_from_env
from convention.errors import register_error_handlers
from convention.extensions import babel, csrf, db, limiter, login_manager, migrate
from convention.forms import EmptyForm
from convention.markdown import render_markdown
from convention.security import register_security_headers

# In the layers' order, lowest first (see README, "Architecture").
FEATURES: tuple[ModuleType, ...] = (
    auth,
    audit,
    ledger,
    assembly,
    proposals,
    guarantors,
    discussion,
    votes,
    sittings,
    recruitment,
    publication,
    demo,
)


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application; no side effects (no schema change, no write)."""
    app = Flask(
        __package__,  # "convention", as when the factory lived in the package's __init__
        instance_path=str(INSTANCE_DIR),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_object(BaseConfig)
    if test_config is None:
        app.config.update(settings_from_env())
    else:
        app.config.update(test_config)
    register_proxies(app)
    register_extensions(app)
    params.init_app(app)  # before any route: a rule keeps the converters it was bound with
    register_error_handlers(app)
    register_security_headers(app)
    transaction.init_app(app)
    registry.init_app(app)
    scope.init_app(app)
    app.register_blueprint(i18n.bp)
    cli.init_app(app)
    jobs.init_app(app)
    for feature in FEATURES:
        feature.init_app(app)
    assembly.redirect_old_addresses(app)  # once every convention page is known
    register_template_helpers(app)
    return app


def register_proxies(app: Flask) -> None:
    """Behind PROXY_COUNT reverse proxies, the client's address (rate limits, the audit log) and
    scheme are those the proxies pass on; with none, those headers are ignored, since anyone
    could send them."""
    count = app.config["PROXY_COUNT"]
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)  # type: ignore[method-assign]


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(
        app,
        locale_selector=i18n.select_locale,
        default_translation_directories=str(PROJECT_ROOT / "convention" / "translations"),
    )
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        return db.session.get(User, int(user_id))

    @login_manager.unauthorized_handler
    def unauthorized():
        flash(_("Connectez-vous pour accéder à cette page."), "info")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite: enforce foreign keys, and let SQLAlchemy manage transactions (savepoints)."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection):
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN")


def verbatim(value: object) -> Markup:
    """A value to copy exactly (a draw's seed): shown as code, so French spacing leaves it
    as it is and a screen reader or a translation tool does not take it for a sentence."""
    return Markup("<code>%s</code>") % value


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters["paris_datetime"] = i18n.paris_datetime
    app.jinja_env.filters["paris_date"] = i18n.paris_date
    app.jinja_env.filters["file_size"] = i18n.file_size
    app.jinja_env.filters["number"] = i18n.number
    app.jinja_env.filters["percent"] = i18n.percent
    app.jinja_env.filters["code"] = verbatim
    app.jinja_env.filters["markdown"] = render_markdown

    @app.context_processor
    def layout_values():
        in_request = has_request_context()
        viewer = current_viewer() if in_request else None
        role = viewer_role(viewer) if viewer is not None else None
        found = registry.registry(app)
        return {
            "current_locale": i18n.select_locale(),
            "is_manager": is_manager(current_user) if in_request else False,
            # What the signed-in person is in the convention served (shown beside their name).
            "viewer_role": role,
            # The convention served, on its own pages (None on the site's pages).
            "site_convention": g.get("convention") if in_request else None,
            # The navigations, built from what the features registered.
            "public_navigation": found.links("public", viewer, role) if in_request else [],
            "staff_navigation": found.links("staff", viewer, role) if in_request else [],
            "footer_navigation": found.links("footer", viewer, role) if in_request else [],
            # Only signed-in people see POST buttons in the layout; visitors get no session cookie.
            "post_form": EmptyForm()
            if has_request_context() and current_user.is_authenticated
            else None,
        }
