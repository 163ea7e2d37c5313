"""« Vérifier le tirage »: a page that explains how anyone repeats a public draw, repeats it
from a published list and a seed, and hands out the script that does the same at home."""

from __future__ import annotations

from flask import Blueprint, Response, render_template
from flask_babel import gettext as _

from convention import sortition
from convention.assembly import services as assembly
from convention.config import PROJECT_ROOT
from convention.forms import filled
from convention.jobs import JobStatus
from convention.recruitment import services
from convention.recruitment.forms import VerifyDrawForm
from convention.recruitment.messages import describe

# The standard-library script: what the page computes, anyone can compute without the site.
SCRIPT = PROJECT_ROOT / "convention" / "sortition" / "standalone_verify.py"
# A list of 100,000 panels of 200 members is about 20 MB; the lists the site publishes are
# far smaller (1,000 panels by default).
MAX_LIST_BYTES = 32_000_000


def verify_draw():
    convention = assembly.current_convention()
    runs = [r for r in services.runs(convention) if r.status == JobStatus.DONE and r.drawn_at]
    form = VerifyDrawForm()
    outcome, problems = None, []
    if form.validate_on_submit():
        data = form.panel_list.data.read(MAX_LIST_BYTES + 1)
        if len(data) > MAX_LIST_BYTES:
            problems = [_("Ce fichier est bien plus grand qu'une liste de panels publiée.")]
        else:
            try:
                outcome = sortition.draw(data, filled(form.seed))
            except sortition.SortitionError as error:
                problems = [describe(p.code, p.params) for p in error.problems]
    return render_template(
        "recruitment/verify.html", runs=runs, form=form, outcome=outcome, problems=problems
    )


def script() -> Response:
    response = Response(SCRIPT.read_bytes(), mimetype="text/x-python")
    response.headers["Content-Disposition"] = 'attachment; filename="verifier-tirage.py"'
    return response


def register(public: Blueprint) -> None:
    public.add_url_rule(
        "/tirage/verifier", endpoint="verify", view_func=verify_draw, methods=["GET", "POST"]
    )
    public.add_url_rule("/tirage/verifier-tirage.py", endpoint="verify_script", view_func=script)
