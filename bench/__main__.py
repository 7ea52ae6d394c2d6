"""`python -m bench`: the ten-season benchmark."""

import sys

from bench.cli import main

if __name__ == "__main__":
    sys.exit(main())
