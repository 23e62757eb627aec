"""What a département plugin author imports.

Most plugins are pure data: a ``facts.yaml`` file next to their
``__init__.py``, whose sections mirror the hooks of :mod:`core.plugins.hookspecs`.
:class:`DeclarativePlugin` reads and validates that file once, then answers
every hook from it, so a plugin package can be three lines of Python::

    from pathlib import Path
    from core.plugins.kit import DeclarativePlugin

    plugin = DeclarativePlugin(Path(__file__).with_name("facts.yaml"))

A plugin that needs logic (say, facts fetched from a local database) can
subclass it, or be any object with ``@hookimpl`` functions.
"""
from __future__ import annotations

from pathlib import Path

from core.plugins.facts import FactSet, load_facts_file
from core.plugins.hookspecs import hookimpl

__all__ = ["DeclarativePlugin", "hookimpl"]


class DeclarativePlugin:
    """Answers every hook from a validated YAML facts file.

    A fact without ``departement`` applies to every département the plugin
    covers; with ``applies_everywhere`` (the national defaults), to every
    département of France.
    """

    def __init__(self, facts_path: Path, *more_paths: Path, applies_everywhere: bool = False):
        """``more_paths``: further files of the same shape, for data too long for one file."""
        self.facts_path = Path(facts_path)
        self.facts: FactSet = load_facts_file(self.facts_path)
        for path in more_paths:
            self.facts = self.facts.merged(load_facts_file(Path(path)))
        self.applies_everywhere = applies_everywhere
        self.codes = frozenset(d.code for d in self.facts.departements)

    def __repr__(self):
        return f"<DeclarativePlugin {self.facts_path}>"

    def _for(self, facts, departement):
        if not (self.applies_everywhere or departement in self.codes):
            return []
        return [fact for fact in facts if fact.departement in (None, departement)]

    def _first(self, facts, departement):
        # A département-specific fact beats one that applies to all.
        matching = self._for(facts, departement)
        matching.sort(key=lambda fact: fact.departement is None)
        return matching[0] if matching else None

    @hookimpl
    def permanence_departements(self):
        return list(self.facts.departements)

    @hookimpl
    def permanence_prefecture_services(self, departement):
        return self._for(self.facts.prefecture_services, departement)

    @hookimpl
    def permanence_filing_channels(self, departement):
        return self._for(self.facts.filing_channels, departement)

    @hookimpl
    def permanence_pan_vectors(self, departement):
        return self._for(self.facts.pan_vectors, departement)

    @hookimpl
    def permanence_substitution_modality(self, departement):
        return self._first(self.facts.substitution_modalities, departement)

    @hookimpl
    def permanence_local_pitfalls(self, departement):
        return self._for(self.facts.local_pitfalls, departement)

    @hookimpl
    def permanence_tribunal(self, departement):
        return self._first(self.facts.tribunals, departement)

    @hookimpl
    def permanence_resources(self, departement):
        return self._for(self.facts.resources, departement)

    @hookimpl
    def permanence_letter_templates(self, departement):
        return self._for(self.facts.letter_templates, departement)

    @hookimpl
    def permanence_blockage_kinds(self, departement):
        return self._for(self.facts.blockage_kinds, departement)
