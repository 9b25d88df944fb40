"""The guide's own generated sentences, in each language the guide is built in.

The pages themselves are translated as Markdown files (``guide/move/index.de.md``); what the
build hooks write into them (dates, the example-values notice, the headings of the settings
table, the command reference and the roster) is here, one table per language, so a German
page never carries an English sentence the build added. Mastodon's own interface labels
are not here: they come from ``companion/i18n/mastodon_labels.json``.
"""

from __future__ import annotations

import string
from datetime import datetime

from babel.dates import format_date

from companion.i18n.languages import DEFAULT_LANGUAGE

EN: dict[str, str] = {
    "site_name": "{community}: moving to {new_server}",
    "deadline": "{day} at {time} ({zone} time)",
    "deadline_utc": ", which is {day} at {time} UTC",
    "example_title": "Example values: this guide is not set up for a community yet",
    "example_body": (
        "This copy of the guide shows {note}. The servers **{old}** and **{new}** and the date "
        "**{deadline}** are placeholders. Organisers: set `campaign.old_server`, "
        "`campaign.new_server` and `campaign.deadline` (see [Running the bot]({link})) and "
        "build the guide again."
    ),
    "running_the_bot": "Running the bot",
    "discord_link": "our Discord server",
    "discord_plain": "the community's Discord server",
    "settings_header": (
        "| Setting (companion.toml) | Environment variable | Default | What it does |"
    ),
    "not_set": "(not set)",
    "secret": " (secret: never printed)",
    "members": "For members",
    "members_note": "Everyone in the community can use these. Replies only you can see.",
    "organisers": "For organisers",
    "organisers_note": (
        "Only organisers can use these (Manage Server permission or the organiser role)."
    ),
    "more_commands": "More commands",
    "type_it": "Type: `{usage}`",
    "no_options": "This command has no options.",
    "options": "Options:",
    "required": "required",
    "optional": "optional",
    "one_of": "One of: {choices}.",
    "type_string": "text",
    "type_integer": "whole number",
    "type_number": "number",
    "type_boolean": "yes / no",
    "type_user": "member",
    "type_channel": "channel",
    "type_role": "role",
    "type_mentionable": "member or role",
    "type_attachment": "file",
    "type_choice": "choice",
    "roster_empty_title": "The roster is not published yet",
    "roster_empty_body": (
        "The roster is published here once members have moved and agreed to be listed. Come "
        "back after the move: the files to download will appear on this page."
    ),
    "roster_one": "**{count} member has moved** and agreed to be listed.",
    "roster_many": "**{count} members have moved** and agreed to be listed.",
    "roster_import_as": "(import it as **{kind}**)",
    "roster_header": "| Member on Discord | Old account | New account | Moved on |",
}

DE: dict[str, str] = {
    "site_name": "{community}: Umzug nach {new_server}",
    "deadline": "{day} um {time} Uhr (Zeitzone {zone})",
    "deadline_utc": ", also {day} um {time} Uhr UTC",
    "example_title": "Beispielwerte: Diese Anleitung ist noch für keine Community eingerichtet",
    "example_body": (
        "Diese Ausgabe der Anleitung zeigt Beispielwerte, weil noch keine Kampagne eingerichtet "
        "ist. Die Server **{old}** und **{new}** und das Datum **{deadline}** sind Platzhalter. "
        "Orga-Team: Setzt `campaign.old_server`, `campaign.new_server` und `campaign.deadline` "
        "(siehe [Den Bot betreiben]({link})) und baut die Anleitung neu."
    ),
    "running_the_bot": "Den Bot betreiben",
    "discord_link": "unserem Discord-Server",
    "discord_plain": "dem Discord-Server der Community",
    "settings_header": (
        "| Einstellung (companion.toml) | Umgebungsvariable | Standardwert | Wozu sie dient |"
    ),
    "not_set": "(nicht gesetzt)",
    "secret": " (geheim: wird nie ausgegeben)",
    "members": "Für Mitglieder",
    "members_note": ("Alle in der Community können sie benutzen. Die Antworten siehst nur du."),
    "organisers": "Für das Orga-Team",
    "organisers_note": (
        "Nur das Orga-Team kann sie benutzen (Berechtigung „Server verwalten“ oder die Orga-Rolle)."
    ),
    "more_commands": "Weitere Befehle",
    "type_it": "Eingabe: `{usage}`",
    "no_options": "Dieser Befehl hat keine Optionen.",
    "options": "Optionen:",
    "required": "Pflicht",
    "optional": "freiwillig",
    "one_of": "Eines von: {choices}.",
    "type_string": "Text",
    "type_integer": "ganze Zahl",
    "type_number": "Zahl",
    "type_boolean": "ja / nein",
    "type_user": "Mitglied",
    "type_channel": "Kanal",
    "type_role": "Rolle",
    "type_mentionable": "Mitglied oder Rolle",
    "type_attachment": "Datei",
    "type_choice": "Auswahl",
    "roster_empty_title": "Die Umzugsliste ist noch nicht veröffentlicht",
    "roster_empty_body": (
        "Die Umzugsliste erscheint hier, sobald Mitglieder umgezogen sind und der Aufnahme "
        "zugestimmt haben. Schau nach dem Umzug wieder vorbei: Dann findest du hier die "
        "Dateien zum Herunterladen."
    ),
    "roster_one": "**{count} Mitglied ist umgezogen** und hat der Aufnahme zugestimmt.",
    "roster_many": "**{count} Mitglieder sind umgezogen** und haben der Aufnahme zugestimmt.",
    "roster_import_as": "(als **{kind}** importieren)",
    "roster_header": "| Mitglied auf Discord | Altes Konto | Neues Konto | Umgezogen am |",
}

FR: dict[str, str] = {
    "site_name": "{community} : déménagement vers {new_server}",
    "deadline": "{day} à {time} (heure de {zone})",
    "deadline_utc": ", soit le {day} à {time} UTC",
    "example_title": "Valeurs d’exemple : ce guide n’est encore configuré pour aucune communauté",
    "example_body": (
        "Cette copie du guide montre des valeurs d’exemple, car aucune campagne n’est encore "
        "configurée. Les serveurs **{old}** et **{new}** et la date **{deadline}** sont "
        "fictifs. Organisateurs : renseignez `campaign.old_server`, `campaign.new_server` et "
        "`campaign.deadline` (voir [Faire tourner le bot]({link})), puis reconstruisez le guide."
    ),
    "running_the_bot": "Faire tourner le bot",
    "discord_link": "notre serveur Discord",
    "discord_plain": "le serveur Discord de la communauté",
    "settings_header": (
        "| Réglage (companion.toml) | Variable d’environnement | Par défaut | À quoi il sert |"
    ),
    "not_set": "(non défini)",
    "secret": " (secret : jamais affiché)",
    "members": "Pour les membres",
    "members_note": (
        "Tout le monde dans la communauté peut les utiliser. Vous seul·e voyez les réponses."
    ),
    "organisers": "Pour les organisateurs",
    "organisers_note": (
        "Réservées aux organisateurs (permission « Gérer le serveur » ou rôle d’organisateur)."
    ),
    "more_commands": "Autres commandes",
    "type_it": "Saisir : `{usage}`",
    "no_options": "Cette commande n’a pas d’option.",
    "options": "Options :",
    "required": "obligatoire",
    "optional": "facultative",
    "one_of": "Au choix : {choices}.",
    "type_string": "texte",
    "type_integer": "nombre entier",
    "type_number": "nombre",
    "type_boolean": "oui / non",
    "type_user": "membre",
    "type_channel": "salon",
    "type_role": "rôle",
    "type_mentionable": "membre ou rôle",
    "type_attachment": "fichier",
    "type_choice": "choix",
    "roster_empty_title": "L’annuaire n’est pas encore publié",
    "roster_empty_body": (
        "L’annuaire est publié ici dès que des membres ont déménagé et accepté d’y figurer. "
        "Revenez après le déménagement : les fichiers à télécharger apparaîtront sur cette page."
    ),
    "roster_one": "**{count} membre a déménagé** et accepté de figurer dans l’annuaire.",
    "roster_many": "**{count} membres ont déménagé** et accepté de figurer dans l’annuaire.",
    "roster_import_as": "(à importer comme **{kind}**)",
    "roster_header": "| Membre sur Discord | Ancien compte | Nouveau compte | Déménagé le |",
}

PHRASES: dict[str, dict[str, str]] = {"en": EN, "de": DE, "fr": FR}


def phrase(language: str, key: str, **values: object) -> str:
    """The guide's sentence ``key`` in ``language`` (English for a language it lacks)."""
    table = PHRASES.get(language, EN)
    return table[key].format(**values) if values else table[key]


def fields(text: str) -> set[str]:
    """The ``{names}`` a sentence fills in (each language must use the same ones)."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def format_day(moment: datetime, language: str = DEFAULT_LANGUAGE) -> str:
    """A day as the reader's language writes it in full (``Tuesday 15 January 2030``).

    English keeps the day-month order, unambiguous in every country; German and French
    take Babel's full date (``Dienstag, 15. Januar 2030``, ``mardi 15 janvier 2030``).
    """
    if language == DEFAULT_LANGUAGE or language not in PHRASES:
        return f"{moment:%A} {moment.day} {moment:%B %Y}"
    return format_date(moment, format="full", locale=language)
