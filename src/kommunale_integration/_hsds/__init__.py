"""Open Referral HSDS 3.0: export and import of actors and offers (see :doc:`/interop`)."""

from __future__ import annotations

from ._export import export_hsds
from ._import import ImportReport, import_hsds

__all__ = ["ImportReport", "export_hsds", "import_hsds"]
