"""The store's two errors: every aggregate (bot.store.inbox, jobs, library, design, workspaces) raises them alike."""

from __future__ import annotations


class StoreUnavailable(Exception):
    """The database cannot be reached or did not answer in time. The message is one line, password masked.

    Every store method raises this (never a driver's exception) while the database is down; the store reconnects by
    itself once it is back.
    """


class SchemaTooNew(Exception):
    """The database was upgraded by a newer bot than this one; the message is one line for the operator."""
