"""Workflow Builder runs of the "Clone a voice" step, as Slack starts them: the fake Slack issues the run (its id and
its own token), and the `function_executed` envelope, built from its complete fixture
(tests/fixtures/slack/event_callback_function_executed.json, shaped like Slack's reference and bolt-python's
fixtures), is posted to the bot signed like any Slack request."""

from __future__ import annotations

import itertools
import json
import time
from typing import Any

from tests.conftest import BotClient
from tests.doubles.fake_slack import FakeSlack
from tests.doubles.slack_functions import Execution
from tests.slack_payloads import TEAM, USER, fixture, in_workspace

_ids = itertools.count(1)


def function_executed(
    inputs: dict[str, Any], *, execution_id: str, token: str, event_id: str, event_time: int, team: str = TEAM
) -> dict[str, Any]:
    """The envelope Slack sends when a workflow reaches the step: its `inputs` as the workflow filled them in (an
    optional one left empty is absent), the run's id and its own token."""
    envelope = fixture("event_callback_function_executed")
    envelope["event"].update(
        inputs=inputs, function_execution_id=execution_id, bot_access_token=token, event_ts=f"{event_time}.000200"
    )
    envelope.update(event_id=event_id, event_time=event_time)
    return envelope if team == TEAM else in_workspace(envelope, team)


def step_inputs(file_id: str, name: str = "Rachel", *, requester: str = USER, **optional: Any) -> dict[str, Any]:
    """The step's inputs: the recording, the voice name, who asks; `optional` adds language, progress_channel,
    clone_anyway."""
    return {"recording": file_id, "voice_name": name, "requester": requester, **optional}


async def run_step(
    client: BotClient,
    slack: FakeSlack,
    inputs: dict[str, Any],
    *,
    team: str = TEAM,
    execution: Execution | None = None,
    event_id: str | None = None,
    retry_num: int | None = None,
) -> tuple[Execution, dict[str, Any]]:
    """Start a run of the step (or deliver `execution`'s event again) and post its event; return the run and the
    envelope sent. The bot acknowledges at once: the answer is checked here."""
    execution = execution or slack.executions.start(team)
    envelope = function_executed(
        inputs,
        execution_id=execution.id,
        token=execution.token,
        event_id=event_id or f"Ev0STEP{next(_ids):06d}",
        event_time=int(time.time()),
        team=team,
    )
    headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"} if retry_num else None
    answer = await client.post(json.dumps(envelope), "application/json", headers=headers)
    assert answer.status == 200, answer
    return execution, envelope


async def completion(slack: FakeSlack, count: int = 1) -> list[Any]:
    """Wait until the bot has called functions.completeSuccess or functions.completeError `count` times in all."""
    methods = ("functions.completeSuccess", "functions.completeError")
    await slack.wait_until(lambda: sum(len(slack.calls_to(m)) for m in methods) >= count)
    return [call for call in slack.calls if call.method in methods]
