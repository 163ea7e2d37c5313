"""French typography on the pages served in French: a narrow no-break space (U+202F) before
« ; ! ? : % », inside « guillemets », and between the groups of digits of a large number, so
that « Pourquoi ? » never leaves its « ? » alone at the start of a line and « 500 000 » is
never broken in two. Rules of the Lexique des règles typographiques de l'Imprimerie nationale,
applied to the text of the page only: tags, attributes, entities and the text of scripts,
styles, code and form fields are left as they are, so a resident's text comes back from a form
exactly as it was written."""

from __future__ import annotations

import re

NARROW = "\u202f"

#: Elements whose text is code or a form value, never typeset.
_VERBATIM = ("script", "style", "pre", "code", "kbd", "samp", "textarea")
_TAG = re.compile(r"(<[^>]*>)")
_ENTITY = re.compile(r"(&#?\w+;)")
_OPENING = re.compile(r"<(/?)(\w+)")

#: A high punctuation mark that ends a phrase (followed by a space or the end of the text):
#: the ordinary or no-break space before it, or none after a letter.
_SPACED_MARK = re.compile(r"[ \u00a0]([;!?:])(?=\s|$|[»)\]])")
_BARE_MARK = re.compile(r"(?<=[\w»)\]…])([;!?:])(?=\s|$|[»)\]])")
_BEFORE_PERCENT = re.compile(r"(?<=\d)[ \u00a0]?%")
_AFTER_OPEN_QUOTE = re.compile(r"«[ \u00a0]?(?=\S|$)")
_BEFORE_CLOSE_QUOTE = re.compile(r"(?:(?<=\S)|^)[ \u00a0]?»")
_DIGIT_GROUPS = re.compile(r"(?<![\d.,\u202f])\d{1,3}(?:[ \u00a0]\d{3})+(?![\d])")


def french_text(text: str) -> str:
    """The French spacing rules on plain text (no markup). Each rule runs only on text that
    holds its characters: most of a page's text holds none, and every page is typeset."""
    if ";" in text or "!" in text or "?" in text or ":" in text:
        text = _SPACED_MARK.sub(lambda m: NARROW + m.group(1), text)
        text = _BARE_MARK.sub(lambda m: NARROW + m.group(1), text)
    if "%" in text:
        text = _BEFORE_PERCENT.sub(NARROW + "%", text)
    if "«" in text or "»" in text:
        text = _AFTER_OPEN_QUOTE.sub("«" + NARROW, text)
        text = _BEFORE_CLOSE_QUOTE.sub(NARROW + "»", text)
    if " " in text or "\u00a0" in text:
        text = _DIGIT_GROUPS.sub(lambda m: re.sub(r"[ \u00a0]", NARROW, m.group(0)), text)
    return text


def _text_outside_entities(text: str) -> str:
    if "&" not in text:
        return french_text(text)
    return "".join(
        part if _ENTITY.fullmatch(part) else french_text(part) for part in _ENTITY.split(text)
    )


def french_html(html: str) -> str:
    """The same rules on the text of an HTML page, nothing else touched."""
    out: list[str] = []
    verbatim: list[str] = []
    for part in _TAG.split(html):
        if part.startswith("<"):
            out.append(part)
            found = _OPENING.match(part)
            if found and found.group(2).lower() in _VERBATIM and not part.endswith("/>"):
                name = found.group(2).lower()
                if found.group(1):
                    if verbatim and verbatim[-1] == name:
                        verbatim.pop()
                else:
                    verbatim.append(name)
        elif verbatim or not part or part.isspace():
            out.append(part)
        else:
            out.append(_text_outside_entities(part))
    return "".join(out)
