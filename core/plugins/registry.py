"""Discovery of the plugins and the calls to their hooks, without Flask.

Plugins are found through the ``permanence.plugins`` entry-point group only:
the in-tree ``gironde``, ``calvados`` and ``paca`` plugins are declared in
``pyproject.toml`` exactly as an external package would declare its own.

The registry knows every *installed* plugin. Which ones are *enabled* is a
runtime decision stored in the database (:mod:`core.plugins.state`); every
hook call goes through :class:`LocalFacts`, built for one enabled set, whose
hook callers leave the disabled plugins out, so their code is never run.
"""
from __future__ import annotations

import importlib.metadata
import sys
import types
from collections.abc import Iterable
from dataclasses import dataclass

import pluggy

from core.plugins import hookspecs
from core.plugins.departements import NAMES
from core.plugins.facts import Departement

ENTRY_POINT_GROUP = "permanence.plugins"
#: The national defaults: always enabled, always answering last.
NATIONAL = "national"


class PluginError(Exception):
    """A plugin cannot be loaded or conflicts with another one."""


class PluginLoadError(PluginError):
    def __init__(self, name: str, detail: str):
        self.name, self.detail = name, detail
        super().__init__(f"plugin '{name}' cannot be loaded: {detail} "
                         f"(to start without it: PERMANENCE_DISABLED_PLUGINS={name})")


class PluginLoadErrors(PluginLoadError):
    """Several plugins cannot be loaded: every one is said at once, so that a
    contributor fixes them all in one go rather than one start at a time."""

    def __init__(self, errors: list[PluginLoadError]):
        self.errors = errors
        names = ",".join(error.name for error in errors)
        PluginError.__init__(self, "\n".join(f"plugin '{error.name}' cannot be loaded: {error.detail}" for error in errors)
                             + f"\n(to start without them: PERMANENCE_DISABLED_PLUGINS={names})")
        self.name, self.detail = names, "; ".join(error.detail for error in errors)


class DuplicateClaimError(PluginError):
    """Two enabled plugins say they cover the same département."""

    def __init__(self, code: str, plugins: tuple[str, str]):
        self.code, self.plugins = code, tuple(sorted(plugins))
        first, second = self.plugins
        super().__init__(
            f"département {code} is claimed by two enabled plugins, '{first}' and '{second}'; "
            f"disable one of them (flask --app core plugins disable NAME, or set "
            f"PERMANENCE_DISABLED_PLUGINS=NAME if the application cannot start)")


@dataclass(frozen=True)
class PluginInfo:
    """What the administration pages show about an installed plugin."""

    name: str
    version: str
    distribution: str
    entry_point: str
    description: str
    departements: tuple[Departement, ...]
    always_enabled: bool = False

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(d.code for d in self.departements)


class _PluginManager(pluggy.PluginManager):
    """pluggy's, skipping the ~30 dunder names every object has (a hook is never
    named ``__x__``), and reading the other names of a plugin's class once: the
    hundred plugins made with :class:`~core.plugins.kit.DeclarativePlugin` share
    one class, and pluggy looks each name up without ``getattr`` (slowly)."""

    def __init__(self, project_name: str):
        super().__init__(project_name)
        self._class_opts: dict[tuple[type, str], object] = {}

    def parse_hookimpl_opts(self, plugin, name: str):
        if name.startswith("__"):
            return None
        if isinstance(plugin, (type, types.ModuleType)) or name in getattr(plugin, "__dict__", {name: None}):
            return super().parse_hookimpl_opts(plugin, name)  # a module, a class, an instance's own value
        key = (type(plugin), name)
        if key not in self._class_opts:
            self._class_opts[key] = super().parse_hookimpl_opts(plugin, name)
        return self._class_opts[key]


def discover_entry_points() -> list[importlib.metadata.EntryPoint]:
    return sorted(importlib.metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda ep: ep.name)


class PluginRegistry:
    """The plugin manager of one application (never a global)."""

    def __init__(self, entry_points: Iterable[importlib.metadata.EntryPoint] | None = None,
                 skip: Iterable[str] = ()):
        """``skip``: plugins not even imported (PERMANENCE_DISABLED_PLUGINS), so
        that a broken or rival package cannot stop the application."""
        self._pm = _PluginManager(hookspecs.PROJECT_NAME)
        self._pm.add_hookspecs(hookspecs)
        self._objects: dict[str, object] = {}
        self.plugins: dict[str, PluginInfo] = {}
        self._facts_cache: dict[frozenset[str], LocalFacts] = {}

        # Registered first so that pluggy, which calls implementations in
        # reverse registration order, asks it last: any département overrides it.
        from core.plugins import national
        self._register(NATIONAL, national.plugin, version=_version("permanence"), distribution="permanence",
                       entry_point="core.plugins.national:plugin", always_enabled=True)
        skip = frozenset(skip) - {NATIONAL}
        #: Installed plugins left unloaded by configuration.
        self.skipped: list[str] = []
        errors: list[PluginLoadError] = []
        for entry_point in (discover_entry_points() if entry_points is None else entry_points):
            if entry_point.name in skip:
                self.skipped.append(entry_point.name)
                continue
            try:
                self._load(entry_point)
            except PluginLoadError as error:  # the others are still read, and said together
                errors.append(error)
        if not errors:
            try:
                self._pm.check_pending()
            except pluggy.PluginValidationError as exc:
                errors.append(PluginLoadError(self._pm.get_name(exc.plugin) or "?", str(exc)))
        if len(errors) == 1:
            raise errors[0]
        if errors:
            raise PluginLoadErrors(errors)

    def _load(self, entry_point) -> None:
        if entry_point.name in self._objects:
            raise PluginLoadError(entry_point.name, "another installed package already uses this name")
        try:
            plugin = entry_point.load()
        except Exception as exc:  # any import error of third-party code
            raise PluginLoadError(entry_point.name, f"{entry_point.value}: {type(exc).__name__}: {exc}") from exc
        dist = getattr(entry_point, "dist", None)
        self._register(entry_point.name, plugin,
                       version=dist.version if dist else "?",
                       distribution=dist.metadata["Name"] if dist else "?",
                       entry_point=entry_point.value)

    def _register(self, name, plugin, *, version, distribution, entry_point, always_enabled=False):
        try:
            self._pm.register(plugin, name=name)
        except (ValueError, pluggy.PluginValidationError) as exc:
            raise PluginLoadError(name, str(exc)) from exc
        self._objects[name] = plugin
        try:
            departements = list(self.call_one(name, "permanence_departements") or [])
        except Exception as exc:  # third-party code
            raise PluginLoadError(name, f"permanence_departements raised {type(exc).__name__}: {exc}") from exc
        for departement in departements:
            if not isinstance(departement, Departement):
                raise PluginLoadError(name, f"permanence_departements returned {departement!r}, "
                                            "not a core.plugins.facts.Departement")
        module = sys.modules.get(entry_point.split(":")[0])
        description = ((module.__doc__ if module else None) or "").strip().split("\n")[0]
        self.plugins[name] = PluginInfo(name=name, version=version, distribution=distribution,
                                        entry_point=entry_point, description=description,
                                        departements=tuple(sorted(departements, key=lambda d: d.code)),
                                        always_enabled=always_enabled)

    # --- enabled sets -------------------------------------------------

    def normalise_enabled(self, enabled: Iterable[str]) -> frozenset[str]:
        """Keep the installed names, and always the national defaults."""
        return frozenset(name for name in enabled if name in self.plugins) | {NATIONAL}

    def conflicts(self, enabled: Iterable[str]) -> list[DuplicateClaimError]:
        claimed: dict[str, str] = {}
        found = []
        for name in sorted(self.normalise_enabled(enabled)):
            for code in self.plugins[name].codes:
                if code in claimed:
                    found.append(DuplicateClaimError(code, (claimed[code], name)))
                else:
                    claimed[code] = name
        return found

    def check_claims(self, enabled: Iterable[str]) -> None:
        """Raise the first :class:`DuplicateClaimError` among ``enabled``."""
        found = self.conflicts(enabled)
        if found:
            raise found[0]

    def facts(self, enabled: Iterable[str]) -> LocalFacts:
        key = self.normalise_enabled(enabled)
        if key not in self._facts_cache:
            self._facts_cache[key] = LocalFacts(self, key)
        return self._facts_cache[key]

    def plugin_object(self, name: str) -> object:
        return self._objects[name]

    def implemented_hooks(self, name: str) -> set[str]:
        return {caller.name for caller in self._pm.get_hookcallers(self._objects[name]) or []}

    def hook_names(self) -> list[str]:
        return [name for name in dir(self._pm.hook) if name.startswith("permanence_")]

    def hook_caller(self, hook: str, only: Iterable[str]):
        """``hook`` called through pluggy for the plugins named in ``only``:
        pluggy passes each implementation the arguments it asks for, and
        the others are never run."""
        keep = frozenset(only)
        return self._pm.subset_hook_caller(hook, remove_plugins=[plugin for name, plugin in self._objects.items()
                                                                 if name not in keep])

    def call_one(self, name: str, hook: str, **kwargs):
        """Call one plugin's implementation of ``hook`` through pluggy
        (registration, conformance kit)."""
        answers = self.hook_caller(hook, only=[name])(**kwargs)
        if getattr(self._pm.hook, hook).spec.opts.get("firstresult"):
            return answers
        return answers[0] if answers else None  # pluggy leaves out a None answer


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "?"


_UNASKED = object()


class LocalFacts:
    """The local facts as seen through the enabled plugins only.

    Each hook is asked once per département and enabled set: a plugin's facts
    are data, validated when it is loaded (docs/hooks.md), so the same
    question gets the same answer until an administrator enables or disables
    a plugin, which builds a new LocalFacts."""

    def __init__(self, registry: PluginRegistry, enabled: frozenset[str]):
        self.registry = registry
        self.enabled = enabled
        self._hooks = {hook: registry.hook_caller(hook, only=enabled) for hook in registry.hook_names()}
        # The same hooks without the national defaults: what the département plugins say themselves.
        self._local_hooks = {hook: registry.hook_caller(hook, only=enabled - {NATIONAL})
                             for hook in registry.hook_names()}
        self._answers: dict[tuple, object] = {}
        covered = [(d, info) for info in registry.plugins.values() if info.name in enabled for d in info.departements]
        self._covered = sorted(covered, key=lambda pair: pair[0].code)
        self._by_code = {pair[0].code: pair for pair in self._covered}
        national = getattr(registry.plugin_object(NATIONAL), "facts", None)
        self._national_ids = {id(fact) for section in (national or ()) for fact in section[1]}

    def _ask(self, hook: str, departement: str, local_only: bool = False):
        key = (hook, departement, local_only)
        answer = self._answers.get(key, _UNASKED)
        if answer is _UNASKED:
            answer = (self._local_hooks if local_only else self._hooks)[hook](departement=departement)
            if departement in NAMES:  # kept for the 101 départements only, whatever a caller passes
                self._answers[key] = answer
        return answer

    def _list(self, hook: str, departement: str, *, local_only: bool = False) -> list:
        return [fact for answer in self._ask(hook, departement, local_only) if answer for fact in answer]

    def departements(self) -> list[tuple[Departement, PluginInfo]]:
        """Covered départements with the plugin covering each, by code."""
        return list(self._covered)

    def departement(self, code: str) -> tuple[Departement, PluginInfo] | None:
        return self._by_code.get(code)

    def prefecture_services(self, departement: str):
        return self._list("permanence_prefecture_services", departement)

    def filing_channels(self, departement: str):
        """The plugin's channels, then the national layer's forms that the plugin does not name itself."""
        channels = self._list("permanence_filing_channels", departement)
        local_urls = {channel.url for channel in channels if channel.url and not self.is_national(channel)}
        return [channel for channel in channels
                if not (self.is_national(channel) and channel.url in local_urls)]

    def is_national(self, fact) -> bool:
        """Whether ``fact`` comes from the national layer (core/plugins/national), not a plugin."""
        return id(fact) in self._national_ids

    def origin(self, fact, departement: str) -> str:
        """Who says it, as the département page and the API show it: "national" or the plugin's name."""
        if self.is_national(fact):
            return NATIONAL
        covered = self.departement(departement)
        return covered[1].name if covered else "?"

    def pan_vectors(self, departement: str):
        return self._list("permanence_pan_vectors", departement)

    def substitution_modality(self, departement: str):
        return self._ask("permanence_substitution_modality", departement)

    def local_substitution_modality(self, departement: str):
        """The modality a département plugin sets (e.g. a postal filing under
        an arrêté préfectoral), or None when only the national rule applies."""
        return self._ask("permanence_substitution_modality", departement, local_only=True)

    def local_pitfalls(self, departement: str):
        return self._list("permanence_local_pitfalls", departement)

    def tribunal(self, departement: str):
        return self._ask("permanence_tribunal", departement)

    def resources(self, departement: str):
        return self._list("permanence_resources", departement)

    def letter_templates(self, departement: str):
        return self._list("permanence_letter_templates", departement)

    def local_letter_templates(self, departement: str):
        """The letters a département plugin ships (the others are national)."""
        return self._list("permanence_letter_templates", departement, local_only=True)

    def blockage_kinds(self, departement: str):
        return self._list("permanence_blockage_kinds", departement)
