"""The library's Block Kit is valid as slack_sdk's models read it (lengths, required fields), with the longest
names a person can give and a full page."""

from __future__ import annotations

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot import messages
from bot.library.home import MAX_BLOCKS, HomeState, home_view
from bot.records import CloneRequest, Job, SharedFile, Stage

LONG = "R" * 100  # the dialog's and the command's longest voice name


def job(n: int) -> Job:
    request = CloneRequest("T0TEAM", "C0VOICES", "U0ALICE", SharedFile(f"F{n}"), None, None, LONG, "pt-BR")
    return Job(f"job{n:04d}", request, Stage.DONE, 1700000000.0 + n, reply_channel="C0VOICES",
               reply_ts="1700000000.000001", voice_id=f"voice-{n:04d}", voice_status="processing",
               permalink="https://acme.slack.com/archives/C0VOICES/p1700000000000001")


def test_a_full_home_page_is_valid_and_leaves_room_for_another_section():
    jobs = [job(n) for n in range(messages.LIBRARY_PAGE_SIZE)]
    view = home_view([messages.home_intro_blocks(),
                      messages.library_blocks(jobs, total=100, mine=False, page=1, agent_updates=True)],
                     HomeState(False, 1))
    View(**view).validate_json()
    assert len(view["blocks"]) + 6 <= MAX_BLOCKS


def test_the_agent_dialogs_and_notices_are_valid():
    labels = [(f"agent-{n}", messages.agent_option_label(LONG, LONG)) for n in range(messages.MAX_STATIC_OPTIONS)]
    View(**messages.agent_dialog(LONG, "job0001", labels)).validate_json()
    View(**messages.agent_dialog(LONG, "job0001", [*labels, ("agent-x", "x")])).validate_json()
    View(**messages.agents_loading_modal(LONG)).validate_json()
    View(**messages.notice_modal(messages.AGENT_DIALOG_TITLE, messages.no_agents(LONG))).validate_json()


def test_the_voice_messages_are_valid():
    blocks = [
        *messages.voice_ready_blocks(LONG, "voice-0001", "en", "ready", job_id="job0001"),
        *messages.agent_now_speaks_blocks(LONG, LONG, "revring-adam", "chg1", "U0ALICE"),
        *messages.voice_deleted_blocks(LONG, "voice-0001", "U0ALICE", 1700000000.0),
    ]
    for block in blocks:
        Block.parse(block).validate_json()
