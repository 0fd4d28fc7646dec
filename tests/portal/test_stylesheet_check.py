"""`manage.py check` says when the stylesheet has not been built (common/checks.py)."""

from django.test import override_settings

from common.checks import stylesheet_built


def test_a_built_stylesheet_passes_the_check():
    assert stylesheet_built() == []


def test_a_checkout_without_the_built_stylesheet_is_told_to_run_setup(tmp_path):
    with override_settings(STATICFILES_DIRS=[tmp_path]):
        (warning,) = stylesheet_built()
    assert warning.id == "common.W001" and "scripts/setup" in warning.hint
