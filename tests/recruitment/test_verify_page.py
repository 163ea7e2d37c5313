"""« Vérifier le tirage »: anyone repeats a public draw on the site, or at home with the script
the page hands out; no page sends a resident to a README or a command line."""

from __future__ import annotations

import io
import subprocess
import sys

from convention.extensions import db
from convention.recruitment import services
from tests.factories import build_world
from tests.recruitment.test_recruitment import QUOTAS, pool_csv


def _drawn_run():
    world = build_world()
    run = services.import_run(
        world.staff, world.convention, pool_file=pool_csv(), quotas_file=QUOTAS, k=6, panels=50
    )
    services.compute(str(run.id))
    db.session.refresh(run)
    services.draw(world.staff, run, "3 6 1 4 2")
    db.session.commit()
    return run


def test_the_page_repeats_the_draw_from_the_published_list_and_the_seed(client, tmp_path):
    run = _drawn_run()
    public = client.get("/c/test/tirage").text
    assert "LISEZ-MOI" not in public and "flask sortition" not in public
    assert 'href="/c/test/tirage/verifier"' in public

    page = client.get("/c/test/tirage/verifier").text
    assert "3 6 1 4 2" in page and run.list_sha256 in page
    listing = client.get(f"/c/test/tirage/{run.id}/panels.csv").data
    result = client.post(
        "/c/test/tirage/verifier",
        data={"panel_list": (io.BytesIO(listing), "panels.csv"), "seed": " 3 6 1 4 2 "},
        content_type="multipart/form-data",
    ).text
    assert f"Panel désigné\u202f: n° {run.drawn_index + 1} sur 50." in result

    # The same file with one character changed, or another seed: another result, or a refusal.
    other = client.post(
        "/c/test/tirage/verifier",
        data={"panel_list": (io.BytesIO(listing), "panels.csv"), "seed": "3 6 1 4 3"},
        content_type="multipart/form-data",
    ).text
    assert "Panel désigné" in other
    broken = client.post(
        "/c/test/tirage/verifier",
        data={"panel_list": (io.BytesIO(listing.replace(b"\n", b"\r\n")), "p.csv"), "seed": "1"},
        content_type="multipart/form-data",
    )
    assert "pas au format publié" in broken.text and "Résultat du calcul" not in broken.text
    missing = client.post("/c/test/tirage/verifier", data={"seed": "1"})
    assert "Choisissez le fichier de la liste des panels." in missing.text

    # The script the page hands out gives the same panel with Python's standard library alone.
    script = client.get("/c/test/tirage/verifier-tirage.py")
    assert script.headers["Content-Disposition"] == 'attachment; filename="verifier-tirage.py"'
    (tmp_path / "verifier-tirage.py").write_bytes(script.data)
    (tmp_path / "panels.csv").write_bytes(listing)
    done = subprocess.run(
        [sys.executable, "-I", "verifier-tirage.py", "panels.csv", "3 6 1 4 2"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert f"chosen panel: {run.drawn_index}" in done.stdout
