"""The voice library in the app's Home tab: what it shows, Mine and Everyone, pages, and a refresh when a clone
finishes."""

from __future__ import annotations

import json

import pytest

from bot.messages import ids
from bot.messages import library as library_text
from tests import slack_payloads
from tests.conftest import USER, Harness
from tests.helpers import hosted
from tests.voices import click_home, clone, home_buttons, open_home, texts


async def test_opening_home_shows_the_voices_made_so_far_newest_first(harness: Harness):
    rachel = await clone(harness, "Rachel", file_id="F1")
    adam = await clone(harness, "Adam <!channel>", user="U0BOB", file_id="F2")
    home = await open_home(harness)
    call = harness.slack.calls_to("views.publish")[-1]
    assert call.args["user_id"] == USER and home["type"] == "home"
    shown = texts(home)
    assert shown.index("Adam") < shown.index("Rachel")  # newest first
    assert f"`{rachel.voice_id}`" in shown and f"`{adam.voice_id}`" in shown  # copyable
    assert "<!channel>" not in shown and "&lt;!channel&gt;" in shown
    assert "made by <@U0ALICE>" in shown and "made by <@U0BOB>" in shown
    assert "Language `en`" in shown and "ready" in shown and "<!date^" in shown
    # The link to the thread is Slack's own permalink of the answer message (chat.getPermalink, no scope needed).
    permalink_calls = harness.slack.calls_to("chat.getPermalink")
    assert {(c.args["channel"], c.args["message_ts"]) for c in permalink_calls} == {
        (rachel.channel, rachel.ts),
        (adam.channel, adam.ts),
    }
    assert f"<https://acme.slack.com/archives/{rachel.channel}/p{rachel.ts.replace('.', '')}|thread>" in shown
    assert [b["text"]["text"] for b in home_buttons(home, ids.OPEN_DIALOG_ACTION)] == ["Clone a voice"]
    assert [b["text"]["text"] for b in home_buttons(home, ids.DESIGN_DIALOG_ACTION)] == ["Design a voice"]
    assert len(home_buttons(home, ids.USE_IN_AGENT_ACTION)) == 2
    assert len(home_buttons(home, ids.DELETE_VOICE_ACTION)) == 2

    await open_home(harness)  # the links are kept: Slack is not asked again
    assert len(harness.slack.calls_to("chat.getPermalink")) == 2


async def test_an_empty_library_says_how_to_start(harness: Harness):
    home = await open_home(harness)
    assert "No voices have been cloned" in texts(home)
    assert home_buttons(home, ids.OPEN_DIALOG_ACTION)


async def test_the_messages_tab_publishes_nothing(harness: Harness):
    await open_home(harness, tab="messages")
    await harness.settled()
    assert harness.slack.calls_to("views.publish") == []


async def test_mine_shows_only_my_voices_and_everyone_all_of_them(harness: Harness):
    await clone(harness, "Rachel", file_id="F1")
    await clone(harness, "Adam", user="U0BOB", file_id="F2")
    home = await open_home(harness)
    [mine] = home_buttons(home, ids.HOME_SHOW_ACTIONS[0])
    await click_home(harness, home, mine)
    await harness.slack.wait_for("views.publish", 4)
    mine_view = harness.slack.homes[USER]
    assert "Rachel" in texts(mine_view) and "Adam" not in texts(mine_view)
    assert mine_view["private_metadata"] == "mine:0"
    [everyone] = home_buttons(mine_view, ids.HOME_SHOW_ACTIONS[1])
    await click_home(harness, mine_view, everyone)
    await harness.slack.wait_for("views.publish", 5)
    assert "Adam" in texts(harness.slack.homes[USER]) and "Rachel" in texts(harness.slack.homes[USER])


@pytest.mark.parametrize("harness", [{"CLONES_PER_HOUR": "100"}], indirect=True)
async def test_a_library_larger_than_a_page_is_paged_within_slacks_block_limit(harness: Harness):
    size = library_text.LIBRARY_PAGE_SIZE
    for n in range(size + 2):
        await clone(harness, f"Voice {n:02d}", file_id=f"F{n:02d}")
    home = await open_home(harness)
    # Room for another section of about 6 blocks (the RevRing connection) beside a full page.
    assert len(home["blocks"]) + 6 <= library_text.MAX_BLOCKS
    shown = texts(home)
    assert f"Voice {size + 1:02d}" in shown and "Voice 02" in shown and "Voice 01" not in shown
    assert f"1–{size} of {size + 2}" in json.dumps(home["blocks"], ensure_ascii=False)
    assert home_buttons(home, ids.HOME_SHOW_ACTIONS[2]) == []  # no newer page
    [older] = home_buttons(home, ids.HOME_SHOW_ACTIONS[3])
    published = len(harness.slack.calls_to("views.publish"))
    await click_home(harness, home, older)
    await harness.slack.wait_for("views.publish", published + 1)
    second = harness.slack.homes[USER]
    assert "Voice 01" in texts(second) and "Voice 00" in texts(second) and "Voice 02" not in texts(second)
    assert home_buttons(second, ids.HOME_SHOW_ACTIONS[3]) == []
    [newer] = home_buttons(second, ids.HOME_SHOW_ACTIONS[2])
    await click_home(harness, second, newer)
    await harness.slack.wait_for("views.publish", published + 2)
    assert f"Voice {size + 1:02d}" in texts(harness.slack.homes[USER])


async def test_the_requesters_home_is_refreshed_when_their_clone_finishes(harness: Harness):
    await clone(harness, "Rachel", user="U0BOB", file_id="F1")
    [call] = await harness.slack.wait_for("views.publish")
    assert call.args["user_id"] == "U0BOB" and "Rachel" in texts(call.args["view"])


async def test_a_failed_clone_does_not_touch_the_home(harness: Harness):
    harness.revring.answers = ["invalid_body"]
    await harness.bot.share_file(hosted(harness, "F1"), text="<@UBOT> Rachel")
    await harness.slack.wait_for("chat.update")
    # The Home is refreshed beside the clone, after its answer: a later clone's refresh is the barrier (it comes
    # after a whole clone more, so a refresh for the failed one would be there first).
    await clone(harness, "Adam", file_id="F2")
    [published] = harness.slack.calls_to("views.publish")
    assert "Adam" in texts(published.args["view"]) and "Rachel" not in texts(published.args["view"])


async def test_another_workspaces_voices_are_not_shown(harness: Harness):
    await clone(harness, "Rachel", file_id="F1")
    envelope = slack_payloads.app_home_opened(event_id="EvOTHER1", event_time=1700000300, team="T0OTHER")
    await harness.bot.post(json.dumps(envelope), "application/json")
    calls = await harness.slack.wait_for("views.publish", 2)
    assert "Rachel" not in texts(calls[-1].args["view"]) and "No voices" in texts(calls[-1].args["view"])


@pytest.mark.parametrize("harness", [{"ALLOWED_USER_IDS": "U0BOB"}], indirect=True)
async def test_someone_not_allowed_sees_why_and_no_library(harness: Harness):
    home = await open_home(harness, USER)
    assert "limited to approved people" in texts(home)
    assert home_buttons(home, ids.OPEN_DIALOG_ACTION) == []


async def test_an_outsider_sees_why_and_no_library(harness: Harness):
    harness.slack.user_teams[USER] = "T0OTHER"
    home = await open_home(harness, USER)
    assert "only for members" in texts(home)


@pytest.mark.parametrize("harness", [{"ALLOWED_CHANNEL_IDS": "C0APPROVED"}], indirect=True)
async def test_a_channel_allowlist_does_not_hide_the_home_tab(harness: Harness):
    home = await open_home(harness, USER)
    assert home_buttons(home, ids.OPEN_DIALOG_ACTION)


async def test_clone_a_voice_in_the_home_tab_opens_the_dialog_for_a_dm(harness: Harness):
    home = await open_home(harness)
    [button] = home_buttons(home, ids.OPEN_DIALOG_ACTION)
    await click_home(harness, home, button)
    [opened] = await harness.slack.wait_for("views.open")
    assert opened.args["view"]["callback_id"] == ids.DIALOG_CALLBACK_ID
    assert json.loads(opened.args["view"]["private_metadata"])["channel_id"] == USER


@pytest.mark.parametrize("harness", [{"AGENT_UPDATES": "off"}], indirect=True)
async def test_agent_updates_off_hides_use_in_an_agent_everywhere(harness: Harness):
    made = await clone(harness, "Rachel", file_id="F1")
    assert ids.USE_IN_AGENT_ACTION not in made.buttons and ids.DELETE_VOICE_ACTION in made.buttons
    home = await open_home(harness)
    assert home_buttons(home, ids.USE_IN_AGENT_ACTION) == []
    assert home_buttons(home, ids.DELETE_VOICE_ACTION)
