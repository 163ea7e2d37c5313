"""Tagged PDFs in linear time: WeasyPrint asks pydyf for the list of page references once per
tagged element, and pydyf rebuilds the whole list on each call.

For the final report (about 300 pages, 30,000 tagged elements) that is 9 million references
built and thrown away: 2 to 4 s of a PDF that must render in under 10 s. The list only changes
when a page is added, so it is kept until the number of pages changes. Checked against pydyf
0.13 (pinned in requirements.txt); a test checks the list still follows the added pages.
"""
from __future__ import annotations

import pydyf

_rebuilt_each_time = pydyf.PDF.page_references


def _page_references(pdf: pydyf.PDF) -> tuple[bytes, ...]:
    page_count = len(pdf.pages["Kids"])
    kept = pdf.__dict__.get("_page_references")
    if kept is None or kept[0] != page_count:
        kept = pdf.__dict__["_page_references"] = (page_count, _rebuilt_each_time.fget(pdf))
    return kept[1]


def memoise_page_references() -> None:
    """Idempotent; called before each PDF is written."""
    pydyf.PDF.page_references = property(_page_references)

