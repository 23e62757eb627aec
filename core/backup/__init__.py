"""Backups that restore: one archive with the database, every attachment and a manifest of their
hashes, optionally encrypted; restored into an empty instance, then every evidence chain is
verified (``flask --app core backup create|restore|key``, docs/deployment.md)."""
