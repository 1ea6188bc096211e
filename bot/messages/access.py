"""Who may clone: the answers to a person from another organisation, to one not on the approved list, in a
conversation not turned on, and when Slack could not say who the person is."""

from __future__ import annotations

from bot.messages.mrkdwn import escape


def external_user_refused() -> str:
    return (
        "Sorry, voice cloning here is only for members of this workspace. People from other organizations in "
        "shared channels can't use it."
    )


def membership_not_checked() -> str:
    return (
        "I couldn't check with Slack that you're a member of this workspace, so I didn't start anything. "
        "Please try again in a minute."
    )


def person_not_allowed(contact: str | None) -> str:
    who = escape(contact) if contact else "the person who manages the Voice Cloner app in this workspace"
    return f"Voice cloning is limited to approved people here. Ask {who} to add you."


def channel_not_allowed(contact: str | None) -> str:
    who = escape(contact) if contact else "the person who manages the Voice Cloner app"
    return (
        "Voice cloning isn't turned on in this conversation. Use `/clone-voice` in an approved channel, "
        f"or ask {who} to add this one."
    )
