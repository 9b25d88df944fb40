"""Keep the message catalogs in step with the code: extract, update, check.

``python -m companion.catalogs`` extracts every marked sentence (``N_``, ``NP_``, ``_``)
and every command, group and option name of the command tree into
``companion/locales/messages.pot``, then merges it into each language's ``messages.po``
(new sentences arrive untranslated, changed ones fuzzy, so the catalog test points at them).
``--check`` only reports whether the template is out of date (exit 1), for CI.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from companion import __version__
from companion.i18n.catalog import DOMAIN, LOCALES_DIR, po_path
from companion.i18n.languages import DEFAULT_LANGUAGE, LANGUAGES

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATE = LOCALES_DIR / f"{DOMAIN}.pot"
KEYWORDS = {"N_": None, "NP_": (1, 2), "_": None, "gettext": None, "ngettext": (1, 2)}
NAME_CONTEXT = "command name"  # the same context the Discord translator looks names up in
_WIDTH = 96


def _command_names() -> Iterator[tuple[str, str]]:
    """Every name a Discord client shows for our commands, with where it is defined."""
    from discord import app_commands

    from companion.bot.commands import command_groups

    def walk(item: app_commands.Group | app_commands.Command) -> Iterator[tuple[str, str]]:
        yield item.name, f"/{item.qualified_name}"
        if isinstance(item, app_commands.Group):
            for child in item.commands:
                yield from walk(child)
        else:
            for param in item.parameters:
                yield param.name, f"/{item.qualified_name} {param.name}"

    for group in command_groups():
        yield from walk(group)


def extracted_template() -> Catalog:
    """The template as the code is now: sentences from the source, names from the tree."""
    template = Catalog(
        project="migration-companion",
        version=__version__,
        domain=DOMAIN,
        header_comment="# Sentences of the Migration Companion bot. Do not edit: regenerate "
        "with `python -m companion.catalogs`.",
        fuzzy=False,
    )
    found = extract_from_dir(
        PACKAGE_DIR,
        keywords=KEYWORDS,
        comment_tags=("Translators:",),
        strip_comment_tags=True,
        directory_filter=lambda path: "standins" not in Path(path).parts,
    )
    for filename, lineno, message, comments, context in found:
        location = (f"companion/{Path(filename).as_posix()}", lineno)
        template.add(message, locations=[location], auto_comments=comments, context=context)
    for name, where in _command_names():
        template.add(name, context=NAME_CONTEXT, auto_comments=[f"Discord name in {where}"])
    return template


def _render(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_po(
        buffer,
        catalog,
        width=_WIDTH,
        omit_header=False,
        sort_output=False,
        ignore_obsolete=True,
        include_previous=False,
    )
    return buffer.getvalue()


def _comparable(po_bytes: bytes) -> set[tuple[object, object]]:
    catalog = read_po(io.BytesIO(po_bytes))
    return {(message.id, message.context) for message in catalog if message.id}


def template_is_current() -> bool:
    """Whether ``messages.pot`` holds exactly the messages the code uses now."""
    if not TEMPLATE.exists():
        return False
    return _comparable(TEMPLATE.read_bytes()) == _comparable(_render(extracted_template()))


def update() -> None:
    """Rewrite the template and merge it into every language's catalog."""
    template = extracted_template()
    TEMPLATE.parent.mkdir(parents=True, exist_ok=True)
    TEMPLATE.write_bytes(_render(template))
    for language in LANGUAGES:
        if language == DEFAULT_LANGUAGE:
            continue
        path = po_path(language)
        if path.exists():
            with path.open("rb") as po_file:
                catalog = read_po(po_file, locale=language, domain=DOMAIN)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(locale=language, domain=DOMAIN, project="migration-companion")
        catalog.update(template, no_fuzzy_matching=False)
        path.write_bytes(_render(catalog))


def main(argv: list[str] | None = None) -> int:
    """Update the catalogs, or with ``--check`` say whether the template is current."""
    args = sys.argv[1:] if argv is None else argv
    if "--check" in args:
        if template_is_current():
            return 0
        print("companion/locales/messages.pot is out of date: run python -m companion.catalogs")
        return 1
    update()
    print(
        f"Updated {TEMPLATE.relative_to(PACKAGE_DIR.parent)} and the catalogs of "
        + ", ".join(code for code in LANGUAGES if code != DEFAULT_LANGUAGE)
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
