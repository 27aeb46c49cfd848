"""`python -m acct_tui` runs the same command as `acct-tui`."""

import sys

from acct_tui.cli import main

sys.exit(main())
