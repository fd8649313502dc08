"""Shared pytest configuration."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=30, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


@pytest.fixture(scope="module")
def english_messages() -> Iterator[None]:
    """Messages in English for a module whose tests read the English message ids: in
    the library (the current language) and on the command line (``LANG``).

    German is the default of every message; ``tests/test_messages.py`` and
    ``tests/test_messages_cli.py`` check both languages. Module-scoped, so that
    hypothesis tests may use it.
    """
    from kommunale_integration._i18n import using_language

    with pytest.MonkeyPatch.context() as patch, using_language("en"):
        for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
            patch.delenv(name, raising=False)
        patch.setenv("LANG", "en_GB.UTF-8")
        yield
