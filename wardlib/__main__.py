"""``python -m wardlib`` is the same as the ``wardlib`` command."""

import sys

from wardlib.cli import main

sys.exit(main())
