"""The mail errors: each a `CtiError`, so the CLI shows it without a traceback and exits 1."""

from __future__ import annotations

from cti_cli.core.errors import CtiError


class MailError(CtiError, ValueError):
    """Mail could not be configured, composed or sent; the message says what to check.

    A `CtiError`, so the CLI shows it without a traceback and exits 1.
    """


class RecipientRefused(MailError):
    """The server refused one recipient; the connection is still usable for the others."""


class PrivacyError(MailError):
    """The composed text looks like it contains personal data, so it is not sent."""
