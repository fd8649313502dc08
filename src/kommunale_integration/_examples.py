"""Find the examples that ship with the library.

The canonical copy of each example lives in the repository's ``examples/`` folder,
where towns can read and copy it. The wheel carries the same files under
``kommunale_integration/data/examples/`` (a hatch ``force-include`` mapping, so that the
repository holds only one copy). An editable or source install has no such folder and
falls back to the repository's ``examples/``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ._errors import KommunaleIntegrationError

__all__ = ["EXAMPLES", "example_path"]

EXAMPLES = ("kreis_coesfeld", "stadt_coesfeld")
"""Names of the bundled examples."""


def _package_root() -> Path:
    """The installed package folder (``…/site-packages/kommunale_integration``)."""
    return Path(str(resources.files("kommunale_integration")))


def _candidates(name: str) -> list[Path]:
    bundled = _package_root() / "data" / "examples" / name
    repository = Path(__file__).resolve().parent.parent.parent / "examples" / name
    return [bundled, repository]


def example_path(name: str = "kreis_coesfeld") -> Path:
    """Return the folder of a bundled example concept (Beispielkonzept).

    Args:
        name: ``kreis_coesfeld`` (the Kreis concept of 2016 with its synthetic case
            export) or ``stadt_coesfeld`` (the city concept, strict ``steuerung``
            profile).

    Returns:
        The folder holding ``konzept.yaml`` and the example's tables. Read it, copy
        it — never write into it.

    Raises:
        KommunaleIntegrationError: for an unknown name, or when the installation
            lacks the example files.

    .. versionadded:: 0.1.0
    """
    if name not in EXAMPLES:
        raise KommunaleIntegrationError(
            f"unknown example {name!r}; the bundled examples are {', '.join(EXAMPLES)}"
        )
    for folder in _candidates(name):
        if (folder / "konzept.yaml").is_file():
            return folder
    raise KommunaleIntegrationError(
        f"the example {name!r} is missing from this installation; reinstall "
        "kommunale-integration or use the examples/ folder of the source distribution"
    )
