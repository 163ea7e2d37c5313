"""The guarantors' count of secret ballots: the packets waiting for them, the packet file to
download, and the upload of their partial decryptions."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from convention.assembly import services as assembly
from convention.auth.access import current_viewer, is_manager
from convention.errors import NotAllowed
from convention.extensions import db
from convention.guarantors import services as guarantors
from convention.guarantors.forms import ToolFileForm
from convention.guarantors.views import read_upload
from convention.transaction import attempt
from convention.votes import counting, secret_ballots
from convention.votes.models import DecryptionPacket

bp = Blueprint("counting", __name__, url_prefix="/votes/depouillement")


def _packet(packet_id: int) -> DecryptionPacket:
    found = db.get_or_404(DecryptionPacket, packet_id)
    if found.convention_id != assembly.current_convention().id:
        abort(404)
    return found


def _place(packet: DecryptionPacket):
    return guarantors.place_of(current_viewer(), packet.ceremony)


@bp.route("/")
@login_required
def packets():
    convention = assembly.current_convention()
    me = current_viewer()
    waiting = secret_ballots.waiting_packets(convention)
    rows = []
    for packet in waiting:
        ceremony = packet.ceremony
        sent = {u.position for u in secret_ballots.uploads(packet)}
        rows.append(
            {
                "packet": packet,
                "ceremony": ceremony,
                "place": guarantors.place_of(me, ceremony),
                "sent": sent,
            }
        )
    if not is_manager(me) and not any(r["place"] for r in rows):
        current = guarantors.current(convention.id)
        if current is None or guarantors.place_of(me, current) is None:
            raise NotAllowed(_("Cette page est celle des garant·es et de l'équipe."))
    return render_template("votes/packets.html", rows=rows, form=ToolFileForm())


@bp.route("/<int:packet_id>/paquet.json")
@login_required
def download(packet_id: int):
    found = _packet(packet_id)
    if _place(found) is None and not is_manager(current_viewer()):
        abort(403)
    response = Response(found.body, mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="paquet-{found.id}.json"'
    return response


@bp.route("/<int:packet_id>/envoyer", methods=["POST"])
@login_required
def upload(packet_id: int):
    found = _packet(packet_id)
    form = ToolFileForm()
    if not form.validate_on_submit():
        for error in form.file.errors:
            flash(error, "error")
        return redirect(url_for("counting.packets"))
    with attempt() as outcome:
        published = counting.upload(current_user, found, read_upload(form))
    if outcome.ok:
        if published:
            flash(
                _(
                    "Le dépouillement est terminé : les résultats sont publiés, scellés et "
                    "inscrits au registre public."
                ),
                "success",
            )
            if len(found.ballots) == 1:
                return redirect(url_for("votes.ballot", ballot_id=found.ballots[0].id))
            return redirect(url_for("votes.index"))
        flash(
            _(
                "Votre déchiffrement partiel est vérifié et enregistré. Le résultat sera "
                "publié quand le nombre nécessaire de garant·es aura envoyé le sien."
            ),
            "success",
        )
    return redirect(url_for("counting.packets"))
