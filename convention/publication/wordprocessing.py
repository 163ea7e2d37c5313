"""Markdown as the word processors show it: paragraphs and list items made of runs of text,
each bold, italic or a link, for the DOCX and ODT editions of the report (the HTML and PDF
editions render Markdown to HTML; these two must carry the same formatting, never the raw
markers)."""

from __future__ import annotations

from dataclasses import dataclass, field

from markdown_it import MarkdownIt

_PARSER = MarkdownIt("commonmark")


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False
    href: str | None = None


@dataclass
class Block:
    """A paragraph (`p`), or an item of a bulleted (`bullet`) or numbered (`number`) list;
    `number` is the item's number in its list."""

    kind: str
    runs: list[Run] = field(default_factory=list)
    number: int = 0

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


def markdown_blocks(source: str | None) -> list[Block]:
    """The blocks of a Markdown text (headings read as paragraphs, quotes as their text)."""
    blocks: list[Block] = []
    lists: list[list] = []  # [kind, next number] for each list being read
    for token in _PARSER.parse(source or ""):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            start = int(token.attrGet("start") or 1)
            lists.append(["bullet" if token.type == "bullet_list_open" else "number", start])
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif token.type == "list_item_open" and lists:
            lists[-1].append("new item")
        elif token.type == "inline":
            if lists and lists[-1][-1] == "new item":
                lists[-1].pop()
                kind, number = lists[-1][0], lists[-1][1]
                lists[-1][1] += 1
                blocks.append(Block(kind, _runs(token.children or []), number))
            else:
                blocks.append(Block("p", _runs(token.children or [])))
        elif token.type in ("fence", "code_block"):
            blocks.append(Block("p", [Run(token.content.rstrip("\n"))]))
    return [block for block in blocks if block.text.strip()]


def _runs(children) -> list[Run]:
    bold = italic = 0
    href: str | None = None
    runs: list[Run] = []
    for child in children:
        kind = child.type
        if kind == "strong_open":
            bold += 1
        elif kind == "strong_close":
            bold -= 1
        elif kind == "em_open":
            italic += 1
        elif kind == "em_close":
            italic -= 1
        elif kind == "link_open":
            href = str(child.attrGet("href") or "") or None
        elif kind == "link_close":
            href = None
        elif kind in ("text", "code_inline"):
            runs.append(Run(child.content, bold > 0, italic > 0, href))
        elif kind == "softbreak":
            runs.append(Run(" ", bold > 0, italic > 0, href))
        elif kind == "hardbreak":
            runs.append(Run("\n", bold > 0, italic > 0, href))
        elif kind == "image":
            runs.append(Run(child.content or "", bold > 0, italic > 0, href))
    return runs


def plain_text(source: str | None) -> str:
    """The words of a Markdown text, without its markers (Atom summaries, CSV cells)."""
    return "\n".join(block.text for block in markdown_blocks(source))
