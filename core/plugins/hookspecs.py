"""The contract between the national core and the département plugins.

Every hook a département plugin may implement is specified here, and only here.
A plugin is any object (usually a module or a
:class:`core.plugins.kit.DeclarativePlugin` instance) exposed under the
``permanence.plugins`` entry-point group; its methods or functions named like
the specs below and marked with :data:`hookimpl` are called by the core.

Conventions shared by every hook:

* ``departement`` is an INSEE département code as a string (``"33"``,
  ``"06"``, ``"2A"``, ``"971"``). A plugin answers only for the départements
  it declared in :func:`permanence_departements`; for any other code it
  returns an empty list (list hooks) or ``None`` (single-result hooks).
* Every fact returned is one of the frozen dataclasses of :mod:`core.plugins.facts`.
  Each carries ``source`` (article, arrêté, seed file and section, or public
  page) and ``checked_on`` (the date someone last checked it). Facts are
  validated when they are built, so a plugin cannot return an unsourced fact.
* List hooks: the core calls every enabled plugin and concatenates the lists,
  département plugins first, national defaults last.
* Single-result hooks (``firstresult``): the first non-``None`` answer wins.
  The national defaults plugin is registered first, and pluggy calls
  implementations in reverse registration order, so a département plugin's
  answer always takes precedence over the national default.
* Hooks of a disabled plugin are never called (see :mod:`core.plugins.registry`).

Each hook is typed, and documented in ``docs/hooks.md`` under a heading that
repeats its signature; ``tests/test_hookspecs.py`` fails if a hook is
missing there or its documented signature differs from the code.
"""
import pluggy

from core.plugins.facts import (
    Departement,
    FilingChannel,
    LetterTemplate,
    LocalBlockageKind,
    LocalPitfall,
    PanVector,
    PrefectureService,
    Resource,
    SubstitutionModality,
    Tribunal,
)

PROJECT_NAME = "permanence"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
#: Decorator plugins use to mark their implementations.
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def permanence_departements() -> list[Departement]:
    """The départements this plugin covers.

    Receives: nothing.
    Returns: a list of :class:`core.plugins.facts.Departement` (INSEE code, name,
    préfecture seat). The national defaults plugin returns an empty list.
    Called: once, when the application starts, to build the plugin
    registry; two enabled plugins claiming the same code stop the start-up
    with an error naming both.
    Result: list (one list per plugin).
    """


@hookspec
def permanence_prefecture_services(departement: str) -> list[PrefectureService]:
    """Préfecture and sous-préfecture services handling foreigners.

    Receives: ``departement`` (INSEE code).
    Returns: a list of :class:`core.plugins.facts.PrefectureService` — postal
    address, emails, phones with opening hours, web pages.
    Called: on the département page, when a letter needs a recipient, and
    whenever a volunteer needs to contact the préfecture.
    Result: list.
    """


@hookspec
def permanence_filing_channels(departement: str) -> list[FilingChannel]:
    """Local filing channels for démarches that are not (yet) on ANEF.

    Receives: ``departement`` (INSEE code).
    Returns: a list of :class:`core.plugins.facts.FilingChannel`: a
    démarches-simplifiées link, a postal address, a guichet or an email,
    with the démarche slugs it serves and, when it is below département
    level, the sous-préfecture it belongs to.
    Called: when the rules say a démarche is filed on a local channel, and
    on the département page.
    Result: list.
    """


@hookspec
def permanence_pan_vectors(departement: str) -> list[PanVector]:
    """The ways to book an appointment at the Point d'accueil numérique (PAN).

    Receives: ``departement`` (INSEE code).
    Returns: a list of :class:`core.plugins.facts.PanVector` (phone, email, in
    person, online form…) with hours. The arrêté of 1 Aug 2023 requires at
    least two vectors, one of them not digital; the département page says
    when the recorded ones fall short (:mod:`core.rules.pan`).
    Called: when a case reaches the ``pan`` step, and on the département
    page.
    Result: list.
    """


@hookspec(firstresult=True)
def permanence_substitution_modality(departement: str) -> SubstitutionModality | None:
    """How the R.431-2 al. 3 substitution solution works locally.

    Receives: ``departement`` (INSEE code).
    Returns: a :class:`core.plugins.facts.SubstitutionModality` (e.g. an arrêté
    préfectoral and where to send the paper request), or ``None``.
    Called: when a case reaches the ``substitution`` step, and by the
    letters that request it. The national defaults plugin answers with the
    generic rule of the arrêté of 1 Aug 2023 when no département does.
    Result: single. Stops at first non-None result.
    """


@hookspec
def permanence_local_pitfalls(departement: str) -> list[LocalPitfall]:
    """Known local pitfalls and their workaround.

    Receives: ``departement`` (INSEE code).
    Returns: a list of :class:`core.plugins.facts.LocalPitfall` (e.g. SIRIUS in
    Gironde sending a PACS with a French national to ANEF, which only
    offers marriage), with the démarche slugs they concern.
    Called: when assessing a case of that département, and on its page.
    Result: list.
    """


@hookspec(firstresult=True)
def permanence_tribunal(departement: str) -> Tribunal | None:
    """The tribunal administratif competent for the département.

    Receives: ``departement`` (INSEE code).
    Returns: a :class:`core.plugins.facts.Tribunal` (name, postal address, …), or
    ``None``.
    Called: by the référé letters and on the département page.
    Result: single. Stops at first non-None result.
    """


@hookspec
def permanence_resources(departement: str) -> list[Resource]:
    """Where else to get help: associations, legal hotlines, DDD delegates.

    Receives: ``departement`` (INSEE code).
    Returns: a list of :class:`core.plugins.facts.Resource`. The national defaults
    plugin adds national resources (Défenseur des droits, ANEF support)
    after the local ones.
    Called: on the département page and at the "se faire aider" steps.
    Result: list.
    """


@hookspec
def permanence_letter_templates(departement: str) -> list[LetterTemplate]:
    """The letters and emails for the cases of this département.

    Receives: ``departement`` (INSEE code).
    Returns: a list of :class:`core.plugins.facts.LetterTemplate` (slug,
    title, letter or email, purpose, recipient, channels, legal basis, path
    of a Jinja text template inside the plugin package). The national
    defaults plugin returns the national letters this way; a département's
    letter with the same purpose and kind replaces the national one.
    Called: when a volunteer opens the letters of a case of that
    département, and when the case page recommends letters.
    Result: list.
    """


@hookspec
def permanence_blockage_kinds(departement: str) -> list[LocalBlockageKind]:
    """Local kinds of blockage, counted in the statistics.

    Receives: ``departement`` (INSEE code).
    Returns: a list of :class:`core.plugins.facts.LocalBlockageKind` (slug, label),
    added to the national taxonomy of ``core/rules/data/blockages.yaml``
    for the cases of that département.
    Called: when a volunteer records a blockage on a case, and by the
    statistics page.
    Result: list.
    """
