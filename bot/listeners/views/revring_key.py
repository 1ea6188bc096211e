import asyncio
import logging

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.listeners.access_guard import publish_home
from bot.listeners.body import incoming
from bot.listeners.services import services
from bot.messages import ids
from bot.messages import revring_connection as connection_text
from bot.revring import BillingInactive, RevRingError, Unauthorized

log = logging.getLogger(__name__)

# Slack waits 3 seconds for the answer to a submission, and a wrong key must be told in the dialog.
CHECK_SECONDS = 2.5


async def handle_key_dialog(ack: AsyncAck, view: dict, client: AsyncWebClient, context: AsyncBoltContext):
    """The key dialog was submitted: check the key with RevRing (GET /agents), then keep it encrypted; a key that
    does not work is an error on its field and nothing is saved. Whose key it is comes from the request's own
    workspace, never from the dialog."""
    shared = services(context)
    asked = incoming(context)
    holder = await shared.connection.changeable_by(client, asked.where)
    if holder is None:
        log.warning("RevRing key refused: not an admin, owner or the installer", extra={"user": asked.user_id})
        refusal = connection_text.revring_key_not_admin(org_wide=asked.org_wide)
        await ack(response_action="errors", errors={ids.REVRING_KEY_BLOCK: refusal})
        return
    values = ((view.get("state") or {}).get("values") or {}).get(ids.REVRING_KEY_BLOCK) or {}
    key = str((values.get(ids.FIELD_ACTION) or {}).get("value") or "").strip()
    problem = await _check(shared.revring.candidate(key)) if key else connection_text.revring_key_rejected()
    if problem is not None:
        await ack(response_action="errors", errors={ids.REVRING_KEY_BLOCK: problem})
        return
    change = await shared.connection.connect(asked.where, holder, key)
    await ack()
    await shared.connection.tell(client, change)
    await publish_home(context, client, asked.where)


async def _check(revring) -> str | None:
    try:
        await asyncio.wait_for(revring.check_key(), CHECK_SECONDS)
    except Unauthorized:
        return connection_text.revring_key_rejected()
    except BillingInactive:
        return connection_text.revring_key_billing_inactive()
    except (RevRingError, TimeoutError):
        return connection_text.revring_key_not_checked()
    return None
