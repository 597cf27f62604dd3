"""``python -m archive.cli``: the ``archive`` command, for when the script is not on PATH."""

from .app import main

main()
