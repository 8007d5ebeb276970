"""``python -m optibench``: the same as the ``optibench`` command."""

import sys

from optibench.cli import main

if __name__ == "__main__":
    sys.exit(main())
