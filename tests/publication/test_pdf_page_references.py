"""The memoised page list that keeps tagging linear still follows every page added."""
import pydyf

from convention.publication.pdf_page_references import memoise_page_references


def test_page_references_follow_the_pages_added():
    memoise_page_references()
    pdf = pydyf.PDF()
    seen = []
    for _ in range(3):
        page = pydyf.Dictionary({"Type": "/Page"})
        pdf.add_page(page)
        seen.append(f"{page.number} 0 R".encode())
        assert pdf.page_references == tuple(seen)
        assert pdf.page_references is pdf.page_references  # built once per page count
