"""The Workflow Builder step in the app's other modes: over a Socket Mode websocket, and in distribution mode, where
each run is served by its workspace's installation and RevRing key and its token is sealed with ENCRYPTION_KEY."""

from __future__ import annotations

import asyncio
import json

from bot.workspaces.key_vault import KeyVault
from tests import slack_payloads
from tests import test_distribution as distribution
from tests import test_socket_mode as socket_mode
from tests.distribution import ACME_KEY, ENCRYPTION_KEY
from tests.doubles.fake_slack import FakeSlack, HostedFile
from tests.helpers import WAV
from tests.step_runs import completion, function_executed, step_inputs

dist = distribution.dist  # two workspaces that install the app through OAuth
socket_bot = socket_mode.socket_bot  # the bot connected over Socket Mode


async def test_over_socket_mode_the_run_is_acknowledged_and_completed(socket_bot: FakeSlack):
    slack = socket_bot
    await asyncio.wait_for(slack.socket_connected.wait(), 10)
    slack.host_file(HostedFile("F0STEP", "rachel.wav", "audio/wav", WAV))
    run = slack.executions.start("T0TEAM")
    envelope = function_executed(
        step_inputs("F0STEP"), execution_id=run.id, token=run.token, event_id="Ev0SOCKETSTEP", event_time=1700000000
    )
    await slack.send_envelope(slack_payloads.socket_mode_envelope(envelope, "env-step"))
    acknowledged = await asyncio.wait_for(slack.socket_messages.get(), 10)
    assert acknowledged["envelope_id"] == "env-step"
    [done] = await completion(slack)
    assert done.method == "functions.completeSuccess" and done.token == run.token
    assert run.outputs is not None and run.outputs["voice_id"] == "voice-0001"


async def test_in_distribution_mode_the_run_uses_its_workspaces_installation_and_key(dist: distribution.Dist):
    await distribution.installed(dist, dist.acme, dist.globex)
    await dist.person(dist.acme).connect(ACME_KEY)
    dist.slack.host_file(HostedFile("F0STEP", "rachel.wav", "audio/wav", WAV, token=dist.acme.bot_token))
    run = dist.slack.executions.start("T0ACME")
    envelope = function_executed(
        step_inputs("F0STEP", requester="U0ACMEOWNER"),
        execution_id=run.id,
        token=run.token,
        event_id="Ev0DISTSTEP",
        event_time=1700000000,
        team="T0ACME",
    )
    assert (await dist.bot.post(json.dumps(envelope), "application/json")).status == 200
    [done] = await completion(dist.slack)
    assert done.method == "functions.completeSuccess" and done.token == run.token
    assert run.outputs is not None and run.outputs["voice_id"]
    assert [voice.key for voice in dist.revring.voices.values()] == [ACME_KEY]
    assert dist.slack.download_auth == [f"Bearer {dist.acme.bot_token}"]  # the job ran with Acme's bot token
    [(sealed,)] = dist.rows("SELECT json_extract(request, '$.step.sealed_token') FROM jobs")
    assert run.token not in sealed and KeyVault(ENCRYPTION_KEY).decrypt(sealed) == run.token
