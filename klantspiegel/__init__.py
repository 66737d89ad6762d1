"""Klantspiegel: customer-centricity audit reports as a static site and print-quality PDFs."""

__version__ = "0.1.0"
