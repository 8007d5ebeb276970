"""``python -m optibench.cli``: the same as the ``optibench`` command."""

import sys

from optibench.cli import main

sys.exit(main())
