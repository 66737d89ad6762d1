"""`python -m klantspiegel`: the same command line as `build.py` and `klantspiegel`."""

import sys

from klantspiegel.cli import main

if __name__ == "__main__":
    sys.exit(main())
