"""Distribution mode for the tests: two workspaces that install the app through OAuth, each with its own RevRing
organisation, and the steps a person takes in a browser and in Slack (install, open the Home tab, connect a key)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp

from bot.messages import ids
from tests import slack_payloads
from tests.conftest import BotClient, make_env
from tests.doubles.fake_revring import FakeRevRing
from tests.doubles.fake_slack import ApiCall, FakeSlack, Workspace

ENCRYPTION_KEY = "q4yK9xv1cR3s8m0bN2d5Fh7jL6pT0wZe1aS3dG5hJ7k="
OLD_ENCRYPTION_KEY = "Zm9yLXJvdGF0aW9uLW9ubHktYS1zZWNvbmQta2V5LTE="
STATE_COOKIE = "slack-app-oauth-state"
ACME_KEY = "rr_acme_live_key_1111aaaa"
GLOBEX_KEY = "rr_globex_live_key_2222bbbb"
REVRING_KEYS = {ACME_KEY: "Acme", GLOBEX_KEY: "Globex"}


def two_workspaces(slack: FakeSlack) -> tuple[Workspace, Workspace]:
    acme = slack.add_workspace(Workspace("T0ACME", "Acme", "xoxb-acme-bot-token-111", "code-acme", "U0ACMEOWNER"))
    globex = slack.add_workspace(
        Workspace("T0GLOBEX", "Globex", "xoxb-globex-bot-token-222", "code-globex", "U0GLOBEXOWNER")
    )
    return acme, globex


def org_wide_workspace(slack: FakeSlack) -> Workspace:
    """The Enterprise Grid org Acme Org, installed org-wide (its workspaces served by one installation)."""
    return slack.add_workspace(
        Workspace(
            None,
            "Acme Org",
            "xoxb-org-bot-token-444",
            "code-org",
            "U0ORGADMIN",
            enterprise=dict(slack_payloads.ENTERPRISE),
            org_wide=True,
        )
    )


def distribution_env(slack: FakeSlack, revring: FakeRevRing, **overrides: str) -> dict[str, str]:
    """Distribution mode's settings: no SLACK_BOT_TOKEN, and no REVRING_API_KEY unless a test lends one."""
    settings = {
        "SLACK_BOT_TOKEN": "",
        "REVRING_API_KEY": "",
        "SLACK_CLIENT_ID": slack.client_id,
        "SLACK_CLIENT_SECRET": slack.client_secret,
        "ENCRYPTION_KEY": ENCRYPTION_KEY,
    }
    return make_env(slack, revring, **{**settings, **overrides})


@dataclass
class Started:
    """What GET /slack/install answered: the redirect to Slack's consent screen, and the state cookie it set."""

    status: int
    location: str
    state: str | None
    cookie: str | None


async def start_install(session: aiohttp.ClientSession, url: str) -> Started:
    async with session.get(f"{url}/slack/install", allow_redirects=False) as response:
        location = response.headers.get("Location", "")
        cookie = response.cookies.get(STATE_COOKIE)
        state = parse_qs(urlsplit(location).query).get("state", [None])[0]
        return Started(response.status, location, state, cookie.value if cookie else None)


async def finish_install(
    session: aiohttp.ClientSession, url: str, *, code: str, state: str | None, cookie: str | None
) -> tuple[int, str]:
    """The browser back from Slack's consent screen: GET /slack/oauth_redirect?code&state, with the cookie."""
    params = {"code": code, **({"state": state} if state is not None else {})}
    headers = {"Cookie": f"{STATE_COOKIE}={cookie}"} if cookie else {}
    async with session.get(
        f"{url}/slack/oauth_redirect", params=params, headers=headers, allow_redirects=False
    ) as response:
        return response.status, await response.text()


async def install(
    session: aiohttp.ClientSession, url: str, workspace: Workspace, *, finish_url: str | None = None
) -> tuple[int, str]:
    started = await start_install(session, url)
    return await finish_install(
        session, finish_url or url, code=workspace.code, state=started.state, cookie=started.cookie
    )


class Person:
    """Someone in `workspace` using the app's Home tab through the running bot."""

    def __init__(
        self, slack: FakeSlack, bot: BotClient, workspace: Workspace, user: str, team: str | None = None
    ) -> None:
        self.slack, self.bot, self.workspace, self.user = slack, bot, workspace, user
        # Where they are: the workspace, or for an org-wide install one workspace of the org, its payloads org-wide.
        self.team = team or str(workspace.team_id)

    def _where(self, payload: dict[str, Any]) -> dict[str, Any]:
        return slack_payloads.org_wide(payload) if self.workspace.org_wide else payload

    def calls(self, method: str) -> list[ApiCall]:
        return [
            call
            for call in self.slack.calls_to(method)
            if call.token == self.workspace.bot_token and call.args.get("user_id", self.user) == self.user
        ]

    async def open_home(self) -> list[dict[str, Any]]:
        """Open the Home tab; the blocks published for this person."""
        before = len(self.calls("views.publish"))
        envelope = self._where(
            slack_payloads.app_home_opened(
                user=self.user, event_id=f"Ev{time.monotonic_ns()}", event_time=int(time.time()), team=self.team
            )
        )
        assert (await self.bot.post(json.dumps(envelope), "application/json")).status == 200
        return await self.home_after(before)

    async def home_after(self, before: int) -> list[dict[str, Any]]:
        await self.slack.wait_until(lambda: len(self.calls("views.publish")) > before)
        return self.calls("views.publish")[-1].args["view"]["blocks"]

    async def click(self, button: dict[str, Any]) -> int:
        payload = self._where(slack_payloads.block_actions_in_home(button, user=self.user, team=self.team))
        return (await self.bot.interaction(payload)).status

    async def submit_key(self, key: str, view: dict[str, Any] | None = None) -> Any:
        """Submit the key dialog (the one Slack opened for this workspace, unless a forged `view` is given)."""
        if view is None:
            opened = [c for c in self.slack.calls_to("views.open") if c.token == self.workspace.bot_token]
            view = opened[-1].args["view"]
        values = {ids.REVRING_KEY_BLOCK: {ids.FIELD_ACTION: {"type": "plain_text_input", "value": key}}}
        payload = self._where(slack_payloads.view_submission(values, view=view, user=self.user, team=self.team))
        return (await self.bot.interaction(payload)).body

    async def connect(self, key: str) -> list[dict[str, Any]]:
        """Open the Home tab, click *Connect RevRing*, paste `key`; the Home tab published afterwards."""
        button = buttons(await self.open_home())[ids.REVRING_CONNECT_ACTION]
        opened = len([c for c in self.slack.calls_to("views.open") if c.token == self.workspace.bot_token])
        assert await self.click(button) == 200
        await self.slack.wait_until(
            lambda: len([c for c in self.slack.calls_to("views.open") if c.token == self.workspace.bot_token]) > opened
        )
        before = len(self.calls("views.publish"))
        assert await self.submit_key(key) is None  # accepted: the dialog closes
        return await self.home_after(before)


CONNECTION_ACTIONS = (ids.REVRING_CONNECT_ACTION, ids.REVRING_REMOVE_ACTION)


def buttons(blocks: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The RevRing connection's buttons on a Home view (the library's own buttons are not this section's)."""
    return {
        element["action_id"]: element
        for block in blocks
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"] in CONNECTION_ACTIONS
    }


def home_text(blocks: list[dict[str, Any]]) -> str:
    return json.dumps(blocks, ensure_ascii=False)
