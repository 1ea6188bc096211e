"""RevRing API client. Knows nothing of Slack: voices (create, delete, design) and agents (list, set the voice).

`from bot.revring import …` gives the client, its results and every error; the modules hold the details.
"""

from bot.revring.agents import MAX_AGENTS_ANSWER_BYTES, Agent
from bot.revring.client import RevRingClient
from bot.revring.design import (
    MAX_CANDIDATES,
    MAX_DESIGN_ANSWER_BYTES,
    MAX_INSTRUCTION_LENGTH,
    Candidate,
    check_design_request,
    instruction_length,
)
from bot.revring.errors import (
    BillingInactive,
    InvalidBody,
    NotAllowed,
    NotFound,
    OutcomeUnknown,
    RevRingError,
    TooLarge,
    Unauthorized,
    Unavailable,
    UnexpectedAnswer,
    Unprocessable,
    UpdateNotAllowed,
    VoiceIdMissing,
)
from bot.revring.transport import MAX_ANSWER_BYTES, MAX_RATE_LIMIT_RETRIES, MAX_RETRY_AFTER_SECONDS
from bot.revring.voices import Deletion, Voice

__all__ = [
    "MAX_AGENTS_ANSWER_BYTES",
    "MAX_ANSWER_BYTES",
    "MAX_CANDIDATES",
    "MAX_DESIGN_ANSWER_BYTES",
    "MAX_INSTRUCTION_LENGTH",
    "MAX_RATE_LIMIT_RETRIES",
    "MAX_RETRY_AFTER_SECONDS",
    "Agent",
    "BillingInactive",
    "Candidate",
    "Deletion",
    "InvalidBody",
    "NotAllowed",
    "NotFound",
    "OutcomeUnknown",
    "RevRingClient",
    "RevRingError",
    "TooLarge",
    "Unauthorized",
    "Unavailable",
    "UnexpectedAnswer",
    "Unprocessable",
    "UpdateNotAllowed",
    "Voice",
    "VoiceIdMissing",
    "check_design_request",
    "instruction_length",
]
