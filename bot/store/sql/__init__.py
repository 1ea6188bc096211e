"""The store for SQLite and PostgreSQL: one class per aggregate (inbox, jobs, library, design, workspaces) over one
shared SQLAlchemy engine, and `SQLStore`, all of them in one object, which the app opens. What a clone passes through
(the inbox, the job queue, the library's page) is plain driver calls on the engine's connections (plain.py); the
rest is SQLAlchemy's async Core."""

from bot.store.sql.design import SQLDesignCandidates
from bot.store.sql.inbox import SQLInbox
from bot.store.sql.jobs import SQLJobQueue
from bot.store.sql.library import SQLVoiceLibrary
from bot.store.sql.store import SQLStore
from bot.store.sql.workspaces import SQLWorkspaces

__all__ = ["SQLDesignCandidates", "SQLInbox", "SQLJobQueue", "SQLStore", "SQLVoiceLibrary", "SQLWorkspaces"]
