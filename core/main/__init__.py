"""The dashboard (home page) and the privacy notice."""
