"""The output folder's layout: the name of each folder a build writes, declared once."""

SITE_DIR = "site"  # the consultant's portfolio site
PDF_DIR = "pdf"  # one PDF per organisation, beside the site
CLIENTS_DIR = "clients"  # one standalone bundle per client: clients/<organisation>/
EXPORTS_DIR = "exports"  # the scores as JSON, CSV and XLSX
DELIVERY_DIR = "delivery"  # encrypted PDF and zip per organisation with a password
ASSETS_DIR = "assets"  # styles, scripts, fonts and the logo, inside each site and bundle
