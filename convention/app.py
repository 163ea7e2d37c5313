"""The application factory: `create_app` and what it registers (extensions, blueprints,
template helpers, error handlers, commands)."""
from __future__ import annotations

from flask import Flask, flash, has_request_context, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine

from convention import cli, i18n
from convention.assembly import staff_views
from convention.assembly import views as assembly_views
from convention.auth import views as auth_views
from convention.auth.access import is_manager
from convention.discussion.services import is_moderator
from convention.auth.models import User
from convention.discussion import views as discussion_views
from convention.markdown import render_markdown
from convention.proposals import idea_views, member_views
from convention.proposals import views as proposals_views
from convention.publication import staff_views as publication_staff_views
from convention.publication import views as publication_views
from convention.recruitment import views as recruitment_views
from convention.config import INSTANCE_DIR, PROJECT_ROOT, BaseConfig, settings_from_env
from convention.errors import register_error_handlers
from convention.extensions import babel, csrf, db, limiter, login_manager, migrate
from convention.forms import EmptyForm
from convention.security import register_security_headers
from convention.votes import consultation_views
from convention.votes import views as votes_views


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
    register_extensions(app)
    register_blueprints(app)
    register_template_helpers(app)
    register_error_handlers(app)
    register_security_headers(app)
    cli.register_commands(app)
    return app


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


def register_blueprints(app: Flask) -> None:
    app.register_blueprint(assembly_views.bp)
    app.register_blueprint(auth_views.bp)
    app.register_blueprint(staff_views.bp)
    app.register_blueprint(proposals_views.bp)
    app.register_blueprint(member_views.bp)
    app.register_blueprint(idea_views.bp)
    app.register_blueprint(discussion_views.bp)
    app.register_blueprint(publication_views.bp)
    app.register_blueprint(publication_staff_views.bp)
    app.register_blueprint(recruitment_views.bp)
    app.register_blueprint(recruitment_views.staff)
    app.register_blueprint(votes_views.bp)
    app.register_blueprint(consultation_views.bp)
    app.register_blueprint(i18n.bp)


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters["paris_datetime"] = i18n.paris_datetime
    app.jinja_env.filters["paris_date"] = i18n.paris_date
    app.jinja_env.filters["file_size"] = i18n.file_size
    app.jinja_env.filters["markdown"] = render_markdown

    @app.context_processor
    def layout_values():
        return {
            "current_locale": i18n.select_locale(),
            "is_manager": is_manager(current_user),
            "is_moderator": is_moderator(current_user),
            # Only signed-in people see POST buttons in the layout; visitors get no session cookie.
            "post_form": EmptyForm() if has_request_context()
            and current_user.is_authenticated else None,
        }
