"""What listeners need besides Bolt's own arguments, carried in the Bolt context. Only the listeners and the app
factory know this bag: the code they call takes the objects it uses."""

from __future__ import annotations

from dataclasses import dataclass, field

from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore

from bot.access.membership import AccessPolicy, ChannelMembership
from bot.cloning.cloner import Cloner
from bot.cloning.workflow_step import StepCompletion, StepDeadlines
from bot.config import Settings
from bot.design.limits import DesignLimits
from bot.library.home import HomeTab
from bot.listeners.unfinished import Unfinished
from bot.ops.metrics import Metrics
from bot.store import RequestStore
from bot.workspaces.connection import RevRingConnection
from bot.workspaces.revring_accounts import RevRingAccounts

CONTEXT_KEY = "services"


@dataclass(frozen=True)
class Services:
    settings: Settings
    store: RequestStore
    cloner: Cloner
    access: AccessPolicy
    membership: ChannelMembership
    metrics: Metrics
    revring: RevRingAccounts
    home: HomeTab
    connection: RevRingConnection  # the Home tab's RevRing key: who may change it, and each change told
    designs: DesignLimits
    steps: StepCompletion  # Workflow Builder steps: seals each run's token, and ends the run with its job's answer
    step_deadlines: StepDeadlines  # and fails a run whose job still waits at STEP_QUEUE_SECONDS
    installations: AsyncInstallationStore | None = None  # distribution mode: every workspace's installation
    unfinished: Unfinished = field(default_factory=Unfinished)  # listeners running on after their answer


def services(context: AsyncBoltContext) -> Services:
    return context[CONTEXT_KEY]
