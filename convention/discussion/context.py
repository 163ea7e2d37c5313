"""What a page needs to show the discussion of its recommendation, idea or hearing."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import gettext as _

from convention.assembly.models import Convention
from convention.auth.models import User
from convention.discussion import queries, services
from convention.discussion.forms import CommentForm
from convention.discussion.models import Stance, TargetKind
from convention.forms import EmptyForm
from convention.params import page_arg


def thread_context(
    convention: Convention, kind: TargetKind, target_id: int, viewer: User | None
) -> dict:
    thread = services.find_thread(kind, target_id)
    view = "colonnes" if request.args.get("vue") == "colonnes" else "conversation"
    sort = request.args.get("tri", "oldest")
    page = page_arg()
    context: dict[str, Any]  # a template's context: values of every kind
    context = {
        "kind": kind.value,
        "target_id": target_id,
        "view": view,
        "comment_form": CommentForm(formdata=None),
        "button": EmptyForm(),
        "is_moderator": services.is_moderator(viewer, convention.id),
        "following": services.is_following(viewer, thread),
        "members_only": bool(thread and thread.members_only),
        "can_reserve": services.is_moderator(viewer, convention.id)
        and convention.current_phase in services.MEMBERS_ONLY_PHASES,
    }
    if view == "colonnes":
        # Two columns side by side: half a page each, so the page stays as long as usual.
        half = queries.PER_PAGE // 2
        context["for_page"] = queries.load_page(thread, viewer, sort, page, Stance.FOR, half)
        context["against_page"] = queries.load_page(
            thread, viewer, sort, page, Stance.AGAINST, half
        )
        context["discussion"] = context["for_page"]
    else:
        context["discussion"] = queries.load_page(thread, viewer, sort, page)
    # Translated once for the page, not once per comment (the macro repeats them hundreds of
    # times on a long thread).
    context["labels"] = {
        "member": _("membre tiré·e au sort"),
        "argument": _("argument"),
        "stances": {s.value: s.label for s in Stance},
        "deleted": _("Commentaire supprimé par son auteur."),
        "history": _("Voir les versions précédentes"),
        "upvoted": _("Je soutiens"),
        "unupvote": _("— retirer mon soutien"),
        "upvote": _("Soutenir"),
        "report": _("Signaler"),
        "edit": _("Modifier"),
        "delete": _("Supprimer"),
        "reply": _("Répondre"),
        "your_reply": _("Votre réponse"),
        "post_reply": _("Publier la réponse"),
    }
    context["cannot_post"] = None
    if viewer is not None:
        try:
            services.check_can_post(viewer, thread)
        except services.NotAllowed as error:
            context["cannot_post"] = error.message
    return context
