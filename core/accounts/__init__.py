"""Accounts: who logs in (volunteers, coordinators, administrators), login with throttling, the account page, ``flask --app core users``."""
