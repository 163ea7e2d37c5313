"""WeasyPrint tuned for the final report: about 300 pages, 12,000 lines, 30,000 tagged elements,
which must render in under 10 s. Three changes, each measured on that report (bench/publication.py)
and none changing what the PDF shows:

- **Page references kept.** WeasyPrint asks pydyf for the list of page references once per
  tagged element, and pydyf rebuilds the whole list on each call: 9 million references built and
  thrown away, 2 to 4 s. The list only changes when a page is added, so it is kept until the
  number of pages changes.
- **Streams compressed at zlib's default level (6) instead of pydyf's 9.** Level 9 spends 0.85 s
  more for a file 3.7 % smaller (876 kB instead of 908 kB), on a file that is rendered once and
  kept.
- **The cyclic garbage collector paused while a PDF renders.** Layout makes hundreds of
  thousands of boxes that live until the end; each full collection walks all of them again
  (10 of them, 1.5 s, 13 % of the render). Reference counting still frees what is dropped;
  the cycles left (about 50 MB for the report) are collected once the last render ends.

Checked against pydyf 0.13 (pinned in requirements.txt); tests check the list follows the added
pages, the level used and that the collector comes back.
"""

from __future__ import annotations

import gc
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

import pydyf

STREAM_COMPRESSION_LEVEL = 6

_rebuilt_each_time = pydyf.PDF.page_references


def _page_references(pdf: pydyf.PDF) -> tuple[bytes, ...]:
    page_count = len(pdf.pages["Kids"])
    kept = pdf.__dict__.get("_page_references")
    if kept is None or kept[0] != page_count:
        kept = pdf.__dict__["_page_references"] = (page_count, _rebuilt_each_time.fget(pdf))
    return kept[1]


class _ZlibAtDefaultLevel:
    """zlib as pydyf sees it: the level pydyf asks for is replaced by ours."""

    def __getattr__(self, name: str):
        return getattr(zlib, name)

    @staticmethod
    def compressobj(level: int = STREAM_COMPRESSION_LEVEL, *args, **kwargs):
        return zlib.compressobj(STREAM_COMPRESSION_LEVEL, *args, **kwargs)

    @staticmethod
    def compress(data: bytes, level: int = STREAM_COMPRESSION_LEVEL) -> bytes:
        return zlib.compress(data, STREAM_COMPRESSION_LEVEL)


def tune_pydyf() -> None:
    """Idempotent; called before each PDF is written."""
    pydyf.PDF.page_references = property(_page_references)
    pydyf.zlib = _ZlibAtDefaultLevel()


# Renders may run in several threads of one worker: the collector comes back when the last ends,
# and only if it was running before the first began.
_pause_lock = threading.Lock()
_pauses = 0
_collector_was_enabled = True


@contextmanager
def collector_paused() -> Iterator[None]:
    global _pauses, _collector_was_enabled
    with _pause_lock:
        if _pauses == 0:
            _collector_was_enabled = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _pause_lock:
            _pauses -= 1
            if _pauses == 0 and _collector_was_enabled:
                gc.enable()


@contextmanager
def tuned_for_the_report() -> Iterator[None]:
    """Everything above, around one PDF render."""
    tune_pydyf()
    with collector_paused():
        yield
