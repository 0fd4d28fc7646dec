"""The portal's own error pages, in its layout and words, never Django's plain or debug ones."""

import pytest
from django.test import RequestFactory
from django.views.defaults import server_error

from tests.pages import page_text


@pytest.mark.django_db
def test_an_unknown_address_is_the_portals_own_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    text = page_text(response)
    assert "Page not found" in text and "the catalogue of APO projects" in text
    assert "URLconf" not in response.content.decode()


def test_a_server_error_page_needs_no_context_and_says_what_to_do():
    response = server_error(RequestFactory().get("/"))  # rendered as Django does, with no request context
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong" in body and "try again in a minute" in body
