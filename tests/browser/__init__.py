"""Checks of the built example site: in Chromium, with axe-core and vnu.jar, and its links."""
