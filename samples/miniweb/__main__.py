"""``python -m samples.miniweb serve [--filler N] [--config-out FILE] …``: the same click command as
``veille samples serve`` (``samples/cli.py``), in French like the rest of veille's command line."""

from __future__ import annotations

import sys

from veille.cli import main

if __name__ == "__main__":
    main(["samples", *sys.argv[1:]])
