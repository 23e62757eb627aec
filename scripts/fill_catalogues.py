"""After `pybabel update`: keep English to what differs, list what French lacks.

The message ids are English, and gettext shows the id when a catalogue has
no translation for it, so the English catalogue holds only the messages
whose English differs from their id (none today) and is otherwise empty.
French is translated by people, in ``translations/fr/LC_MESSAGES/messages.po``
(any PO editor works); this lists the ids still untranslated or fuzzy there
and exits non-zero, so `make update-messages` says what to translate.
"""
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"


def catalogue_path(locale: str) -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"


def prune_english() -> None:
    """Drop the English entries that only repeat their id (or are empty)."""
    path = catalogue_path("en")
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale="en")
    for message in list(catalogue):
        if message.id and (message.fuzzy or not _translated(message) or message.string == message.id
                           or (isinstance(message.id, tuple) and tuple(message.string) == message.id)):
            catalogue.delete(message.id, context=message.context)
    catalogue.obsolete.clear()
    with path.open("wb") as handle:
        write_po(handle, catalogue, width=100, no_location=True, sort_output=True, omit_header=False)


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings)


def untranslated(locale: str) -> list[str]:
    with catalogue_path(locale).open("rb") as handle:
        return [str(m.id) for m in read_po(handle, locale=locale) if m.id and (not _translated(m) or m.fuzzy)]


if __name__ == "__main__":
    prune_english()
    missing = untranslated("fr")
    for message_id in missing:
        print(f"to translate in translations/fr/LC_MESSAGES/messages.po: {message_id!r}", file=sys.stderr)
    sys.exit(1 if missing else 0)
