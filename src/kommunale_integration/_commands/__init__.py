"""Sub-commands of the command line, one module each.

Each module defines ``register(subparsers)`` which adds its sub-command and sets
``func`` to a handler ``(args) -> int``. Handlers import heavy modules lazily.
"""
