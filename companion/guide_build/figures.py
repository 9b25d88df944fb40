"""Schematic SVG drawings of Mastodon's settings pages for the member guide.

Drawn for the guide (flat shapes on a card, clearly not screenshots), with Mastodon's exact
labels and numbered callouts matching the guide's step numbers. Each figure is drawn once
per language: the labels come only from companion/i18n/mastodon_labels.json (Mastodon's
own locale strings, :func:`label`), the project's own words from ``_OWN`` (:func:`own`).
Each drawing carries its own light card background so it reads the same in the guide's
light and dark palettes; the width suits a phone and a click enlarges it.

Run ``python -m companion.guide_build.figures`` to rewrite guide/assets/figures/ (English)
and its de/ and fr/ folders; a test checks that the committed files match this code.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from companion.i18n.labels import mastodon_label, raw_label
from companion.i18n.languages import DEFAULT_LANGUAGE, LANGUAGES

WIDTH = 400
PAD = 40  # left edge of the page content; callout badges sit in the gutter before it
RIGHT = WIDTH - 18
FONT = "Arial, Helvetica, 'Liberation Sans', Roboto, sans-serif"
CHAR = 0.5  # average glyph width in em, for wrapping (Arial-like fonts)
# The smallest text: a 375 px phone shows a figure about 343 px wide (0.86 of WIDTH), and
# 14 x 0.86 = 12 px there. Nothing in a drawing is smaller.
MIN_FONT = 14

INK = "#1f2328"
GREY = "#57606a"
LINE = "#c9ced6"
ACCENT = "#563acc"  # Mastodon's brand purple, darkened for contrast on white
GREEN = "#1a7f37"
AMBER = "#9a5b00"
RED = "#c62828"
CALLOUT = "#d9480f"
PAPER = "#ffffff"
CHROME = "#eef0f4"
SIDEBAR = "#f4f3fb"

FIGURES_DIR = Path(__file__).resolve().parents[2] / "guide" / "assets" / "figures"

Segment = tuple[str, str]  # (text, style): style is "", "b", "link", "grey", "green", ...


def _width(text: str, size: float) -> float:
    return len(text) * size * CHAR


def wrap(text: str, size: float, width: float) -> list[str]:
    """Split text into lines that fit ``width`` at font ``size`` (estimated)."""
    words, lines, line = text.split(), [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if line and _width(candidate, size) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    if line:
        lines.append(line)
    return lines


def wrap_segments(segments: Sequence[Segment], size: float, width: float) -> list[list[Segment]]:
    """Wrap styled segments at spaces only, keeping each piece's style.

    A word may span segments ("alice@new.example" then "."): it stays on one line, so
    punctuation never wraps onto a line of its own.
    """
    words: list[list[Segment]] = [[]]  # each word: its styled pieces; [] marks a space
    for text, style in segments:
        parts = text.split(" ")
        for i, part in enumerate(parts):
            if i:
                words.append([])
            if part:
                words[-1].append((part, style))
    lines: list[list[Segment]] = [[]]
    used = 0.0
    for word in (w for w in words if w):
        w = sum(_width(text, size) for text, _ in word)
        gap = _width(" ", size) if lines[-1] else 0.0
        if lines[-1] and used + gap + w > width:
            lines.append([])
            used, gap = 0.0, 0.0
        if gap:
            lines[-1].append((" ", lines[-1][-1][1]))
        lines[-1].extend(word)
        used += gap + w
    return [line for line in lines if line]


_STYLE = {
    "": f'fill="{INK}"',
    "b": f'fill="{INK}" font-weight="700"',
    "grey": f'fill="{GREY}"',
    "green": f'fill="{GREEN}"',
    "amber": f'fill="{AMBER}"',
    "red": f'fill="{RED}"',
    "link": f'fill="{ACCENT}" text-decoration="underline"',
    "blink": f'fill="{ACCENT}" font-weight="700"',
    "white": 'fill="#ffffff" font-weight="700"',
}


def _tspans(line: Sequence[Segment]) -> str:
    out, current, buffer = [], None, ""
    for text, style in [*line, ("", "__end__")]:
        if style != current and buffer:
            out.append(f"<tspan {_STYLE[current or '']}>{escape(buffer)}</tspan>")
            buffer = ""
        current = style
        buffer += text
    return "".join(out)


# --------------------------------------------------------------------------------------
# Words: Mastodon's labels from its locale files, the project's own notes from _OWN
# --------------------------------------------------------------------------------------

_language = [DEFAULT_LANGUAGE]  # the language being drawn (render_all sets it)

# The project's own words inside the figures (titles, descriptions read aloud, badges,
# notes, sample numbers and dates as the browser shows them): not Mastodon labels, so
# translated here. Mastodon's labels fill the {placeholders}; page names quoted in a title
# are Mastodon's own strings (mastodon_labels.json), checked by tests/guide.
_OWN: dict[str, dict[str, str]] = {
    "de": {
        "drawing, not a screenshot": "Zeichnung, kein Screenshot",
        "OLD account": "ALTES Konto",
        "NEW account": "NEUES Konto",
        "{a} and {b}": "{a} und {b}",
        "more of the menu": "weitere Menüpunkte",
        "☰  On a phone, tap the menu button to see this list": (
            "☰  Am Handy: Tippe auf den Menüknopf, um diese Liste zu sehen"
        ),
        "Your old posts stay here: posts are not moved.": (
            "Deine alten Beiträge bleiben hier: Beiträge ziehen nicht mit um."
        ),
        "Browse…": "Durchsuchen…",
        "Aug 21, 2026, 10:02": "21.08.2026, 10:02",
        "12.3 MB": "12,3 MB",
        "85.2 MB": "85,2 MB",
        "1,234": "1.234",
        "Mastodon's web app: the way into the settings": (
            "Die Web-App von Mastodon: der Weg in die Einstellungen"
        ),
        "The left column of the Mastodon website with {preferences} and the {more} menu "
        "opened, showing {password} and {import_export}.": (
            "Die linke Spalte der Mastodon-Website mit {preferences} und dem geöffneten Menü "
            "{more}, das {password} und {import_export} zeigt."
        ),
        "The settings menu with {name} open": "Das Einstellungsmenü mit {name} aufgeklappt",
        "Mastodon's settings menu (the sidebar of the settings pages). {name} is open and "
        "shows its sub-items: {subs}. On a phone this menu is behind the menu button at the "
        "top of the page.": (
            "Das Einstellungsmenü von Mastodon (die Seitenleiste der Einstellungsseiten). "
            "{name} ist aufgeklappt und zeigt seine Unterpunkte: {subs}. Am Handy liegt dieses "
            "Menü hinter dem Menüknopf oben auf der Seite."
        ),
        "The Export page on your old account": "Die Seite „Exportieren“ auf deinem alten Konto",
        "Mastodon's Export page: a table of {rows}, with a CSV download link on the rows you "
        "can export (JSON for {filters}, on Mastodon 4.6 and later), then the note about "
        "archives and the {request} button, and a row with the {download} link.": (
            "Die Seite „Exportieren“ von Mastodon: eine Tabelle mit {rows}, mit einem "
            "CSV-Download-Link in den Zeilen, die du exportieren kannst (JSON bei {filters}, "
            "ab Mastodon 4.6), dann der Hinweis zu Archiven, die Schaltfläche {request} und "
            "eine Zeile mit dem Link {download}."
        ),
        "The Import page on your new account": "Die Seite „Importieren“ auf deinem neuen Konto",
        "Mastodon's Import page: the {type} menu set to {following}, the {data} file chooser "
        "with following_accounts.csv chosen, the two choices {merge} (selected) and "
        "{overwrite}, and the {upload} button.": (
            "Die Seite „Importieren“ von Mastodon: das Menü {type} auf {following} gestellt, "
            "die Dateiauswahl {data} mit following_accounts.csv, die zwei Möglichkeiten "
            "{merge} (ausgewählt) und {overwrite} und die Schaltfläche {upload}."
        ),
        "The confirmation page after {upload}": "Die Bestätigungsseite nach {upload}",
        "The page {title}, with the sentence “{preamble}” and the buttons {cancel} and "
        "{confirm}.": (
            "Die Seite {title} mit dem Satz „{preamble}“ und den Schaltflächen {cancel} und "
            "{confirm}."
        ),
        "Account settings on your new account": "Kontoeinstellungen auf deinem neuen Konto",
        "Account settings on your old account": "Kontoeinstellungen auf deinem alten Konto",
        "Mastodon's Account settings page. After {status}, {security} and {sessions} come "
        "the sections {move_to} ({move_to_text}), {moving_from} ({moving_from_text}) and "
        "{delete}. The {highlighted} section is highlighted.": (
            "Die Seite „Kontoeinstellungen“ von Mastodon. Nach {status}, {security} und "
            "{sessions} kommen die Abschnitte {move_to} ({move_to_text}), {moving_from} "
            "({moving_from_text}) und {delete}. Der Abschnitt {highlighted} ist markiert."
        ),
        "The Account aliases page on your new account": (
            "Die Seite „Konto-Aliasse“ auf deinem neuen Konto"
        ),
        "Mastodon's Account aliases page: an explanation that ends {initiated}, the field "
        "{field} with alice@old.example typed in, and the {create} button.": (
            "Die Seite „Konto-Aliasse“ von Mastodon: eine Erklärung, die mit {initiated} "
            "endet, das Feld {field} mit alice@old.example und die Schaltfläche {create}."
        ),
        "The Account migration page on your old account": (
            "Die Seite „Kontoumzug“ auf deinem alten Konto"
        ),
        ", showing the alias error": ", mit dem Alias-Fehler",
        "Mastodon's Account migration page: {not_redirecting} The heading {move_to} with six "
        "warnings; the fields {new_handle} and {password}; and the red {move} button.": (
            "Die Seite „Kontoumzug“ von Mastodon: {not_redirecting} Die Überschrift {move_to} "
            "mit sechs Hinweisen; die Felder {new_handle} und {password}; und die rote "
            "Schaltfläche {move}."
        ),
        "A red bar says {bar}, and under the handle the error reads: {error}.": (
            "Ein roter Balken sagt {bar}, und unter der Adresse steht der Fehler: {error}."
        ),
        "The Account migration page after the move": "Die Seite „Kontoumzug“ nach dem Umzug",
        "After {move}, the Account migration page says {flash} It shows {cancel}, the 30-day "
        "waiting period, and a {past} table with the number of followers at the time of the "
        "move.": (
            "Nach {move} sagt die Seite „Kontoumzug“: {flash} Sie zeigt {cancel}, die "
            "Wartezeit von 30 Tagen und eine Tabelle {past} mit der Zahl der Follower zum "
            "Zeitpunkt des Umzugs."
        ),
        "What your old profile shows after the move": (
            "Was dein altes Profil nach dem Umzug zeigt"
        ),
        "The old profile, alice@old.example, with a banner at the top: {moved} Alice, "
        "@alice@new.example, with a {go} button. Below it the old profile is faded and grey, "
        "with the old posts still there.": (
            "Das alte Profil alice@old.example mit einem Banner oben: {moved} Alice, "
            "@alice@new.example, mit der Schaltfläche {go}. Darunter ist das alte Profil "
            "blass und grau, die alten Beiträge sind noch da."
        ),
        "Logging in to your old account after the move": (
            "Anmelden auf deinem alten Konto nach dem Umzug"
        ),
        "The Mastodon website signed in to the old account after the move: {banner} With "
        "the buttons {settings} and {logout}.": (
            "Die Mastodon-Website, angemeldet mit dem alten Konto nach dem Umzug: {banner} "
            "Mit den Schaltflächen {settings} und {logout}."
        ),
    },
    "fr": {
        "drawing, not a screenshot": "dessin, pas une capture d’écran",
        "OLD account": "ANCIEN compte",
        "NEW account": "NOUVEAU compte",
        "{a} and {b}": "{a} et {b}",
        "more of the menu": "suite du menu",
        "☰  On a phone, tap the menu button to see this list": (
            "☰  Sur téléphone, touchez le bouton du menu pour voir cette liste"
        ),
        "Your old posts stay here: posts are not moved.": (
            "Vos anciens messages restent ici : ils ne déménagent pas."
        ),
        "Browse…": "Parcourir…",
        "Aug 21, 2026, 10:02": "21 août 2026, 10:02",
        "12.3 MB": "12,3 Mo",
        "85.2 MB": "85,2 Mo",
        "1,234": "1 234",
        "Mastodon's web app: the way into the settings": (
            "L’application web de Mastodon : le chemin vers les réglages"
        ),
        "The left column of the Mastodon website with {preferences} and the {more} menu "
        "opened, showing {password} and {import_export}.": (
            "La colonne de gauche du site de Mastodon avec {preferences} et le menu {more} "
            "ouvert, qui montre {password} et {import_export}."
        ),
        "The settings menu with {name} open": "Le menu des réglages avec {name} ouvert",
        "Mastodon's settings menu (the sidebar of the settings pages). {name} is open and "
        "shows its sub-items: {subs}. On a phone this menu is behind the menu button at the "
        "top of the page.": (
            "Le menu des réglages de Mastodon (la barre latérale des pages de réglages). "
            "{name} est ouvert et montre ses sous-éléments : {subs}. Sur téléphone, ce menu "
            "se cache derrière le bouton du menu en haut de la page."
        ),
        "The Export page on your old account": "La page « Export » sur votre ancien compte",
        "Mastodon's Export page: a table of {rows}, with a CSV download link on the rows you "
        "can export (JSON for {filters}, on Mastodon 4.6 and later), then the note about "
        "archives and the {request} button, and a row with the {download} link.": (
            "La page « Export » de Mastodon : un tableau avec {rows}, avec un lien de "
            "téléchargement CSV sur les lignes exportables (JSON pour {filters}, à partir de "
            "Mastodon 4.6), puis la note sur les archives, le bouton {request} et une ligne "
            "avec le lien {download}."
        ),
        "The Import page on your new account": "La page d’import sur votre nouveau compte",
        "Mastodon's Import page: the {type} menu set to {following}, the {data} file chooser "
        "with following_accounts.csv chosen, the two choices {merge} (selected) and "
        "{overwrite}, and the {upload} button.": (
            "La page d’import de Mastodon : le menu {type} réglé sur {following}, le choix du "
            "fichier {data} avec following_accounts.csv, les deux options {merge} "
            "(sélectionnée) et {overwrite}, et le bouton {upload}."
        ),
        "The confirmation page after {upload}": "La page de confirmation après {upload}",
        "The page {title}, with the sentence “{preamble}” and the buttons {cancel} and "
        "{confirm}.": (
            "La page {title}, avec la phrase « {preamble} » et les boutons {cancel} et {confirm}."
        ),
        "Account settings on your new account": (
            "Les paramètres du compte sur votre nouveau compte"
        ),
        "Account settings on your old account": (
            "Les paramètres du compte sur votre ancien compte"
        ),
        "Mastodon's Account settings page. After {status}, {security} and {sessions} come "
        "the sections {move_to} ({move_to_text}), {moving_from} ({moving_from_text}) and "
        "{delete}. The {highlighted} section is highlighted.": (
            "La page des paramètres du compte de Mastodon. Après {status}, {security} et "
            "{sessions} viennent les sections {move_to} ({move_to_text}), {moving_from} "
            "({moving_from_text}) et {delete}. La section {highlighted} est mise en évidence."
        ),
        "The Account aliases page on your new account": (
            "La page des alias du compte sur votre nouveau compte"
        ),
        "Mastodon's Account aliases page: an explanation that ends {initiated}, the field "
        "{field} with alice@old.example typed in, and the {create} button.": (
            "La page des alias de Mastodon : une explication qui se termine par {initiated}, "
            "le champ {field} rempli avec alice@old.example et le bouton {create}."
        ),
        "The Account migration page on your old account": (
            "La page de migration du compte sur votre ancien compte"
        ),
        ", showing the alias error": ", avec l’erreur d’alias",
        "Mastodon's Account migration page: {not_redirecting} The heading {move_to} with six "
        "warnings; the fields {new_handle} and {password}; and the red {move} button.": (
            "La page de migration du compte de Mastodon : {not_redirecting} Le titre {move_to} "
            "avec six avertissements ; les champs {new_handle} et {password} ; et le bouton "
            "rouge {move}."
        ),
        "A red bar says {bar}, and under the handle the error reads: {error}.": (
            "Une barre rouge indique {bar}, et sous l’adresse l’erreur dit : {error}."
        ),
        "The Account migration page after the move": (
            "La page de migration du compte après le déménagement"
        ),
        "After {move}, the Account migration page says {flash} It shows {cancel}, the 30-day "
        "waiting period, and a {past} table with the number of followers at the time of the "
        "move.": (
            "Après {move}, la page de migration du compte indique : {flash} Elle montre "
            "{cancel}, le délai de 30 jours et un tableau {past} avec le nombre d’abonnés au "
            "moment du déménagement."
        ),
        "What your old profile shows after the move": (
            "Ce que montre votre ancien profil après le déménagement"
        ),
        "The old profile, alice@old.example, with a banner at the top: {moved} Alice, "
        "@alice@new.example, with a {go} button. Below it the old profile is faded and grey, "
        "with the old posts still there.": (
            "L’ancien profil alice@old.example, avec un bandeau en haut : {moved} Alice, "
            "@alice@new.example, avec un bouton {go}. En dessous, l’ancien profil est pâli et "
            "gris, les anciens messages toujours là."
        ),
        "Logging in to your old account after the move": (
            "Se connecter à votre ancien compte après le déménagement"
        ),
        "The Mastodon website signed in to the old account after the move: {banner} With "
        "the buttons {settings} and {logout}.": (
            "Le site de Mastodon, connecté à l’ancien compte après le déménagement : {banner} "
            "Avec les boutons {settings} et {logout}."
        ),
    },
}


def label(key: str, **values: object) -> str:
    """Mastodon's label ``key`` in the language being drawn, as the screen shows it."""
    return _fill(mastodon_label(key, _language[0]), values)


def own(text: str, **values: object) -> str:
    """One of the project's own annotations (not a Mastodon label) in the drawn language."""
    language = _language[0]
    table = _OWN.get(language)
    if table is not None and text not in table:
        raise KeyError(f"figures._OWN[{language!r}] has no translation of {text!r}")
    words = table[text] if table is not None else text
    return words.format(**values) if values else words


def label_segments(
    key: str, style: str = "", *, link: str = "link", **values: object
) -> list[Segment]:
    """A label with HTML, as styled pieces: ``<a>`` text as ``link``, ``<strong>`` bold."""
    raw = _fill(raw_label(key, _language[0]), values)
    pieces: list[Segment] = []
    for part in re.split(r"(<a [^>]*>.*?</a>|<strong>.*?</strong>)", raw):
        if not part:
            continue
        inner = re.sub(r"<[^>]+>", "", part)
        if part.startswith("<a "):
            pieces.append((inner, link))
        elif part.startswith("<strong>"):
            pieces.append((inner, "b"))
        else:
            pieces.append((part, style))
    return pieces


def _fill(text: str, values: dict[str, object]) -> str:
    """Fill Rails' ``%{name}`` and the web app's ``{name}`` placeholders; resolve plurals."""

    def plural(match: re.Match[str]) -> str:
        forms = dict(re.findall(r"(\w+) \{([^{}]*)\}", match.group(2)))
        count = values[match.group(1)]
        chosen = forms.get("one") if count == 1 else forms.get("other")
        return str(chosen).replace("#", str(count))

    text = re.sub(r"\{(\w+), plural, ((?:\w+ \{[^{}]*\}\s*)+)\}", plural, text)
    for name, value in values.items():
        text = text.replace(f"%{{{name}}}", str(value)).replace(f"{{{name}}}", str(value))
    return text


@dataclass
class Box:
    """A rectangle on the drawing, for callouts."""

    x: float
    y: float
    w: float
    h: float


@dataclass
class Drawing:
    """A page drawing built top to bottom; ``y`` is the cursor."""

    title: str
    desc: str
    url: str | None = None
    badge: str | None = None  # "old" / "new": which account the page belongs to
    y: float = 0.0
    parts: list[str] = field(default_factory=list)
    overlays: list[str] = field(default_factory=list)
    left: float = PAD
    right: float = RIGHT

    def __post_init__(self) -> None:
        """Start the page: a browser bar when the figure shows a web address, else a margin."""
        if self.url is not None:
            self._browser_bar()
        else:
            self.y = 24

    # -- primitives ---------------------------------------------------------------
    def _browser_bar(self) -> None:
        self.parts.append(
            f'<rect x="1" y="1" width="{WIDTH - 2}" height="40" rx="12" fill="{CHROME}"/>'
        )
        self.parts.append(f'<rect x="1" y="28" width="{WIDTH - 2}" height="13" fill="{CHROME}"/>')
        self.parts.append(
            f'<rect x="14" y="9" width="{WIDTH - 28}" height="24" rx="12" fill="{PAPER}" '
            f'stroke="{LINE}"/>'
        )
        self.parts.append(
            f'<text x="28" y="26" font-size="{MIN_FONT}" fill="{GREY}">'
            f'<tspan fill="{INK}">{escape(self.url or "")}</tspan></text>'
        )
        if self.badge:
            colour = AMBER if self.badge == "old" else GREEN
            badge = own("OLD account" if self.badge == "old" else "NEW account")
            # Bold capitals run wider than the wrapping's average glyph ("NOUVEAU compte").
            caps = sum(1 for char in badge if char.isupper())
            w = _width(badge, MIN_FONT) + caps * MIN_FONT * 0.2 + 18
            x = WIDTH - 20 - w
            self.parts.append(
                f'<rect x="{x:.0f}" y="10" width="{w:.0f}" height="22" rx="11" fill="{colour}"/>'
                f'<text x="{x + w / 2:.0f}" y="26" font-size="{MIN_FONT}" font-weight="700" '
                f'fill="#ffffff" text-anchor="middle">{escape(badge)}</text>'
            )
        self.y = 66

    def text(
        self,
        segments: Sequence[Segment] | str,
        size: float = 15,
        gap: float = 8,
        style: str = "",
        indent: float = 0,
        leading: float = 1.35,
    ) -> Box:
        """A wrapped paragraph; returns its box."""
        if isinstance(segments, str):
            segments = [(segments, style)]
        x = self.left + indent
        lines = wrap_segments(segments, size, self.right - x)
        top = self.y
        for line in lines:
            self.y += size * leading
            self.parts.append(
                f'<text x="{x:.0f}" y="{self.y - size * 0.3:.1f}" font-size="{size}">'
                f"{_tspans(line)}</text>"
            )
        self.y += gap
        return Box(x - 4, top, self.right - x + 8, self.y - top - gap + 2)

    def h1(self, text: str) -> Box:
        """A page heading."""
        return self.text([(text, "b")], size=22, gap=12)

    def h2(self, text: str) -> Box:
        """A section heading."""
        return self.text([(text, "b")], size=16.5, gap=4)

    def space(self, amount: float) -> None:
        """Leave ``amount`` pixels of empty space."""
        self.y += amount

    def rule(self) -> None:
        """A thin horizontal line across the page."""
        self.parts.append(
            f'<line x1="{self.left}" y1="{self.y:.0f}" x2="{self.right}" y2="{self.y:.0f}" '
            f'stroke="{LINE}"/>'
        )
        self.y += 12

    def elision(self, label: str) -> Box:
        """A torn-paper break standing for parts of the page left out of the drawing."""
        y = self.y + 10
        points = " ".join(
            f"{x},{y + (4 if i % 2 else -4)}"
            for i, x in enumerate(range(int(self.left), int(self.right) + 1, 12))
        )
        self.parts.append(
            f'<polyline points="{points}" fill="none" stroke="{LINE}" stroke-width="1.5"/>'
        )
        label_width = _width(label, MIN_FONT)
        self.parts.append(
            f'<rect x="{(self.left + self.right) / 2 - label_width / 2 - 8:.0f}" y="{y - 10}" '
            f'width="{label_width + 16:.0f}" height="20" fill="{PAPER}"/>'
            f'<text x="{(self.left + self.right) / 2:.0f}" y="{y + 4}" font-size="{MIN_FONT}" '
            f'fill="{GREY}" text-anchor="middle" font-style="italic">{escape(label)}</text>'
        )
        top = self.y
        self.y += 28
        return Box(self.left, top, self.right - self.left, 20)

    def field(
        self,
        label: str,
        hint: str | None = None,
        value: str = "",
        required: bool = True,
        width: float | None = None,
        disabled: bool = False,
        error: str | None = None,
        hint_below: bool = False,
        masked: bool = False,
    ) -> Box:
        """A labelled one-line input; Mastodon's block wrapper puts the hint above the box."""
        top = self.y
        segs: list[Segment] = [(label, "b")]
        if required:
            segs.append((" *", "red"))
        self.text(segs, size=14, gap=2)
        if hint and not hint_below:
            self.text(hint, size=MIN_FONT, style="grey", gap=4)
        w = width or (self.right - self.left)
        fill = "#f2f3f5" if disabled else PAPER
        border = RED if error else "#8c959f"
        self.parts.append(
            f'<rect x="{self.left}" y="{self.y:.0f}" width="{w:.0f}" height="32" rx="5" '
            f'fill="{fill}" stroke="{border}" stroke-width="1.2"/>'
        )
        if value:
            shown = "••••••••••" if masked else value
            self.parts.append(
                f'<text x="{self.left + 10}" y="{self.y + 21:.0f}" font-size="14" '
                f'fill="{GREY if disabled else INK}">{escape(shown)}</text>'
            )
        self.y += 38
        if hint and hint_below:
            self.text(hint, size=MIN_FONT, style="grey", gap=4)
        if error:
            self.text(error, size=MIN_FONT, style="red", gap=4)
        self.y += 6
        return Box(self.left - 6, top - 2, w + 12, self.y - top - 2)

    def button(
        self,
        label: str,
        kind: str = "primary",
        x: float | None = None,
        advance: bool = True,
        disabled: bool = False,
    ) -> Box:
        """A button: primary (purple), danger (red) or secondary (outlined)."""
        w = _width(label, 14) + 34
        x = self.left if x is None else x
        fills = {"primary": ACCENT, "danger": RED, "secondary": PAPER}
        fill = fills[kind]
        stroke = ACCENT if kind == "secondary" else fill
        colour = ACCENT if kind == "secondary" else "#ffffff"
        opacity = ' opacity="0.45"' if disabled else ""
        self.parts.append(
            f'<g{opacity}><rect x="{x:.0f}" y="{self.y:.0f}" width="{w:.0f}" height="34" rx="6" '
            f'fill="{fill}" stroke="{stroke}" stroke-width="1.5"/>'
            f'<text x="{x + w / 2:.0f}" y="{self.y + 22:.0f}" font-size="14" font-weight="700" '
            f'fill="{colour}" text-anchor="middle">{escape(label)}</text></g>'
        )
        box = Box(x - 5, self.y - 5, w + 10, 44)
        if advance:
            self.y += 46
        return box

    def bar(self, text: str, kind: str = "green") -> Box:
        """A coloured flash / status bar across the content column."""
        colours = {
            "green": ("#dafbe1", GREEN),
            "amber": ("#fff1c2", AMBER),
            "red": ("#ffe0e0", RED),
        }
        back, ink = colours[kind]
        lines = wrap(text, 13.5, self.right - self.left - 24)
        h = 14 + 18.5 * len(lines)
        top = self.y
        self.parts.append(
            f'<rect x="{self.left}" y="{top:.0f}" width="{self.right - self.left}" '
            f'height="{h:.0f}" rx="6" fill="{back}" stroke="{ink}" stroke-opacity="0.35"/>'
        )
        for i, line in enumerate(lines):
            self.parts.append(
                f'<text x="{self.left + 12}" y="{top + 24 + 18.5 * i:.1f}" font-size="{MIN_FONT}" '
                f'font-weight="700" fill="{ink}">{escape(line)}</text>'
            )
        self.y += h + 12
        return Box(self.left - 4, top - 4, self.right - self.left + 8, h + 8)

    def bullets(self, items: Sequence[str], style: str = "amber", size: float = MIN_FONT) -> Box:
        """A bulleted list; each item may wrap over several lines."""
        top = self.y
        for item in items:
            before = self.y
            self.text(item, size=size, style=style, indent=16, gap=3)
            self.parts.append(
                f'<circle cx="{self.left + 6}" cy="{before + size * 0.95:.1f}" r="2.6" '
                f'fill="{AMBER if style == "amber" else INK}"/>'
            )
        self.y += 6
        return Box(self.left - 4, top, self.right - self.left + 8, self.y - top)

    def table(
        self,
        rows: Sequence[Sequence[Segment | str]],
        columns: Sequence[float],
        header: bool = False,
        size: float = MIN_FONT,
        row_height: float = 30,
    ) -> list[Box]:
        """Rows of cells at the given x offsets (relative to the left edge).

        A cell wider than the room before the next filled cell wraps onto more lines (a
        German header is often twice as long as the English one) and the row grows.
        """
        boxes = []
        line = size * 1.3
        for index, row in enumerate(rows):
            top = self.y
            if index or not header:
                self.parts.append(
                    f'<line x1="{self.left}" y1="{top:.0f}" x2="{self.right}" y2="{top:.0f}" '
                    f'stroke="{LINE}"/>'
                )
            cells = [((c, "") if isinstance(c, str) else c) for c in row]
            wrapped: list[list[str]] = []
            for i, (text, _) in enumerate(cells):
                later = [columns[j] for j in range(i + 1, len(cells)) if cells[j][0]]
                edge = later[0] - 8 if later else WIDTH - 14 - self.left  # the card's edge
                room = edge - columns[i]
                wrapped.append(wrap(text, size, room) or [""])
            height = row_height + line * (max(len(w) for w in wrapped) - 1)
            for (_, style), lines, offset in zip(cells, wrapped, columns, strict=False):
                if header and index == 0:
                    style = "b"
                for n, piece in enumerate(lines):
                    y = top + row_height * 0.66 + line * n
                    self.parts.append(
                        f'<text x="{self.left + offset:.0f}" y="{y:.0f}" '
                        f'font-size="{size}">{_tspans([(piece, style)])}</text>'
                    )
            self.y += height
            boxes.append(Box(self.left - 4, top, self.right - self.left + 8, height))
        self.parts.append(
            f'<line x1="{self.left}" y1="{self.y:.0f}" x2="{self.right}" y2="{self.y:.0f}" '
            f'stroke="{LINE}"/>'
        )
        self.y += 12
        return boxes

    def radio(self, label: str, hint: str, selected: bool) -> Box:
        """A radio button (filled when ``selected``) with its label and a grey hint."""
        top = self.y
        cx, cy = self.left + 9, self.y + 12
        self.parts.append(
            f'<circle cx="{cx}" cy="{cy}" r="8" fill="{PAPER}" '
            f'stroke="{ACCENT if selected else "#8c959f"}" '
            f'stroke-width="2"/>'
        )
        if selected:
            self.parts.append(f'<circle cx="{cx}" cy="{cy}" r="4.2" fill="{ACCENT}"/>')
        self.text([(label, "b"), (" " + hint, "grey")], size=14, indent=26, gap=6)
        return Box(self.left - 5, top - 2, self.right - self.left + 10, self.y - top - 2)

    def avatar(
        self, x: float, y: float, r: float, initial: str, colour: str, grey: bool = False
    ) -> None:
        """A round avatar with an initial, in ``colour`` or greyed out."""
        fill = "#9aa0a6" if grey else colour
        self.parts.append(f'<circle cx="{x}" cy="{y}" r="{r}" fill="{fill}"/>')
        if r >= MIN_FONT:  # a small overlay avatar is a plain disc: no letter under 14 px
            self.parts.append(
                f'<text x="{x}" y="{y + r * 0.38:.1f}" font-size="{r:.0f}" font-weight="700" '
                f'fill="#ffffff" text-anchor="middle">{escape(initial)}</text>'
            )

    # -- callouts -----------------------------------------------------------------
    def callout(self, number: int, box: Box) -> None:
        """Highlight ``box`` and put a numbered badge in the left gutter beside it."""
        self.overlays.append(
            f'<rect x="{box.x:.0f}" y="{box.y:.0f}" width="{box.w:.0f}" height="{box.h:.0f}" '
            f'rx="7" fill="none" stroke="{CALLOUT}" stroke-width="2.5" stroke-dasharray="7 4"/>'
        )
        cx = max(14.0, min(box.x, PAD) - 16)
        cy = box.y + min(box.h / 2, 22)
        self.overlays.append(
            f'<g><circle cx="{cx:.0f}" cy="{cy:.0f}" r="13" fill="{CALLOUT}" stroke="#ffffff" '
            f'stroke-width="2"/><text x="{cx:.0f}" y="{cy + 5.5:.0f}" font-size="15" '
            f'font-weight="700" fill="#ffffff" text-anchor="middle">{number}</text></g>'
        )

    # -- output -------------------------------------------------------------------
    def svg(self) -> str:
        """The finished figure as SVG text, as tall as what was drawn."""
        height = int(self.y + 26)
        body = "\n  ".join(self.parts + self.overlays)
        footer = escape(own("drawing, not a screenshot"))
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
            f'width="{WIDTH}" height="{height}" role="img" aria-labelledby="t d" '
            f'font-family="{FONT}">\n'
            f'  <title id="t">{escape(self.title)}</title>\n'
            f'  <desc id="d">{escape(self.desc)}</desc>\n'
            f'  <rect x="1" y="1" width="{WIDTH - 2}" height="{height - 2}" rx="12" '
            f'fill="{PAPER}" stroke="{LINE}" stroke-width="1.5"/>\n'
            f"  {body}\n"
            f'  <text x="{WIDTH - 14}" y="{height - 8}" font-size="{MIN_FONT}" fill="{GREY}" '
            f'text-anchor="end" font-style="italic">{footer}</text>\n'
            f"</svg>\n"
        )


# --------------------------------------------------------------------------------------
# The pages
# --------------------------------------------------------------------------------------

OLD = "old.example"
NEW = "new.example"


def web_app_menu() -> Drawing:
    """The web app's left column with Preferences and the More menu (4.4+)."""
    d = Drawing(
        own("Mastodon's web app: the way into the settings"),
        own(
            "The left column of the Mastodon website with {preferences} and the {more} menu "
            "opened, showing {password} and {import_export}.",
            preferences=label("webapp_preferences"),
            more=label("webapp_more"),
            password=label("webapp_password_and_security"),
            import_export=label("webapp_import_and_export"),
        ),
        url=f"{OLD}/home",
    )
    for key in ("webapp_home", "webapp_trending", "webapp_notifications"):
        d.text(label(key), size=15, gap=4)
    d.elision(own("more of the menu"))
    pref = d.text([("⚙  " + label("webapp_preferences"), "b")], size=15, gap=6)
    more = d.text([(f"⋯  {label('webapp_more')}  ▾", "b")], size=15, gap=8)
    menu_top = d.y
    d.left += 18
    slot = len(d.parts)
    for key in (
        "webapp_muted_words",
        "webapp_muted_users",
        "webapp_blocked_users",
        "webapp_blocked_domains",
    ):
        d.text(label(key), size=14, gap=2, style="grey")
    d.rule()
    d.text(label("webapp_privacy_and_reach"), size=14, gap=2, style="grey")
    d.text(label("webapp_automated_deletion"), size=14, gap=2, style="grey")
    pw = d.text([(label("webapp_password_and_security"), "b")], size=14.5, gap=6)
    ie = d.text([(label("webapp_import_and_export"), "b")], size=14.5, gap=6)
    d.parts.insert(
        slot,
        f'<rect x="{d.left - 10}" y="{menu_top - 6}" width="{RIGHT - d.left + 10}" '
        f'height="{d.y - menu_top + 8:.0f}" rx="8" fill="{PAPER}" stroke="{LINE}" '
        f'stroke-width="1.5"/>',
    )
    d.left -= 18
    d.y += 14
    d.text(label("webapp_about"), size=MIN_FONT, style="grey")
    d.callout(1, Box(pref.x, pref.y, pref.w, pref.h))
    d.callout(2, Box(more.x, more.y, 120, more.h))
    d.callout(3, pw)
    d.callout(4, ie)
    return d


_SIDEBAR = [
    "sidebar_back",
    "sidebar_public_profile",
    "sidebar_privacy_and_reach",
    "sidebar_preferences",
    "sidebar_follows_and_followers",
    "sidebar_filters",
    "sidebar_automated_post_deletion",
    "sidebar_account",
    "sidebar_import_and_export",
    "sidebar_invite_people",
    "sidebar_development",
    "sidebar_logout",
]
_SIDEBAR_SUBS = {
    "sidebar_account": [
        "sidebar_account_settings",
        "sidebar_two_factor_auth",
        "sidebar_authorized_apps",
    ],
    "sidebar_import_and_export": ["sidebar_import", "sidebar_export"],
}


def sidebar(
    active: str, sub_active: str | None, callouts: dict[int, str], url: str, badge: str
) -> Drawing:
    """The settings sidebar; ``active`` is the key of the open top-level item."""
    name = label(active)
    subs = [label(key) for key in _SIDEBAR_SUBS[active]]
    d = Drawing(
        own("The settings menu with {name} open", name=name),
        own(
            "Mastodon's settings menu (the sidebar of the settings pages). {name} is open and "
            "shows its sub-items: {subs}. On a phone this menu is behind the menu button at "
            "the top of the page.",
            name=name,
            subs=own("{a} and {b}", a=", ".join(subs[:-1]), b=subs[-1]),
        ),
        url=url,
        badge=badge,
    )
    d.text([(own("☰  On a phone, tap the menu button to see this list"), "grey")], gap=10)
    boxes: dict[str, Box] = {}
    for key in _SIDEBAR:
        shown = ("‹  " if key == "sidebar_back" else "") + label(key)
        boxes[key] = d.text([(shown, "b" if key == active else "")], size=14.5, gap=3)
        if key == active:
            for sub in _SIDEBAR_SUBS[key]:
                st = "blink" if sub == sub_active else ""
                boxes[sub] = d.text([(label(sub), st)], size=14, indent=22, gap=3)
    for number, key in callouts.items():
        b = boxes[key]
        d.callout(number, Box(b.x, b.y, _width(label(key), 15) + 34 + (b.x - PAD), b.h))
    return d


_EXPORT_ROWS = [
    ("export_media_storage", "12.3 MB", ""),
    ("export_posts", "1,234", ""),
    ("export_follows", "321", "CSV"),
    ("export_lists", "3", "CSV"),
    ("export_followers", "456", ""),
    ("export_you_mute", "7", "CSV"),
    ("export_you_block", "2", "CSV"),
    ("export_domain_blocks", "1", "CSV"),
    ("export_bookmarks", "40", "CSV"),
    ("export_filters", "5", "JSON"),  # Mastodon 4.6 and later
]


def export_page(callouts: dict[int, str]) -> Drawing:
    """Export page (/settings/export) on the old account."""
    rows = [
        (label(key), own(count) if "," in count or "." in count else count, link)
        for key, count, link in _EXPORT_ROWS
    ]
    d = Drawing(
        own("The Export page on your old account"),
        own(
            "Mastodon's Export page: a table of {rows}, with a CSV download link on the rows "
            "you can export (JSON for {filters}, on Mastodon 4.6 and later), then the note "
            "about archives and the {request} button, and a row with the {download} link.",
            rows=own("{a} and {b}", a=", ".join(r[0] for r in rows[:-1]), b=rows[-1][0]),
            filters=label("export_filters"),
            request=label("request_archive"),
            download=label("download_archive"),
        ),
        url=f"{OLD}/settings/export",
        badge="old",
    )
    d.h1(label("sidebar_export"))
    first = max(150, max(_width(row[0], MIN_FONT) for row in rows) + 14)
    boxes = d.table(
        [[name, count, (("⤓ " + link) if link else "", "link")] for name, count, link in rows],
        columns=[0, first, first + 85],
    )
    csv_rows = [b for b, r in zip(boxes, rows, strict=True) if r[2]]
    d.space(4)
    note = d.text(label_segments("archive_hint", "grey"), size=MIN_FONT)
    request = d.button(label("request_archive"))
    archive = d.table(
        [
            [label("archive_date"), label("archive_size")],
            [own("Aug 21, 2026, 10:02"), own("85.2 MB")],
            [("⤓ " + label("download_archive"), "link")],  # the row's last cell, on its own line
        ],
        columns=[0, 165],
        header=True,
        size=MIN_FONT,
    )
    targets = {
        "csv": Box(
            csv_rows[0].x,
            csv_rows[0].y,
            csv_rows[0].w,
            csv_rows[-1].y + csv_rows[-1].h - csv_rows[0].y,
        ),
        "note": note,
        "request": request,
        "download": archive[2],
    }
    for number, key in callouts.items():
        d.callout(number, targets[key])
    return d


def import_page() -> Drawing:
    """Import page (/settings/imports) on the new account."""
    d = Drawing(
        own("The Import page on your new account"),
        own(
            "Mastodon's Import page: the {type} menu set to {following}, the {data} file "
            "chooser with following_accounts.csv chosen, the two choices {merge} (selected) "
            "and {overwrite}, and the {upload} button.",
            type=label("import_type_label"),
            following=label("import_type_following"),
            data=label("import_data_label"),
            merge=label("import_merge"),
            overwrite=label("import_overwrite"),
            upload=label("import_upload"),
        ),
        url=f"{NEW}/settings/imports",
        badge="new",
    )
    d.h1(label("sidebar_import"))
    kind = d.field(
        label("import_type_label"), label("import_preface"), value=label("import_type_following")
    )
    d.parts.append(
        f'<text x="{RIGHT - 18}" y="{d.y - 23:.0f}" font-size="{MIN_FONT}" fill="{INK}">▾</text>'
    )
    top = d.y
    d.text([(label("import_data_label"), "b"), (" *", "red")], size=14, gap=2)
    d.text(label("import_data_hint"), size=MIN_FONT, style="grey", gap=4)
    browse = own("Browse…")  # the browser's own file picker, not Mastodon's
    button = max(86.0, _width(browse, MIN_FONT) + 16)
    d.parts.append(
        f'<rect x="{PAD}" y="{d.y:.0f}" width="{button:.0f}" height="30" rx="4" fill="{CHROME}" '
        f'stroke="#8c959f"/><text x="{PAD + button / 2:.0f}" y="{d.y + 20:.0f}" '
        f'font-size="{MIN_FONT}" fill="{INK}" text-anchor="middle">{escape(browse)}</text>'
        f'<text x="{PAD + button + 10:.0f}" y="{d.y + 20:.0f}" font-size="{MIN_FONT}" '
        f'fill="{INK}">following_accounts.csv</text>'
    )
    d.y += 40
    data = Box(PAD - 6, top - 2, RIGHT - PAD + 12, d.y - top)
    d.space(2)
    merge = d.radio(label("import_merge"), label("import_merge_long"), selected=True)
    d.radio(label("import_overwrite"), label("import_overwrite_long"), selected=False)
    d.space(4)
    upload = d.button(label("import_upload"))
    d.callout(3, kind)
    d.callout(4, data)
    d.callout(5, merge)
    d.callout(6, upload)
    return d


def import_confirm() -> Drawing:
    """The confirmation step after Upload (/settings/imports/ID)."""
    preamble = label("import_preamble_following", count=321, filename="following_accounts.csv")
    d = Drawing(
        own("The confirmation page after {upload}", upload=label("import_upload")),
        own(
            "The page {title}, with the sentence “{preamble}” and the buttons {cancel} and "
            "{confirm}.",
            title=label("import_title_following"),
            preamble=preamble,
            cancel=label("import_cancel"),
            confirm=label("import_confirm"),
        ),
        url=f"{NEW}/settings/imports/123",
        badge="new",
    )
    d.h1(label("import_title_following"))
    d.text(
        label_segments("import_preamble_following", count=321, filename="following_accounts.csv"),
        size=14.5,
        gap=16,
    )
    cancel = label("import_cancel")
    d.button(cancel, kind="secondary", advance=False)
    confirm = d.button(label("import_confirm"), x=PAD + _width(cancel, 14) + 34 + 14)
    d.callout(7, confirm)
    return d


def account_settings(which: str) -> Drawing:
    """Account settings (/auth/edit), highlighting one of the two moving sections."""
    new = which == "alias"
    move_to, moving_from = label("move_to_heading"), label("moving_from_heading")
    d = Drawing(
        own(
            "Account settings on your new account"
            if new
            else "Account settings on your old account"
        ),
        own(
            "Mastodon's Account settings page. After {status}, {security} and {sessions} come "
            "the sections {move_to} ({move_to_text}), {moving_from} ({moving_from_text}) and "
            "{delete}. The {highlighted} section is highlighted.",
            status=label("account_status"),
            security=label("security_heading"),
            sessions=label("sessions_heading"),
            move_to=move_to,
            move_to_text=label("move_to_sentence"),
            moving_from=moving_from,
            moving_from_text=label("moving_from_sentence"),
            delete=label("delete_account_heading"),
            highlighted=moving_from if new else move_to,
        ),
        url=f"{NEW if new else OLD}/auth/edit",
        badge="new" if new else "old",
    )
    d.h1(label("sidebar_account_settings"))
    d.h2(label("account_status"))
    d.text(label("account_functional"), style="green", size=14)
    d.elision(own("{a} and {b}", a=label("security_heading"), b=label("sessions_heading")))
    top = d.y
    d.h2(move_to)
    d.text(label_segments("move_to_sentence", "grey"), size=14, gap=14)
    move_box = Box(PAD - 6, top - 4, RIGHT - PAD + 12, d.y - top - 6)
    top = d.y
    d.h2(moving_from)
    d.text(label_segments("moving_from_sentence", "grey"), size=14, gap=14)
    alias_box = Box(PAD - 6, top - 4, RIGHT - PAD + 12, d.y - top - 6)
    d.h2(label("delete_account_heading"))
    d.text(label_segments("delete_account_sentence", "grey"), size=14)
    if new:
        d.callout(2, alias_box)
    else:
        d.callout(3, move_box)
    return d


def account_aliases() -> Drawing:
    """Account aliases page (/settings/aliases) on the new account."""
    d = Drawing(
        own("The Account aliases page on your new account"),
        own(
            "Mastodon's Account aliases page: an explanation that ends {initiated}, the field "
            "{field} with alice@old.example typed in, and the {create} button.",
            initiated=label("aliases_hint_strong2"),
            field=label("alias_field_label"),
            create=label("create_alias_button"),
        ),
        url=f"{NEW}/settings/aliases",
        badge="new",
    )
    d.h1(label("aliases_title"))
    d.text(label_segments("aliases_hint"), size=MIN_FONT, gap=14)
    handle = d.field(label("alias_field_label"), label("alias_field_hint"), value=f"alice@{OLD}")
    create = d.button(label("create_alias_button"))
    d.table(
        [[label("alias_field_label"), ""], [label("aliases_empty"), ""]],
        columns=[0, 250],
        header=True,
        size=MIN_FONT,
    )
    d.callout(3, handle)
    d.callout(4, create)
    return d


_WARNINGS = [
    "warning_followers",
    "warning_other_data",
    "warning_redirect",
    "warning_backreference",
    "warning_cooldown",
    "warning_disabled_account",
]


def account_migration(error: bool = False) -> Drawing:
    """Account migration page (/settings/migration) on the old account, before moving."""
    title = own("The Account migration page on your old account")
    desc = own(
        "Mastodon's Account migration page: {not_redirecting} The heading {move_to} with six "
        "warnings; the fields {new_handle} and {password}; and the red {move} button.",
        not_redirecting=label("not_redirecting"),
        move_to=label("move_to_heading"),
        new_handle=label("new_handle_label"),
        password=label("current_password_label"),
        move=label("move_followers_button"),
    )
    if error:
        title += own(", showing the alias error")
        desc += " " + own(
            "A red bar says {bar}, and under the handle the error reads: {error}.",
            bar=label("validation_error_bar"),
            error=label("error_not_an_alias"),
        )
    d = Drawing(title, desc, url=f"{OLD}/settings/migration", badge="old")
    d.h1(label("migration_title"))
    d.text(label("not_redirecting"), style="green", size=14)
    d.h2(label("move_to_heading"))
    d.text(label("warning_before"), size=MIN_FONT, gap=4)
    d.bullets([label(key) for key in _WARNINGS], size=MIN_FONT)
    d.text(label_segments("only_redirect_sentence", "grey"), size=MIN_FONT, gap=12)
    if error:
        d.bar(label("validation_error_bar"), kind="red")
    handle = d.field(
        label("new_handle_label"),
        label("new_handle_hint"),
        value=f"alice@{NEW}",
        error=label("error_not_an_alias") if error else None,
    )
    password = d.field(
        label("current_password_label"), label("current_password_hint"), value="secret", masked=True
    )
    move = d.button(label("move_followers_button"), kind="danger")
    d.h2(label("moving_from_heading"))
    d.text(label_segments("moving_from_sentence", "grey"), size=MIN_FONT)
    if error:
        d.callout(1, handle)
    else:
        d.callout(4, handle)
        d.callout(5, password)
        d.callout(6, move)
    return d


def account_migration_after() -> Drawing:
    """Account migration page after the move: redirecting, cooldown, past migrations."""
    d = Drawing(
        own("The Account migration page after the move"),
        own(
            "After {move}, the Account migration page says {flash} It shows {cancel}, the "
            "30-day waiting period, and a {past} table with the number of followers at the "
            "time of the move.",
            move=label("move_followers_button"),
            flash=label("moved_flash", acct=f"alice@{NEW}"),
            cancel=label("cancel_redirect"),
            past=label("past_migrations"),
        ),
        url=f"{OLD}/settings/migration",
        badge="old",
    )
    d.h1(label("migration_title"))
    d.bar(label("moved_flash", acct=f"alice@{NEW}"), kind="green")
    d.text(label("redirecting_to", acct=f"alice@{NEW}"), style="green", size=14, gap=4)
    d.text(label("cancel_explanation"), size=MIN_FONT, style="grey", gap=4)
    d.text([(label("cancel_redirect"), "link")], size=MIN_FONT, gap=12)
    d.h2(label("move_to_heading"))
    cooldown = d.text(label("on_cooldown_notice", count=30), style="amber", size=MIN_FONT, gap=8)
    d.field(label("new_handle_label"), value="", disabled=True)
    d.field(label("current_password_label"), value="", disabled=True)
    d.button(label("move_followers_button"), kind="danger", disabled=True)
    d.h2(label("past_migrations"))
    rows = d.table(
        [
            [label("past_migrations_moved_to"), label("followers_at_time_of_move"), ""],
            [f"alice@{NEW}", own("1,234"), label("relative_time_minutes_ago", number=5)],
        ],
        columns=[0, 150, 250],
        header=True,
        size=MIN_FONT,
    )
    d.callout(1, cooldown)
    d.callout(2, rows[1])
    return d


def moved_profile() -> Drawing:
    """The old profile after the move, as anyone sees it."""
    d = Drawing(
        own("What your old profile shows after the move"),
        own(
            "The old profile, alice@old.example, with a banner at the top: {moved} Alice, "
            "@alice@new.example, with a {go} button. Below it the old profile is faded and "
            "grey, with the old posts still there.",
            moved=label("moved_to", name="Alice"),
            go=label("go_to_profile"),
        ),
        url=f"{OLD}/@alice",
    )
    top = d.y
    d.parts.append(
        f'<rect x="{PAD - 8}" y="{top - 8}" width="{RIGHT - PAD + 16}" height="104" rx="8" '
        f'fill="{SIDEBAR}" stroke="{LINE}"/>'
    )
    before, _, after = raw_label("moved_to", _language[0]).partition("{name}")
    d.text([(before, ""), ("Alice", "b"), (after, "")], size=14, gap=10)
    row = d.y
    d.avatar(PAD + 20, row + 20, 20, "A", ACCENT)
    d.avatar(PAD + 34, row + 34, 8, "a", "#8a8f98", grey=True)
    d.parts.append(
        f'<text x="{PAD + 52}" y="{row + 16}" font-size="15" font-weight="700" '
        f'fill="{INK}">Alice</text>'
        f'<text x="{PAD + 52}" y="{row + 35}" font-size="{MIN_FONT}" fill="{GREY}">'
        f"@alice@{NEW}</text>"
    )
    d.y = row + 6
    go_label = label("go_to_profile")
    go = d.button(go_label, x=RIGHT - _width(go_label, 14) - 34 - 4, advance=False)
    d.y = row + 62
    banner = Box(PAD - 10, top - 12, RIGHT - PAD + 20, 112)
    faded = d.y
    d.parts.append(
        f'<g opacity="0.5"><rect x="{PAD - 8}" y="{faded}" width="{RIGHT - PAD + 16}" '
        f'height="70" rx="6" fill="#b9bcc2"/>'
    )
    d.y = faded + 70
    d.avatar(PAD + 30, d.y, 26, "a", "#777", grey=True)
    d.parts.append(
        f'<text x="{PAD + 66}" y="{d.y + 12}" font-size="16" font-weight="700" '
        f'fill="{INK}">Alice</text>'
        f'<text x="{PAD + 66}" y="{d.y + 30}" font-size="{MIN_FONT}" fill="{GREY}">'
        f"@alice@{OLD}</text>"
    )
    d.y += 50
    for offset, key in (
        (0, "profile_tab_activity"),
        (90, "profile_tab_media"),
        (170, "profile_tab_featured"),
    ):
        d.parts.append(
            f'<text x="{PAD + offset}" y="{d.y + 14}" font-size="{MIN_FONT}" fill="{GREY}">'
            f"{escape(label(key))}</text>"
        )
    d.y += 26
    d.rule()
    d.text(
        own("Your old posts stay here: posts are not moved."), size=MIN_FONT, style="grey", gap=4
    )
    d.parts.append("</g>")
    d.callout(1, banner)
    d.callout(2, go)
    return d


def old_account_disabled() -> Drawing:
    """What the member sees when logging in to the old account after moving."""
    settings_label, logout = label("disabled_banner_account_settings"), label("log_out")
    banner = label(
        "moved_account_banner", disabledAccount=f"alice@{OLD}", movedToAccount=f"alice@{NEW}"
    )
    d = Drawing(
        own("Logging in to your old account after the move"),
        own(
            "The Mastodon website signed in to the old account after the move: {banner} "
            "With the buttons {settings} and {logout}.",
            banner=banner,
            settings=settings_label,
            logout=logout,
        ),
        url=f"{OLD}/home",
        badge="old",
    )
    pieces: list[Segment] = []
    names = {"{disabledAccount}": f"alice@{OLD}", "{movedToAccount}": f"alice@{NEW}"}
    for part in re.split(
        r"(\{disabledAccount\}|\{movedToAccount\})", raw_label("moved_account_banner", _language[0])
    ):
        if part:
            pieces.append((names[part], "link") if part in names else (part, ""))
    d.text(pieces, size=14.5, gap=14)
    w = RIGHT - PAD
    settings = Box(PAD - 5, d.y - 5, w + 10, 44)
    d.parts.append(
        f'<rect x="{PAD}" y="{d.y:.0f}" width="{w}" height="34" rx="6" fill="{ACCENT}"/>'
        f'<text x="{PAD + w / 2}" y="{d.y + 22:.0f}" font-size="14" font-weight="700" '
        f'fill="#ffffff" text-anchor="middle">{escape(settings_label)}</text>'
    )
    d.y += 44
    d.parts.append(
        f'<rect x="{PAD}" y="{d.y:.0f}" width="{w}" height="34" rx="6" fill="{PAPER}" '
        f'stroke="{ACCENT}" stroke-width="1.5"/><text x="{PAD + w / 2}" y="{d.y + 22:.0f}" '
        f'font-size="14" font-weight="700" fill="{ACCENT}" text-anchor="middle">'
        f"{escape(logout)}</text>"
    )
    d.y += 46
    d.callout(1, settings)
    return d


FIGURES: dict[str, Callable[[], Drawing]] = {
    "web-app-menu": web_app_menu,
    "sidebar-export": lambda: sidebar(
        "sidebar_import_and_export",
        "sidebar_export",
        {3: "sidebar_import_and_export"},
        f"{OLD}/settings/export",
        "old",
    ),
    "sidebar-import": lambda: sidebar(
        "sidebar_import_and_export",
        "sidebar_import",
        {2: "sidebar_import"},
        f"{NEW}/settings/imports",
        "new",
    ),
    "sidebar-account-new": lambda: sidebar(
        "sidebar_account",
        "sidebar_account_settings",
        {1: "sidebar_account_settings"},
        f"{NEW}/auth/edit",
        "new",
    ),
    "sidebar-account-old": lambda: sidebar(
        "sidebar_account",
        "sidebar_account_settings",
        {2: "sidebar_account_settings"},
        f"{OLD}/auth/edit",
        "old",
    ),
    "export-page": lambda: export_page({4: "csv"}),
    "export-archive": lambda: export_page({1: "request", 3: "download"}),
    "import-page": import_page,
    "import-confirm": import_confirm,
    "account-settings-alias": lambda: account_settings("alias"),
    "account-aliases": account_aliases,
    "account-settings-move": lambda: account_settings("move"),
    "account-migration": account_migration,
    "account-migration-error": lambda: account_migration(error=True),
    "account-migration-after": account_migration_after,
    "moved-profile": moved_profile,
    "old-account-disabled": old_account_disabled,
}


def figures_dir(language: str) -> Path:
    """Where a language's figures live: English in figures/, the others in figures/<lang>/."""
    return FIGURES_DIR if language == DEFAULT_LANGUAGE else FIGURES_DIR / language


def render_all(language: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """File name -> SVG text for every figure, drawn with ``language``'s labels."""
    _language[0] = language
    try:
        return {f"{name}.svg": factory().svg() for name, factory in FIGURES.items()}
    finally:
        _language[0] = DEFAULT_LANGUAGE


def main(argv: Sequence[str] | None = None) -> int:
    """Write every figure in every language (``--check`` only compares)."""
    args = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in args
    stale = []
    for language in LANGUAGES:
        folder = figures_dir(language)
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in render_all(language).items():
            path = folder / name
            if path.exists() and path.read_text(encoding="utf-8") == text:
                continue
            stale.append(str(path.relative_to(FIGURES_DIR)))
            if not check:
                path.write_text(text, encoding="utf-8")
    if check and stale:
        print("Out of date figures: " + ", ".join(stale), file=sys.stderr)
        return 1
    count = len(FIGURES) * len(LANGUAGES)
    print(("Checked" if check else "Wrote") + f" {count} figures in {FIGURES_DIR}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
