"""Helpers shared by the report sub-commands: loading a concept and writing output."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

from .._errors import KommunaleIntegrationError

__all__ = ["emit", "load_concept_path"]


def load_concept_path(path: str) -> Any:
    """Load the concept at *path* with the public ``load_concept``.

    Falls back to reading a single YAML file with the converter when the loaders are
    not available (a source checkout without the loaders package).
    """
    package = importlib.import_module("kommunale_integration")
    try:
        load = package.load_concept
    except AttributeError:
        load = None
    if load is not None:
        return load(path)
    from .._converter import loads_yaml
    from .._model import Concept

    source = Path(path)
    if not source.is_file():
        raise KommunaleIntegrationError(f"{path}: no such concept file")
    return loads_yaml(source.read_text(encoding="utf-8"), Concept, file=str(source))


def emit(data: str | bytes, output: str | None, *, inputs: tuple[str, ...] = ()) -> None:
    """Write *data* atomically to *output*, or to stdout when *output* is ``None``."""
    from .._io import atomic_write

    if output:
        atomic_write(output, data, inputs=inputs)
        return
    if isinstance(data, bytes):
        if sys.stdout.isatty():
            raise KommunaleIntegrationError(
                "refusing to write a binary DOCX file to the terminal: use --output FILE"
            )
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    sys.stdout.write(data)
