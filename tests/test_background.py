"""Background jobs build their links as a request to the public address would."""
from flask import url_for

from convention import background

built = []


def _job(job_id: str) -> None:
    built.append(url_for("publication.report_index", _external=True) + f"#{job_id}")


def test_a_job_links_to_the_public_address_even_when_run_in_an_internal_request(app):
    built.clear()
    with app.test_request_context(base_url="http://10.0.0.5:8000"):  # behind the proxy
        background.submit(_job, "7")                # no Redis in the tests: run now
        assert url_for("publication.report_index", _external=True).startswith("http://10.0.0.5")
    assert built == [app.config["BASE_URL"] + "/rapport#7"]
