"""The indicator engine: computation, disclosure control, tables and derived figures.

Private package; the public names are re-exported from :mod:`kommunale_integration`.
"""

from __future__ import annotations

from .catalogue import default_indicators, load_indicators
from .compute import AGE_GROUPS, age_group, compute_indicators, expand_periods
from .derived import DerivedFigure, attainment, comparison_periods, derive
from .disclosure import DisclosureControl, Protection, protect
from .expressions import Expression, ExpressionError, parse_expression
from .forecasting import Forecast, ForecastRefusal, ForecastStatus, forecast
from .table import INTERNAL_NOTICE, TOTAL, IndicatorTable, IndicatorValue

__all__ = [
    "AGE_GROUPS",
    "INTERNAL_NOTICE",
    "TOTAL",
    "DerivedFigure",
    "DisclosureControl",
    "Expression",
    "ExpressionError",
    "Forecast",
    "ForecastRefusal",
    "ForecastStatus",
    "IndicatorTable",
    "IndicatorValue",
    "Protection",
    "age_group",
    "attainment",
    "comparison_periods",
    "compute_indicators",
    "default_indicators",
    "derive",
    "expand_periods",
    "forecast",
    "load_indicators",
    "parse_expression",
    "protect",
]
