"""Who may clone voices: the workspace's own people (not Slack Connect guests), and the allowlists.

What Slack said is remembered for a few minutes per installation, never across them: the same person (someone in a
Slack Connect channel) is one of A's own people and a guest in B, and the same shared channel has the bot in it
in A but not in B."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from slack_sdk.web.async_client import AsyncWebClient

from bot.access.rights import one_of_its_own
from bot.config import Settings
from bot.messages import access as access_text
from bot.slack.api_errors import SLACK_FAILURES, error_code

log = logging.getLogger(__name__)

CACHE_SECONDS = 300.0
# An installation: its team and its Enterprise Grid org (an org-wide install may have no team).
Installation = tuple[str | None, str | None]
# users.info answers that do say something: nobody the bot can see by that id, so not one of the workspace's own.
_NO_SUCH_USER = {"user_not_found", "user_not_visible"}


@dataclass(frozen=True)
class Actor:
    """The person acting and where, plus the workspace (and org) the app is installed in."""

    user_id: str
    channel_id: str | None
    installation_team_id: str | None
    installation_enterprise_id: str | None = None
    # The Home tab, or a dialog opened by a click that was checked where it happened: no conversation, so
    # ALLOWED_CHANNEL_IDS (which says where clones may be asked for) has nothing to say; the people rules hold.
    outside_conversations: bool = False

    @property
    def installation(self) -> Installation:
        return self.installation_team_id, self.installation_enterprise_id


class AccessPolicy:
    """Answers "may this person clone here?" with None (yes) or the sentence to show them."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._members: dict[tuple[Installation, str], tuple[float, bool]] = {}
        self._groups: dict[Installation, tuple[float, frozenset[str]]] = {}

    async def refusal(self, client: AsyncWebClient, actor: Actor) -> str | None:
        settings = self._settings
        contact = settings.access_contact
        if not settings.allow_external_users:
            member = await self._is_member(client, actor)
            if member is None:
                return access_text.membership_not_checked()  # fail closed: an outsider must not slip through
            if not member:
                return access_text.external_user_refused()
        if (settings.allowed_user_ids or settings.allowed_usergroup_id) and not await self._is_allowed(client, actor):
            return access_text.person_not_allowed(contact)
        if (
            settings.allowed_channel_ids
            and not actor.outside_conversations
            and actor.channel_id not in settings.allowed_channel_ids
        ):
            return access_text.channel_not_allowed(contact)
        return None

    async def _is_member(self, client: AsyncWebClient, actor: Actor) -> bool | None:
        """A member of the installing workspace (or its org); Slack Connect guests are not. None: Slack could not
        say (an error or no answer), which is not remembered, so the next request asks again."""
        key = (actor.installation, actor.user_id)
        cached = self._members.get(key)
        if cached and time.monotonic() - cached[0] < CACHE_SECONDS:
            return cached[1]
        try:
            response = await client.users_info(user=actor.user_id)
        except SLACK_FAILURES as error:
            if error_code(error) in _NO_SUCH_USER:
                return False
            log.warning(
                "users.info failed; the request is refused until Slack answers",
                extra={"user": actor.user_id, "slack_error": error_code(error)},
            )
            return None
        member = one_of_its_own(
            response.get("user") or {}, actor.installation_team_id, actor.installation_enterprise_id
        )
        self._members[key] = (time.monotonic(), member)
        return member

    async def _is_allowed(self, client: AsyncWebClient, actor: Actor) -> bool:
        if actor.user_id in self._settings.allowed_user_ids:
            return True
        group = self._settings.allowed_usergroup_id
        if not group:
            return False
        return actor.user_id in await self._group_members(client, actor.installation, group)

    async def _group_members(self, client: AsyncWebClient, installation: Installation, group: str) -> frozenset[str]:
        cached = self._groups.get(installation)
        if cached and time.monotonic() - cached[0] < CACHE_SECONDS:
            return cached[1]
        try:
            response = await client.usergroups_users_list(usergroup=group)
        except SLACK_FAILURES as error:
            log.warning(
                "usergroups.users.list failed; nobody is let in through the group",
                extra={"slack_error": error_code(error)},
            )
            return frozenset()
        members = frozenset(str(user) for user in response.get("users") or [])
        self._groups[installation] = (time.monotonic(), members)
        return members


class ChannelMembership:
    """Whether the bot is in a conversation (it only receives files from those it is in).

    A "yes" is remembered for a few minutes, so `/clone-voice NAME` answers without a Slack round trip;
    a "no" is always asked again, so inviting the bot takes effect at once.
    """

    def __init__(self) -> None:
        self._known: dict[tuple[Installation, str], float] = {}

    async def includes_bot(self, client: AsyncWebClient, installation: Installation, channel_id: str) -> bool:
        """Whether the bot of `installation` (whose token `client` holds) is in `channel_id`."""
        key = (installation, channel_id)
        if time.monotonic() - self._known.get(key, -CACHE_SECONDS) < CACHE_SECONDS:
            return True
        try:
            response = await client.conversations_info(channel=channel_id)
        except SLACK_FAILURES:
            return False
        channel = response.get("channel") or {}
        member = bool(channel.get("is_member") or channel.get("is_im"))
        if member:
            self._known[key] = time.monotonic()
        return member
