"""Build the portfolio in audits/ into output/: `python build.py --help` lists the commands."""

import sys

from klantspiegel.cli import main

if __name__ == "__main__":
    sys.exit(main())
