"""Pages travel compressed to browsers that accept gzip (apo_portal.middleware.TextGZipMiddleware): what an
officer on a slow connection downloads is a fraction of the page."""

import gzip

import pytest
from django.urls import reverse

from tests.factories import ProjectFactory

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


@pytest.mark.django_db
def test_a_page_is_sent_compressed_to_a_browser_that_accepts_gzip(client):
    for i in range(12):
        ProjectFactory(title=f"Green Productivity Workshop {i}")
    plain = client.get(reverse("projects:catalogue"))
    compressed = client.get(reverse("projects:catalogue"), **GZIP)

    assert "Content-Encoding" not in plain and "Accept-Encoding" in plain["Vary"]
    assert compressed["Content-Encoding"] == "gzip" and "Accept-Encoding" in compressed["Vary"]
    assert int(compressed["Content-Length"]) == len(compressed.content) < len(plain.content) / 3
    page = gzip.decompress(compressed.content).decode()
    assert "Green Productivity Workshop 11" in page and "</html>" in page


@pytest.mark.django_db
def test_a_short_answer_is_sent_as_it_is(client):
    response = client.get(reverse("healthz"), **GZIP)
    assert "Content-Encoding" not in response and response.content == b"ok"
