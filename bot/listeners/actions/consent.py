from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.consent.desk import Decision
from bot.listeners.body import incoming
from bot.listeners.services import services
from bot.listeners.tell import tell
from bot.messages import ids

_DECISIONS = {
    ids.CONSENT_AGREE_ACTION: Decision.AGREE,
    ids.CONSENT_DECLINE_ACTION: Decision.DECLINE,
    ids.CONSENT_ATTEST_ACTION: Decision.ATTEST,
}


async def handle_consent(
    ack: AsyncAck, action: dict, client: AsyncWebClient, context: AsyncBoltContext, respond: AsyncRespond
):
    """*I agree*, *I don't agree*, or an admin's *Written consent is on file*: taken from the speaker (or the admin)
    only, once; anyone else is told who may answer, and nothing changes."""
    await ack()
    asked = incoming(context)
    decision = _DECISIONS.get(asked.action_id or "")
    if decision is None:
        return
    desk = services(context).cloner.consent
    text = await desk.decide(client, str(action.get("value") or ""), asked.where, decision)
    if text:
        await tell(client, asked, respond, text)
