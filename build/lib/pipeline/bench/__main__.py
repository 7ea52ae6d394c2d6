"""`python -m pipeline.bench`: the ten-season benchmark."""

import sys

from pipeline.bench.cli import main

if __name__ == "__main__":
    sys.exit(main())
