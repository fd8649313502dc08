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
    """Messages in English for a module whose tests read the English message ids.

    German is the default of every message; ``tests/test_messages.py`` checks both
    languages. Module-scoped, so that hypothesis tests may use it.
    """
    from kommunale_integration._i18n import using_language

    with using_language("en"):
        yield
