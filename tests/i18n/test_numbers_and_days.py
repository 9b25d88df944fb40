"""Counts, shares and days as each language writes them (issue 14).

A German organiser reads "12.345 weitere" and "42 %", a French one "12 345" and "jeu. 3 déc.":
the catalogs keep ``{count:,}`` from the English message, and the language decides how it is
written when the sentence is shown.
"""

from __future__ import annotations

from datetime import date

import pytest

from companion import texts
from companion.i18n import format_count, format_share, gettext, ngettext
from companion.i18n.dates import format_month_day, format_short_day

NNBSP = "\u202f"  # CLDR's French digit group separator (a narrow no-break space)


@pytest.mark.parametrize(
    ("language", "written"), [("en", "12,345"), ("de", "12.345"), ("fr", f"12{NNBSP}345")]
)
def test_counts_in_sentences_are_grouped_as_the_language_writes_them(language, written):
    sentence = gettext(texts.ROSTER_POST_MORE, language).format(count=12345)
    assert written in sentence
    assert format_count(12345, language) == written
    title = ngettext(texts.MEND_TITLE, 1500, language).format(kind="x", rows=1500, rows_in=12345)
    assert written in title
    assert written.replace("12", "1").replace("345", "500") in title


@pytest.mark.parametrize(
    ("language", "written"), [("en", "42%"), ("de", "42\u00a0%"), ("fr", "42\u00a0%")]
)
def test_shares_carry_the_languages_percent_sign(language, written):
    assert format_share(0.42, language) == written


@pytest.mark.parametrize(
    ("language", "short", "month_day"),
    [
        ("en", "Thu 3 Dec", "3 Dec"),
        ("de", "Do., 3. Dez.", "3. Dez."),
        ("fr", "jeu. 3 déc.", "3 déc."),
    ],
)
def test_days_are_named_in_the_language(language, short, month_day):
    day = date(2026, 12, 3)
    assert format_short_day(day, language=language) == short
    assert format_month_day(day, language=language) == month_day


def test_other_format_specs_are_left_to_python():
    assert gettext("{n:>4}", "de").format(n=7) == "   7"
    assert gettext("{share:.1f}", "fr").format(share=0.25) == "0.2"
