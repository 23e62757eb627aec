"""Where the site's shared parts are: ``templates/``, ``static/`` and ``translations/`` sit
beside ``core/`` in a checkout (the design card's layout); a wheel carries them inside the
package, in the ``site`` folder next to this package's modules, which setup.py fills."""
from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent
SITE_ROOT = _PACKAGE / "site" if (_PACKAGE / "site" / "templates").is_dir() else _PACKAGE.parent
