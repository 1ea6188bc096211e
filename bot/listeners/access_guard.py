"""Checks who is acting before any handler runs; the refused are told why and nothing else happens."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot.access.membership import Actor
from bot.cloning.dialog import DialogTarget
from bot.listeners.tell import notify
from bot.messages import ids
from bot.services import services


def actor_of(context: AsyncBoltContext, user_id: str, channel_id: str | None, *,
             outside_conversations: bool = False) -> Actor:
    result = context.authorize_result
    return Actor(
        user_id=user_id,
        channel_id=channel_id,
        installation_team_id=(result.team_id if result else None) or context.team_id,
        installation_enterprise_id=(result.enterprise_id if result else None) or context.enterprise_id,
        outside_conversations=outside_conversations,
    )


async def guard_access(
    body: dict, context: AsyncBoltContext, client: AsyncWebClient, next: Callable[[], Awaitable[None]]
) -> BoltResponse | None:
    """Commands, buttons, shortcuts, dialogs and their searches. Events are checked where they would start a clone
    (and the Home tab where it is opened)."""
    kind = body.get("type") or ("command" if "command" in body else None)
    if _manages_revring(body):
        # The RevRing connection is not cloning: its handlers let only the workspace's admins and the installer in.
        await next()
        return None
    outside = False
    if kind == "command":
        user_id, channel_id = body.get("user_id"), body.get("channel_id")
    elif kind in ("block_actions", "message_action", "shortcut", "view_submission", "block_suggestion"):
        user_id = (body.get("user") or {}).get("id")
        channel_id = (body.get("channel") or {}).get("id")
        view = body.get("view") or {}
        if kind == "view_submission" and view.get("callback_id") == ids.DIALOG_CALLBACK_ID:
            target = DialogTarget.from_metadata(view.get("private_metadata", ""))
            channel_id = target.channel_id if target else None
        elif kind in ("view_submission", "block_suggestion") or (body.get("container") or {}).get("type") == "view":
            outside = True  # the Home tab, or a dialog opened by a click that was checked
    else:
        await next()
        return None
    if not user_id:
        return BoltResponse(status=200, body="")
    actor = actor_of(context, user_id, channel_id, outside_conversations=outside)
    refusal = await services(context).access.refusal(client, actor)
    if refusal is None:
        await next()
        return None
    if kind == "command":
        return _json({"response_type": "ephemeral", "text": refusal})
    if kind == "view_submission":
        return _json({"response_action": "errors", "errors": {_first_input(body.get("view") or {}): refusal}})
    if kind == "block_suggestion":
        return _json({"options": []})
    if context.respond is not None:
        await context.respond(text=refusal, response_type="ephemeral", replace_original=False)
    elif body.get("trigger_id"):  # a click in the Home tab or a modal: no conversation to answer in
        await notify(client, body["trigger_id"], refusal)
    return BoltResponse(status=200, body="")


def _first_input(view: dict) -> str:
    """The block a dialog's refusal is shown on: Slack shows errors only on input blocks the view has."""
    inputs = [block.get("block_id") for block in view.get("blocks") or [] if block.get("type") == "input"]
    return next((block_id for block_id in inputs if block_id), ids.NAME_BLOCK)


def _manages_revring(body: dict) -> bool:
    actions = body.get("actions") if body.get("type") == "block_actions" else None
    if isinstance(actions, list) and actions and isinstance(actions[0], dict):
        return actions[0].get("action_id") in (ids.REVRING_CONNECT_ACTION, ids.REVRING_REMOVE_ACTION)
    view = body.get("view") if body.get("type") == "view_submission" else None
    return isinstance(view, dict) and view.get("callback_id") == ids.REVRING_KEY_CALLBACK_ID


def _json(payload: dict) -> BoltResponse:
    return BoltResponse(status=200, body=json.dumps(payload), headers={"content-type": "application/json"})
