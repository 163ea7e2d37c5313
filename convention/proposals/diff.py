"""Word-level differences between two versions, readable without colour.

Deleted words are struck through inside <del>, added words underlined inside <ins>, and each
change carries visually hidden words ("début de suppression"…) because screen readers do not
announce <del> and <ins> by themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from flask_babel import gettext as _
from markupsafe import Markup, escape

from convention.proposals.models import FIELD_LABELS, TEXT_FIELDS, RecommendationText

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


@dataclass
class FieldDiff:
    name: str
    label: str
    changed: bool
    inline: Markup
    before: Markup
    after: Markup


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text or "")


def _mark(kind: str, words: str) -> Markup:
    if kind == "del":
        start, end = _("[début de suppression]"), _("[fin de suppression]")
    else:
        start, end = _("[début d'ajout]"), _("[fin d'ajout]")
    return Markup(
        '<{k}><span class="visually-hidden">{s} </span>{w}'
        '<span class="visually-hidden"> {e}</span></{k}>'
    ).format(k=Markup(kind), s=start, w=words, e=end)


def word_diff(old: str, new: str) -> tuple[Markup, Markup, Markup]:
    """(inline, before, after) HTML of the change from `old` to `new`, word by word."""
    a, b = _tokens(old), _tokens(new)
    inline, before, after = [], [], []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        removed, added = "".join(a[i1:i2]), "".join(b[j1:j2])
        if op == "equal":
            same = escape(removed)
            inline.append(same)
            before.append(same)
            after.append(same)
            continue
        if removed:
            inline.append(_mark("del", escape(removed)))
            before.append(_mark("del", escape(removed)))
        if added:
            inline.append(_mark("ins", escape(added)))
            after.append(_mark("ins", escape(added)))
    return Markup("").join(inline), Markup("").join(before), Markup("").join(after)


def compare(old: RecommendationText, new: RecommendationText) -> list[FieldDiff]:
    result = []
    for name in TEXT_FIELDS:
        a, b = getattr(old, name) or "", getattr(new, name) or ""
        inline, before, after = word_diff(a, b)
        result.append(FieldDiff(name, str(FIELD_LABELS[name]), a != b, inline, before, after))
    return result


def compare_changes(base: RecommendationText, changes: dict[str, str]) -> list[FieldDiff]:
    """The diff an amendment proposes, field by field, against its base version."""
    result = []
    for name in TEXT_FIELDS:
        if name not in changes:
            continue
        inline, before, after = word_diff(getattr(base, name) or "", changes[name])
        result.append(FieldDiff(name, str(FIELD_LABELS[name]), True, inline, before, after))
    return result
