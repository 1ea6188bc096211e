import logging

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.library.home import publish_home_for
from bot.messages import revring_connection as connection_text
from bot.services import services
from bot.slack.api_errors import SLACK_FAILURES, error_code
from bot.workspaces.connection import key_owner, may_manage_here

log = logging.getLogger(__name__)


async def handle_connect(ack: AsyncAck, body: dict, client: AsyncWebClient, context: AsyncBoltContext):
    """*Connect RevRing* / *Replace key* in the Home tab: the key dialog, for those who may change it."""
    await ack()
    shared = services(context)
    user_id = (body.get("user") or {}).get("id", "")
    if not await may_manage_here(shared, client, context, user_id):
        log.warning("RevRing key dialog refused: not an admin, owner or the installer", extra={"user": user_id})
        # Shows them the status, without the button.
        await publish_home_for(shared, client, user_id, team_id=context.team_id or "",
                               enterprise_id=context.enterprise_id)
        return
    try:
        await client.views_open(trigger_id=body["trigger_id"], view=connection_text.key_dialog())
    except SLACK_FAILURES as error:
        log.warning("RevRing key dialog did not open", extra={"slack_error": error_code(error)})


async def handle_remove(ack: AsyncAck, body: dict, client: AsyncWebClient, context: AsyncBoltContext):
    """*Remove key*: the workspace goes back to the server's key, or to none."""
    await ack()
    shared = services(context)
    user_id = (body.get("user") or {}).get("id", "")
    owner = key_owner(context)
    if owner and await may_manage_here(shared, client, context, user_id):
        await shared.revring.remove(owner)
        log.info("RevRing key removed", extra={"user": user_id})
    else:
        log.warning("RevRing key removal refused: not an admin, owner or the installer", extra={"user": user_id})
    await publish_home_for(shared, client, user_id, team_id=context.team_id or "",
                           enterprise_id=context.enterprise_id)
