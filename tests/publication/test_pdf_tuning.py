"""The tuning that keeps the final report's PDF fast changes nothing a reader sees: the page list
still follows every page, streams still decompress to what was drawn, and the garbage collector
comes back after the render."""

import gc
import threading
import zlib

import pydyf

from convention.publication.pdf_tuning import collector_paused, tune_pydyf


def test_page_references_follow_the_pages_added():
    tune_pydyf()
    pdf = pydyf.PDF()
    seen = []
    for _ in range(3):
        page = pydyf.Dictionary({"Type": "/Page"})
        pdf.add_page(page)
        seen.append(f"{page.number} 0 R".encode())
        assert pdf.page_references == tuple(seen)
        assert pdf.page_references is pdf.page_references  # built once per page count


def test_streams_are_compressed_at_the_default_level_and_read_back_whole():
    tune_pydyf()
    drawn = [b"BT /F1 12 Tf 72 712 Td (Rapport final, page %d) Tj ET" % n for n in range(500)]
    data = pydyf.Stream(drawn, compress=True).data
    compressed = data.split(b"\nstream\n", 1)[1].rsplit(b"\nendstream", 1)[0]
    assert zlib.decompress(compressed) == b"\n".join(drawn)
    level_6 = zlib.compressobj(6)
    assert compressed == level_6.compress(b"\n".join(drawn)) + level_6.flush()
    assert b"/FlateDecode" in data


def test_the_collector_comes_back_when_the_last_of_overlapping_renders_ends():
    assert gc.isenabled()
    first_inside, second_started, first_done = threading.Event(), threading.Event(), []

    def first_render():
        with collector_paused():
            first_inside.set()
            second_started.wait(5)
        first_done.append(gc.isenabled())  # the second render is still running

    thread = threading.Thread(target=first_render)
    thread.start()
    first_inside.wait(5)
    with collector_paused():
        second_started.set()
        thread.join(5)
        assert not gc.isenabled()
    assert first_done == [False]
    assert gc.isenabled()


def test_a_collector_disabled_before_stays_disabled():
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_collector_comes_back_after_a_failed_render():
    try:
        with collector_paused():
            raise ValueError("layout failed")
    except ValueError:
        pass
    assert gc.isenabled()
