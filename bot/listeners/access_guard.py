"""Checks who is acting before any handler runs; the refused are told why and nothing else happens."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot.access.membership import Actor, Installation
from bot.cloning.dialog import DialogTarget
from bot.listeners.body import Incoming, incoming
from bot.listeners.services import services
from bot.listeners.tell import notify
from bot.messages import ids
from bot.messages.library import HomeState
from bot.records import Where


def installation_of(context: AsyncBoltContext) -> Installation:
    """The installation that answers the request (its team and org): what Slack tells the bot is of that one."""
    result = context.authorize_result
    return (
        (result.team_id if result else None) or context.team_id,
        (result.enterprise_id if result else None) or context.enterprise_id,
    )


def actor_of(
    context: AsyncBoltContext, user_id: str, channel_id: str | None, *, outside_conversations: bool = False
) -> Actor:
    team_id, enterprise_id = installation_of(context)
    return Actor(
        user_id=user_id,
        channel_id=channel_id,
        installation_team_id=team_id,
        installation_enterprise_id=enterprise_id,
        outside_conversations=outside_conversations,
    )


async def publish_home(
    context: AsyncBoltContext, client: AsyncWebClient, where: Where, *, state: HomeState = HomeState()
) -> None:
    """Publish `where.user_id`'s Home as they may see it: the library, or to someone who may not use the bot why not.
    Where the Home is published without the guard having let the person in (the Home tab opened, the RevRing key's
    buttons and dialog, which skip the guard), this is how it is published."""
    shared = services(context)
    refusal = await shared.access.refusal(client, actor_of(context, where.user_id, None, outside_conversations=True))
    await shared.home.publish(client, where, state=state, refusal=refusal)


async def guard_access(
    context: AsyncBoltContext, client: AsyncWebClient, next: Callable[[], Awaitable[None]]
) -> BoltResponse | None:
    """Commands, buttons, shortcuts, dialogs and their searches. Events are checked where they would start a clone
    (and the Home tab where it is opened)."""
    asked = incoming(context)
    kind = asked.kind
    if _manages_revring(asked) or (asked.kind == "block_actions" and asked.action_id in ids.CONSENT_ACTIONS):
        # Neither is cloning: the RevRing connection's handlers let only the workspace's admins and the installer in;
        # a consent is answered by its speaker (or an admin) only, whoever may clone.
        await next()
        return None
    if kind not in ("command", "block_actions", "message_action", "shortcut", "view_submission", "block_suggestion"):
        await next()
        return None
    outside = False
    channel_id = asked.channel_id
    view = asked.view
    if kind == "view_submission" and view.get("callback_id") == ids.DIALOG_CALLBACK_ID:
        target = DialogTarget.from_metadata(view.get("private_metadata", ""))
        channel_id = target.channel_id if target else None
    elif kind in ("view_submission", "block_suggestion") or asked.in_view:
        outside = True  # the Home tab, or a dialog opened by a click that was checked
    if not asked.user_id:
        return BoltResponse(status=200, body="")
    actor = actor_of(context, asked.user_id, channel_id, outside_conversations=outside)
    refusal = await services(context).access.refusal(client, actor)
    if refusal is None:
        await next()
        return None
    if kind == "command":
        return _json({"response_type": "ephemeral", "text": refusal})
    if kind == "view_submission":
        return _json({"response_action": "errors", "errors": {_first_input(view): refusal}})
    if kind == "block_suggestion":
        return _json({"options": []})
    if context.respond is not None:
        await context.respond(text=refusal, response_type="ephemeral", replace_original=False)
    elif asked.trigger_id:  # a click in the Home tab or a modal: no conversation to answer in
        await notify(client, asked.trigger_id, refusal)
    return BoltResponse(status=200, body="")


def _first_input(view: dict) -> str:
    """The block a dialog's refusal is shown on: Slack shows errors only on input blocks the view has."""
    inputs = [block.get("block_id") for block in view.get("blocks") or [] if block.get("type") == "input"]
    return next((block_id for block_id in inputs if block_id), ids.NAME_BLOCK)


def _manages_revring(asked: Incoming) -> bool:
    if asked.kind == "block_actions":
        return asked.action_id in (ids.REVRING_CONNECT_ACTION, ids.REVRING_REMOVE_ACTION)
    return asked.kind == "view_submission" and asked.view.get("callback_id") == ids.REVRING_KEY_CALLBACK_ID


def _json(payload: dict) -> BoltResponse:
    return BoltResponse(status=200, body=json.dumps(payload), headers={"content-type": "application/json"})
