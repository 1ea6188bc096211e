"""The library's Block Kit is valid as slack_sdk's models read it (lengths, required fields), with the longest
names a person can give and a full page."""

from __future__ import annotations

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.messages import agents as agents_text
from bot.messages import clone as clone_text
from bot.messages import library as library_text
from bot.records import CloneRequest, Job, SharedFile, Stage

LONG = "R" * 100  # the dialog's and the command's longest voice name


def job(n: int) -> Job:
    request = CloneRequest("T0TEAM", "C0VOICES", "U0ALICE", SharedFile(f"F{n}"), None, None, LONG, "pt-BR")
    return Job(
        f"job{n:04d}",
        request,
        Stage.DONE,
        1700000000.0 + n,
        reply_channel="C0VOICES",
        reply_ts="1700000000.000001",
        voice_id=f"voice-{n:04d}",
        voice_status="processing",
        permalink="https://acme.slack.com/archives/C0VOICES/p1700000000000001",
    )


def test_a_full_home_page_is_valid_and_leaves_room_for_another_section():
    jobs = [job(n) for n in range(library_text.LIBRARY_PAGE_SIZE)]
    view = library_text.home_view(
        [
            library_text.home_intro_blocks(),
            library_text.library_blocks(jobs, total=100, mine=False, page=1, agent_updates=True),
        ],
        library_text.HomeState(False, 1),
    )
    View(**view).validate_json()
    assert len(view["blocks"]) + 6 <= library_text.MAX_BLOCKS


def test_the_agent_dialogs_and_notices_are_valid():
    labels = [(f"agent-{n}", agents_text.agent_option_label(LONG, LONG)) for n in range(agents_text.MAX_STATIC_OPTIONS)]
    View(**agents_text.agent_dialog(LONG, "job0001", labels)).validate_json()
    View(**agents_text.agent_dialog(LONG, "job0001", [*labels, ("agent-x", "x")])).validate_json()
    View(**agents_text.agents_loading_modal(LONG)).validate_json()
    View(**library_text.notice_modal(agents_text.AGENT_DIALOG_TITLE, agents_text.no_agents(LONG))).validate_json()


def test_the_voice_messages_are_valid():
    blocks = [
        *clone_text.voice_ready_blocks(LONG, "voice-0001", "en", "ready", job_id="job0001"),
        *agents_text.agent_now_speaks_blocks(LONG, LONG, "revring-adam", "chg1", "U0ALICE"),
        *library_text.voice_deleted_blocks(LONG, "voice-0001", "U0ALICE", 1700000000.0),
    ]
    for block in blocks:
        Block.parse(block).validate_json()
