"""Every Block Kit id the bot puts in a message or a view and the listeners match on, in one place: buttons and
selects (`*_ACTION`), dialogs (`*_CALLBACK_ID`) and the input blocks a dialog's values are read from (`*_BLOCK`)."""

# The clone dialog and the ways to it
DIALOG_CALLBACK_ID = "clone_voice_dialog"
SHORTCUT_CALLBACK_ID = "clone_voice_from_message"
OPEN_DIALOG_ACTION = "open_clone_dialog"
RETRY_ACTION = "retry_clone"
CLONE_ANYWAY_ACTION = "clone_anyway"  # a poor recording held back by the quality check
NAME_BLOCK, LANGUAGE_BLOCK, AUDIO_BLOCK, CONSENT_BLOCK = "name", "language", "audio", "consent"
FIELD_ACTION = "value"  # every input's own id: a dialog's values are found by their block

# Designing a voice
DESIGN_DIALOG_ACTION = "open_design_dialog"  # the Home tab's *Design a voice* button
DESIGN_CALLBACK_ID = "design_voice_dialog"
SAVE_CANDIDATE_ACTION = "save_design_candidate"
SAVE_CALLBACK_ID = "save_design_candidate_dialog"
DESCRIPTION_BLOCK, COUNT_BLOCK = "description", "count"

# A voice's buttons, the Home tab's library, and *Use in an agent*
USE_IN_AGENT_ACTION = "use_voice_in_agent"
DELETE_VOICE_ACTION = "delete_voice"
UNDO_AGENT_CHANGE_ACTION = "undo_agent_change"
HOME_SHOW_ACTIONS = ("home_show_mine", "home_show_everyone", "home_page_newer", "home_page_older")
AGENT_DIALOG_CALLBACK_ID = "use_in_agent_dialog"
AGENT_BLOCK = "agent"
AGENT_SEARCH_ACTION = "agent_search"  # the external select, past Slack's 100 options

# The RevRing connection (Home tab)
REVRING_CONNECT_ACTION = "revring_key_connect"  # opens the key dialog (Connect, or Replace)
REVRING_REMOVE_ACTION = "revring_key_remove"
REVRING_KEY_CALLBACK_ID = "revring_key_dialog"
REVRING_KEY_BLOCK = "revring_key"

# The speaker's consent (CONSENT on): their answer, or an admin's for someone outside Slack; the dialog's field
CONSENT_AGREE_ACTION = "consent_agree"
CONSENT_DECLINE_ACTION = "consent_decline"
CONSENT_ATTEST_ACTION = "consent_attest"  # an admin: the written consent of someone outside Slack is on file
CONSENT_ACTIONS = (CONSENT_AGREE_ACTION, CONSENT_DECLINE_ACTION, CONSENT_ATTEST_ACTION)
SPEAKER_BLOCK, OUTSIDE_BLOCK = "speaker", "speaker_outside"
OUTSIDE_VALUE = "outside"
