import logging

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.listeners.access_guard import publish_home
from bot.listeners.body import incoming
from bot.listeners.services import services
from bot.messages import revring_connection as connection_text
from bot.slack.api_errors import SLACK_FAILURES, error_code

log = logging.getLogger(__name__)


async def handle_connect(ack: AsyncAck, client: AsyncWebClient, context: AsyncBoltContext):
    """*Connect RevRing* / *Replace key* in the Home tab: the key dialog, for those who may change it."""
    await ack()
    shared = services(context)
    asked = incoming(context)
    if await shared.connection.changeable_by(client, asked.where) is None:
        log.warning("RevRing key dialog refused: not an admin, owner or the installer", extra={"user": asked.user_id})
        await publish_home(context, client, asked.where)  # shows them the status, without the button
        return
    try:
        await client.views_open(trigger_id=asked.trigger_id or "", view=connection_text.key_dialog())
    except SLACK_FAILURES as error:
        log.warning("RevRing key dialog did not open", extra={"slack_error": error_code(error)})


async def handle_remove(ack: AsyncAck, client: AsyncWebClient, context: AsyncBoltContext):
    """*Remove key*: the workspace goes back to the server's key, or to none."""
    await ack()
    shared = services(context)
    asked = incoming(context)
    holder = await shared.connection.changeable_by(client, asked.where)
    if holder is not None:
        change = await shared.connection.remove(asked.where, holder)
        if change is not None:
            await shared.connection.tell(client, change)
    else:
        log.warning("RevRing key removal refused: not an admin, owner or the installer", extra={"user": asked.user_id})
    await publish_home(context, client, asked.where)
