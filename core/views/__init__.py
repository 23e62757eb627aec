"""One blueprint per area of the intranet; views stay thin."""
