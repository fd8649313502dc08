#!/usr/bin/env bash
# Install everything and run the whole test suite: lint, format check, mypy --strict,
# pytest (with hypothesis), the Sphinx build with warnings as errors plus its doctests,
# building sdist and wheel with twine check, and a smoke test of the built wheel in a
# fresh virtual environment. Usage: bash scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}

step() { printf '\n==> %s\n' "$*"; }

step "installing into $VENV"
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade "pip>=25.1"
"$VENV/bin/python" -m pip install --quiet -e ".[all]" --group dev
PY="$VENV/bin/python"

step "ruff (lint and format check)"
"$PY" -m ruff check .
"$PY" -m ruff format --check .

step "mypy --strict"
"$PY" -m mypy

step "pytest"
"$PY" -m pytest -q -p no:cacheprovider

step "sphinx (warnings are errors) and doctests"
rm -rf docs/_build
"$PY" -m sphinx -n -W --keep-going -q -b html docs docs/_build/html
"$PY" -m sphinx -n -W --keep-going -q -b doctest docs docs/_build/doctest

step "build sdist and wheel, twine check"
rm -rf dist
"$PY" -m build --quiet --outdir dist . >/dev/null
"$PY" -m twine check --strict dist/*

step "install the built wheel into a fresh virtual environment"
SMOKE=$(mktemp -d)
trap 'rm -rf "$SMOKE"' EXIT
"$PYTHON" -m venv "$SMOKE/venv"
"$SMOKE/venv/bin/python" -m pip install --quiet dist/*.whl
(cd "$SMOKE" && "$SMOKE/venv/bin/python" -c "import kommunale_integration as k; print('imported', k.__version__)")
(cd "$SMOKE" && "$SMOKE/venv/bin/kommunale-integration" --help >/dev/null && echo "kommunale-integration --help: ok")
(cd "$SMOKE" && "$SMOKE/venv/bin/kommunale-integration" demo --output "$SMOKE/demo" >/dev/null \
  && test -s "$SMOKE/demo/jahresbericht-2025.html" && echo "kommunale-integration demo (core install): ok")

step "all checks passed"
