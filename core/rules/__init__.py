"""The national rules: dated data (``data/*.yaml``) and the pure functions
that reason over them. Usable without Flask::

    from core.rules import load_rules, assess, Situation
    rules = load_rules()
    assess(rules, Situation(demarche="conjoint-de-francais", kind="renewal",
                            expires_on=date(2025, 1, 9), filed_on=date(2024, 11, 4),
                            on=date(2025, 1, 12))).attestation.type   # "api"

docs/legal-review.md lists each rule with the text it encodes. The modules:
``models`` and ``catalogue`` (the data and its loading), ``situation`` (what
goes in and comes out), ``filing`` (channel and windows), ``documents`` (API,
récépissé, regular stay), ``court`` (silence, time limits, the court route),
``assessment`` (all of it at once), ``progress`` (the escalation ladder),
``dates``, ``pan`` and ``validation``. With a département's facts:
:mod:`core.plugins.local`.
"""
from core.rules.assessment import assess
from core.rules.catalogue import Rules, RulesError, load_rules
from core.rules.filing import anef_window, channel_at, local_window, window_status
from core.rules.models import PERMITS, Demarche, EscalationStep, LegalGround
from core.rules.situation import (
                                  HELD_KINDS,
                                  Assessment,
                                  Attestation,
                                  Channel,
                                  CourtRoute,
                                  Deadline,
                                  FilingWindow,
                                  HeldDocument,
                                  NotComputed,
                                  RegularStay,
                                  Situation,
                                  SituationError,
                                  Warning,
)

__all__ = ["HELD_KINDS", "PERMITS", "Assessment", "Attestation", "Channel", "CourtRoute", "Deadline", "Demarche",
           "EscalationStep", "FilingWindow", "HeldDocument", "LegalGround", "NotComputed", "RegularStay", "Rules",
           "RulesError", "Situation", "SituationError", "Warning",
           "anef_window", "assess", "channel_at", "load_rules", "local_window", "window_status"]
