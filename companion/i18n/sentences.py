"""Errors that explain themselves in a catalog sentence, worded when someone reads them."""

from __future__ import annotations

from companion.i18n.catalog import _


class SentenceError(ValueError):
    """Bad input whose ``message`` is an N_-marked sentence in the reader's language.

    The sentence is kept as its message id and fields, so the same error reads German to a
    German member and English in a log, whoever raised it.
    """

    def __init__(self, template: str, **fields: object) -> None:
        super().__init__(template)
        self.template = template  # an N_-marked message id
        self.fields = fields

    def common_fields(self) -> dict[str, object]:
        """Fields every sentence of this kind of error may use (none by default)."""
        return {}

    @property
    def message(self) -> str:
        """Why, in the language of whoever reads it now."""
        return _(self.template).format(**self.common_fields(), **self.fields)

    def __str__(self) -> str:
        """The sentence itself, for logs and tracebacks too."""
        return self.message
