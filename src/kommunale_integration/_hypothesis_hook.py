"""Entry point for hypothesis (``[project.entry-points.hypothesis]``).

Kept apart from :mod:`kommunale_integration.testing`: hypothesis calls this hook while
it is itself being imported, so the hook only registers *deferred* strategies, which
import the testing module on first use.
"""

from __future__ import annotations

from typing import Any


def _hypothesis_setup_hook() -> None:
    """Register a deferred strategy for every model type."""
    from hypothesis import strategies as st

    from . import _model, _periods, _schedule

    types: list[type] = [_periods.ReportPeriod, _schedule.MeetingSchedule, _schedule.MovedMeeting]
    types += [
        obj
        for name in _model.__all__
        if isinstance(obj := getattr(_model, name), type) and hasattr(obj, "__attrs_attrs__")
    ]

    def deferred(cls: type) -> Any:
        def load() -> Any:
            from .testing import STRATEGIES

            return STRATEGIES[cls]

        return st.deferred(load)

    for cls in types:
        st.register_type_strategy(cls, deferred(cls))
