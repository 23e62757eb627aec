"""The build step pyproject.toml cannot say: the site's shared parts travel in the package.

In the checkout, ``templates/``, ``static/`` and ``translations/`` sit beside ``core/`` (the
design card's layout). A wheel copies them into the package's ``site`` folder, with the
catalogues compiled, and the application looks there first (core/web/paths.py). An editable install (``make``)
keeps reading the checkout. Everything else is declared in pyproject.toml."""
from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
SHARED = ("templates", "static", "translations")


class BuildWithSite(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        site = Path(self.build_lib) / "core" / "site"
        for name in SHARED:
            shutil.copytree(ROOT / name, site / name, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pot", "*.mo"))
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po in (site / "translations").glob("*/LC_MESSAGES/*.po"):
            with po.open("rb") as source:
                catalogue = read_po(source, locale=po.parent.parent.name)
            with po.with_suffix(".mo").open("wb") as target:
                write_mo(target, catalogue)


setup(cmdclass={"build_py": BuildWithSite})
