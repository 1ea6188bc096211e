"""A small Slack double: Web API methods, a private file host and the Socket Mode websocket.

It behaves like Slack where the bot can go wrong: Web API calls need the bot token, and a file
download without it answers 200 with an HTML sign-in page.
"""

from __future__ import annotations

import asyncio
import base64
import gzip
import itertools
import json
import mimetypes
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from bot.scopes import BOT_SCOPES
from tests.doubles.server import LoopbackServer
from tests.doubles.slack_functions import METHODS as FUNCTION_METHODS
from tests.doubles.slack_functions import FunctionExecutions
from tests.doubles.slack_users import users_info
from tests.slack_payloads import clip_object, file_object

SIGN_IN_PAGE = b"<!DOCTYPE html><html><head><title>Slack</title></head><body>Sign in to Slack</body></html>"


@dataclass
class ApiCall:
    method: str
    args: dict[str, Any]
    token: str | None
    answer: dict[str, Any] | None = None  # what the fake answered (a successful call's `ts`, `file_id`…)


@dataclass
class HostedFile:
    id: str
    name: str
    mimetype: str
    content: bytes
    filetype: str = ""
    subtype: str = ""
    visible_to_bot: bool = True
    extra: dict[str, Any] = field(default_factory=dict)
    token: str | None = None  # the bot token of the workspace it was shared in (None: the default workspace's)
    # A clip recorded in Slack (subtype slack_audio or slack_video): its transcription as each read shows it, the
    # share event first, then each files.info, the last one from then on: "processing" for a while, as Slack does.
    transcription: list[dict[str, Any]] = field(default_factory=list)
    reads: int = 0  # files.info calls so far


@dataclass
class Workspace:
    """A workspace (or, `org_wide`, a whole Enterprise Grid org) that installs the app through OAuth."""

    team_id: str | None
    team_name: str
    bot_token: str
    code: str  # what Slack's consent screen hands back in the redirect
    installer: str
    bot_user_id: str = "UBOT"
    enterprise: dict[str, str] | None = None
    org_wide: bool = False
    revoked: bool = False


@dataclass
class Upload:
    """A file the bot uploaded with files_upload_v2: what files.getUploadURLExternal was told, the bytes that
    reached the upload URL, and, once files.completeUploadExternal ran, where it was shared."""

    file_id: str
    filename: str
    length: int
    content: bytes | None = None
    completed: bool = False
    title: str | None = None
    channel_id: str | None = None
    thread_ts: str | None = None


class FakeSlack(LoopbackServer):
    def __init__(
        self, bot_token: str, *, team_id: str = "T0TEAM", bot_user_id: str = "UBOT", host: str = "127.0.0.1"
    ) -> None:
        super().__init__(host)
        self.redirect_targets: dict[str, str] = {}
        self.bot_token = bot_token
        self.app_token: str | None = None
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.calls: list[ApiCall] = []
        self.files: dict[str, HostedFile] = {}
        self.download_auth: list[str | None] = []
        self.failures: dict[str, str] = {}  # method -> error to answer with
        self.cannot_post_in: dict[str, str] = {}  # channel -> chat.postMessage error (e.g. not_in_channel)
        self.not_member_of: set[str] = set()  # channels conversations.info reports the bot is not in
        self.not_member_in: set[tuple[str, str]] = set()  # (bot token, channel): that workspace's bot is not in it
        self.responses: list[dict[str, Any]] = []  # what was posted to a response_url
        self.user_teams: dict[str, str] = {}  # user -> home team, for people from other organizations
        self.strangers: set[str] = set()  # users.info says is_stranger
        self.real_names: dict[str, str] = {}  # user -> the full name they gave Slack (default: their id, lower case)
        self.admins: set[str] = set()  # users.info says is_admin
        self.owners: set[str] = set()  # users.info says is_owner
        self.workspace_admins: set[str] = set()  # is_admin of their workspace, not of its org (slack_users.py)
        self.user_enterprises: dict[str, dict[str, str]] = {}  # user -> their Enterprise Grid org, if not ours
        self.enterprise: dict[str, str] | None = None  # the single workspace's org, when it is in one
        self.views: dict[str, dict[str, Any]] = {}  # view id -> the view as last opened or updated
        self.homes: dict[str, dict[str, Any]] = {}  # user -> the Home view last published for them
        # (bot user, channel, message ts) -> the reactions that bot has on the message, in the order added
        self.reactions: dict[tuple[str, str, str], list[str]] = {}
        self.unknown_methods: list[str] = []  # methods called that this fake (like Slack) does not have
        self.usergroups: dict[str, list[str]] = {}
        self.rate_limit_once: set[str] = set()  # methods that answer 429 (Retry-After: 0) the first time
        self.held: dict[str, asyncio.Event] = {}  # method -> recorded at once, answered once the event is set
        self.stall_downloads: asyncio.Event | None = None  # set: downloads send half, then wait for it
        self.download_started = asyncio.Event()
        # How the file host frames a download: "plain" (Content-Length), "chunked" (no Content-Length), or
        # "gzip" (Content-Encoding: gzip, so Content-Length counts the compressed bytes, far fewer than arrive).
        self.download_framing = "plain"
        self.sign_in_page = SIGN_IN_PAGE  # served as text/html, as Slack does, whatever its first bytes
        self._ts = itertools.count(1)
        self._ephemeral_ts = itertools.count(1)  # apart: an ephemeral message takes no place in the conversation
        self.uploads: dict[str, Upload] = {}  # by file id, in the order files.getUploadURLExternal issued them
        self.upload_auth: list[str | None] = []  # the Authorization header of each upload (Slack wants none)
        self._file_ids = itertools.count(1)
        self._view_ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self.websocket: web.WebSocketResponse | None = None
        self.socket_messages: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.socket_connected = asyncio.Event()
        self.socket_closed = asyncio.Event()  # the bot closed its connection
        # Sent as `x-oauth-scopes` on every authenticated answer, as Slack does (app token: connections:write).
        self.granted_scopes: list[str] = list(BOT_SCOPES)
        # Distribution: the app's credentials, the workspaces that can install it, and people's roles.
        self.client_id = "1234567890.9876543210"
        self.client_secret = "0123456789abcdef0123456789abcdef"
        self.workspaces: dict[str, Workspace] = {}  # bot token -> workspace
        self.executions = FunctionExecutions()  # Workflow Builder step runs, each with its own token
        self.app.add_routes(
            [
                web.post("/api/{method}", self._api),
                web.get("/api/{method}", self._api),
                web.get("/files/{file_id}/{name}", self._download),
                web.get("/redirect/{key}/{file_id}/{name}", self._redirect),
                web.get("/link", self._socket),
                web.post("/response", self._response_url),
                web.post("/upload/v1/{file_id}", self._upload),
            ]
        )

    # --- what tests set up -------------------------------------------------------------------------

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    def add_workspace(self, workspace: Workspace) -> Workspace:
        self.workspaces[workspace.bot_token] = workspace
        return workspace

    def revoke(self, workspace: Workspace) -> None:
        """The app was removed: Slack no longer accepts the workspace's token."""
        workspace.revoked = True

    def host_file(self, file: HostedFile) -> dict[str, Any]:
        """Serve `file` and return the complete Slack file object an event (or files.info) would carry."""
        self.files[file.id] = file
        clip = file.subtype in ("slack_audio", "slack_video")
        shaped = (clip_object if clip else file_object)(
            url=f"{self.url}/files/{file.id}/{file.name}",
            id=file.id,
            name=file.name,
            title=file.name,
            mimetype=file.mimetype,
            filetype=file.filetype,
            size=len(file.content),
            subtype=file.subtype,
        )
        if clip:
            for key in ("transcription", "vtt", "duration_ms"):  # what this clip says of itself, below
                shaped.pop(key, None)
            if file.transcription:
                shaped["transcription"] = file.transcription[min(file.reads, len(file.transcription) - 1)]
        shaped.update(file.extra)
        return shaped

    # --- what tests read ---------------------------------------------------------------------------

    def calls_to(self, method: str) -> list[ApiCall]:
        return [call for call in self.calls if call.method == method]

    async def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[ApiCall]:
        """Wait until `method` was called `count` times; return those calls."""

        async def enough() -> list[ApiCall]:
            async with self._changed:
                await self._changed.wait_for(lambda: len(self.calls_to(method)) >= count)
            return self.calls_to(method)

        return await asyncio.wait_for(enough(), timeout)

    async def wait_until(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        """Wait until `predicate()` holds, checked after every Web API call."""

        async def holds() -> None:
            async with self._changed:
                await self._changed.wait_for(predicate)

        await asyncio.wait_for(holds(), timeout)

    def assert_only_known_methods_called(self) -> None:
        """Every Web API method the bot called is one this fake has (the fixtures check it after each test)."""
        missing = sorted(set(self.unknown_methods))
        assert not missing, f"the bot called Web API methods the fake Slack does not have: {missing}"

    def completed_uploads(self) -> list[Upload]:
        """The files uploaded and shared (files.completeUploadExternal), in order."""
        return [upload for upload in self.uploads.values() if upload.completed]

    def thread_texts(self) -> list[str]:
        """Text of every message posted or edited, in order."""
        return [c.args.get("text", "") for c in self.calls if c.method in ("chat.postMessage", "chat.update")]

    # --- handlers ----------------------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.method == "GET":
            args = {}
        elif request.content_type == "application/json":
            args = await request.json()
        else:
            args = dict(await request.post())
        args = {**request.query, **args}
        for key in ("blocks", "attachments", "view"):
            if isinstance(args.get(key), str):
                args[key] = json.loads(args[key])
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else args.get("token")
        call = ApiCall(method, args, token)
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()
        if method in self.held:  # Slack being slow to answer
            await self.held[method].wait()
        if method in self.rate_limit_once:
            self.rate_limit_once.discard(method)
            return web.json_response({"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": "0"})
        if method == "oauth.v2.access":
            return web.json_response(self._oauth_access(request, args))
        run = self.executions.live(token)
        # A step run's own token acts as the bot of its workspace until the step is completed.
        workspace = self._workspace_of(token) or (self._workspace_of_team(run.team_id) if run else None)
        expected = self.app_token if method == "apps.connections.open" else self.bot_token
        if token != expected and workspace is None and run is None:
            return web.json_response({"ok": False, "error": "invalid_auth"})
        scopes = ["connections:write"] if method == "apps.connections.open" else self.granted_scopes
        headers = {"x-oauth-scopes": ",".join(scopes)}
        if method in self.failures:
            return web.json_response({"ok": False, "error": self.failures[method]}, headers=headers)
        if method in FUNCTION_METHODS:  # a step run, ended with its own token (tests/doubles/slack_functions.py)
            call.answer = self.executions.complete(method, args, token)
            return web.json_response(call.answer, headers=headers)
        call.answer = self._answer(method, args, workspace)
        return web.json_response(call.answer, headers=headers)

    def _workspace_of_team(self, team_id: str) -> Workspace | None:
        """The installed workspace (or org) whose team this is; None for the single workspace's."""
        return next((w for w in self.workspaces.values() if w.team_id == team_id and not w.revoked), None)

    def _workspace_of(self, token: str | None) -> Workspace | None:
        workspace = self.workspaces.get(token or "")
        return workspace if workspace is not None and not workspace.revoked else None

    def _oauth_access(self, request: web.Request, args: dict[str, Any]) -> dict[str, Any]:
        """oauth.v2.access: the app's credentials (HTTP Basic, as slack_sdk sends them) and a code, once."""
        auth = request.headers.get("Authorization", "")
        given = base64.b64decode(auth.removeprefix("Basic ")).decode() if auth.startswith("Basic ") else ""
        if given != f"{self.client_id}:{self.client_secret}":
            return {"ok": False, "error": "invalid_client_id"}
        workspace = next((w for w in self.workspaces.values() if w.code == args.get("code")), None)
        if workspace is None:
            return {"ok": False, "error": "invalid_code"}
        workspace.code = f"used-{workspace.code}"  # a code works once
        return {
            "ok": True,
            "app_id": "A0APP",
            "authed_user": {"id": workspace.installer},
            "scope": ",".join(self.granted_scopes),
            "token_type": "bot",
            "access_token": workspace.bot_token,
            "bot_user_id": workspace.bot_user_id,
            "team": None if workspace.org_wide else {"id": workspace.team_id, "name": workspace.team_name},
            "enterprise": workspace.enterprise,
            "is_enterprise_install": workspace.org_wide,
        }

    def _answer(self, method: str, args: dict[str, Any], workspace: Workspace | None = None) -> dict[str, Any]:
        if method == "auth.test" and workspace is not None:
            enterprise = workspace.enterprise or {}
            return {
                "ok": True,
                "url": f"https://{workspace.team_name.lower()}.slack.com/",
                "team": workspace.team_name,
                "user": "voice-cloner",
                "team_id": workspace.team_id,
                "user_id": workspace.bot_user_id,
                "bot_id": "BBOT",
                "enterprise_id": enterprise.get("id"),
                "is_enterprise_install": workspace.org_wide,
            }
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://acme.slack.com/",
                "team": "Acme",
                "user": "voice-cloner",
                "team_id": self.team_id,
                "user_id": self.bot_user_id,
                "bot_id": "BBOT",
            }
        if method == "chat.postMessage" and args.get("channel") in self.cannot_post_in:
            return {"ok": False, "error": self.cannot_post_in[args["channel"]]}
        if method == "chat.postMessage" and str(args.get("channel", "")).startswith("U"):
            args = {**args, "channel": "D0BOTDM"}  # posting to a user id lands in their DM with the app
        if method == "conversations.info":
            channel = str(args.get("channel"))
            token = workspace.bot_token if workspace is not None else self.bot_token
            member = channel not in self.not_member_of and (token, channel) not in self.not_member_in
            return {"ok": True, "channel": {"id": channel, "is_member": member}}
        if method == "users.info":
            return users_info(self, str(args.get("user")), workspace)
        if method == "usergroups.users.list":
            group = str(args.get("usergroup"))
            if group not in self.usergroups:
                return {"ok": False, "error": "no_such_subteam"}
            return {"ok": True, "users": self.usergroups[group]}
        if method == "views.open":
            view_id = f"V0VIEW{next(self._view_ids):04d}"
            self.views[view_id] = {"id": view_id, **(args.get("view") or {})}
            return {"ok": True, "view": self.views[view_id]}
        if method == "views.update":
            view_id = str(args.get("view_id"))
            if view_id not in self.views:
                return {"ok": False, "error": "not_found"}
            self.views[view_id] = {"id": view_id, **(args.get("view") or {})}
            return {"ok": True, "view": self.views[view_id]}
        if method == "views.publish":
            user = str(args.get("user_id"))
            self.homes[user] = {"id": f"V0HOME{user}", **(args.get("view") or {})}
            return {"ok": True, "view": self.homes[user]}
        if method == "chat.getPermalink":
            channel, ts = str(args.get("channel")), str(args.get("message_ts"))
            return {
                "ok": True,
                "channel": channel,
                "permalink": f"https://acme.slack.com/archives/{channel}/p{ts.replace('.', '')}",
            }
        if method in ("chat.postMessage", "chat.update"):
            ts = args.get("ts") or f"1700000000.{next(self._ts):06d}"
            return {"ok": True, "channel": args.get("channel"), "ts": ts}
        if method == "files.info":
            file = self.files.get(str(args.get("file")))
            reader = workspace.bot_token if workspace is not None else self.bot_token
            if file is None or (file.token or self.bot_token) != reader:  # another workspace's file: not found
                return {"ok": False, "error": "file_not_found"}
            file.reads += 1
            return {"ok": True, "file": self.host_file(file)}
        if method == "files.getUploadURLExternal":
            return self._upload_url(args)
        if method == "files.completeUploadExternal":
            return self._complete_upload(args, workspace.bot_token if workspace is not None else None)
        if method == "apps.connections.open":
            return {"ok": True, "url": f"ws://{self.host}:{self.port}/link"}
        if method == "chat.postEphemeral":
            return self._post_ephemeral(args)
        if method in ("reactions.add", "reactions.remove"):
            return self._react(method, args, workspace)
        # What Slack answers for a method it does not have. The fixtures fail a test whose bot called one: either
        # the bot is wrong, or a method it really calls is missing here.
        self.unknown_methods.append(method)
        return {"ok": False, "error": "unknown_method"}

    def _post_ephemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        """chat.postEphemeral: shown to `user` only, never part of the conversation, so Slack gives back no
        `ts` and no `channel`, only the `message_ts` it would carry."""
        if not args.get("channel"):
            return {"ok": False, "error": "channel_not_found"}
        if not args.get("user"):
            return {"ok": False, "error": "invalid_arguments"}  # a required argument missing
        if not any(args.get(key) for key in ("text", "blocks", "attachments", "markdown_text")):
            return {"ok": False, "error": "no_text"}
        return {"ok": True, "message_ts": f"1700000500.{next(self._ephemeral_ts):06d}"}

    def _react(self, method: str, args: dict[str, Any], workspace: Workspace | None) -> dict[str, Any]:
        """reactions.add / reactions.remove on a message (`channel` and `timestamp`), as the token's bot user: adding
        one it already has answers `already_reacted`, removing one it does not have answers `no_reaction`."""
        name = str(args.get("name") or "")
        if not args.get("channel") or not args.get("timestamp"):
            return {"ok": False, "error": "no_item_specified"}
        if not name:
            return {"ok": False, "error": "invalid_name"}
        bot_user = self.bot_user_id if workspace is None else workspace.bot_user_id
        names = self.reactions.setdefault((bot_user, str(args["channel"]), str(args["timestamp"])), [])
        if method == "reactions.add":
            if name in names:
                return {"ok": False, "error": "already_reacted"}
            names.append(name)
        elif name in names:
            names.remove(name)
        else:
            return {"ok": False, "error": "no_reaction"}
        return {"ok": True}

    # --- files_upload_v2: an upload URL, the upload, and completing it into a shared file ----------------

    def _upload_url(self, args: dict[str, Any]) -> dict[str, Any]:
        filename, length = str(args.get("filename") or ""), str(args.get("length") or "")
        if not filename or not length.isdigit():
            return {"ok": False, "error": "invalid_arguments"}
        file_id = f"F0UP{next(self._file_ids):04d}"
        self.uploads[file_id] = Upload(file_id, filename, int(length))
        return {"ok": True, "upload_url": f"{self.url}/upload/v1/{file_id}", "file_id": file_id}

    async def _upload(self, request: web.Request) -> web.Response:
        """The upload URL: the raw bytes as the POST body, no token (the URL itself is the permission)."""
        self.upload_auth.append(request.headers.get("Authorization"))
        upload = self.uploads.get(request.match_info["file_id"])
        if upload is None or upload.completed:
            return web.Response(status=404, text="Not found")
        content = await request.read()
        if len(content) != upload.length:
            return web.Response(status=400, text=f"Length mismatch: {len(content)} != {upload.length}")
        upload.content = content
        return web.Response(text=f"OK - {len(content)}")

    def _complete_upload(self, args: dict[str, Any], token: str | None) -> dict[str, Any]:
        """The uploaded file belongs to the uploader's workspace: its bot token downloads it (None: the default's)."""
        try:
            files = json.loads(str(args.get("files") or ""))
        except ValueError:
            return {"ok": False, "error": "invalid_arguments"}
        channel, thread_ts = args.get("channel_id"), args.get("thread_ts")
        if thread_ts and not channel:
            return {"ok": False, "error": "invalid_arguments"}
        if channel in self.cannot_post_in:
            return {"ok": False, "error": self.cannot_post_in[channel]}
        uploads = [self.uploads.get(str(item.get("id"))) for item in files if isinstance(item, dict)]
        if not uploads or any(upload is None or upload.content is None or upload.completed for upload in uploads):
            return {"ok": False, "error": "file_not_found"}
        completed = []
        for item, upload in zip(files, uploads, strict=True):
            assert upload is not None and upload.content is not None
            extension = upload.filename.rsplit(".", 1)[-1].lower() if "." in upload.filename else ""
            mimetype = mimetypes.guess_type(upload.filename)[0] or "application/octet-stream"
            self.files[upload.file_id] = HostedFile(
                upload.file_id, upload.filename, mimetype, upload.content, filetype=extension, token=token
            )
            upload.completed, upload.title = True, item.get("title") or upload.filename
            upload.channel_id, upload.thread_ts = channel, thread_ts
            completed.append({"id": upload.file_id, "title": upload.title})
        return {"ok": True, "files": completed}

    async def _response_url(self, request: web.Request) -> web.Response:
        async with self._changed:
            self.responses.append(await request.json())
            self._changed.notify_all()
        return web.Response(text="ok")

    async def wait_for_response(self, timeout: float = 10.0) -> dict[str, Any]:
        async def arrived() -> dict[str, Any]:
            async with self._changed:
                await self._changed.wait_for(lambda: bool(self.responses))
            return self.responses[-1]

        return await asyncio.wait_for(arrived(), timeout)

    async def _download(self, request: web.Request) -> web.StreamResponse:
        auth = request.headers.get("Authorization")
        self.download_auth.append(auth)
        file = self.files.get(request.match_info["file_id"])
        owner = (file.token if file is not None else None) or self.bot_token
        if auth != f"Bearer {owner}" or file is None or not file.visible_to_bot or self._revoked(owner):
            # What Slack really does for a missing token, a missing scope or a file the bot can't see.
            return web.Response(body=self.sign_in_page, content_type="text/html", charset="utf-8")
        if self.download_framing != "plain":
            return await self._framed_download(request, file)
        if self.stall_downloads is None:
            return web.Response(body=file.content, content_type=file.mimetype or "application/octet-stream")
        # Send half, then hold the rest until the test lets it go: a download caught in the middle.
        response = web.StreamResponse(headers={"Content-Type": file.mimetype or "application/octet-stream"})
        response.content_length = len(file.content)
        await response.prepare(request)
        half = len(file.content) // 2
        await response.write(file.content[:half])
        self.download_started.set()
        await self.stall_downloads.wait()
        await response.write(file.content[half:])
        await response.write_eof()
        return response

    async def _framed_download(self, request: web.Request, file: HostedFile) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": file.mimetype or "application/octet-stream"})
        body = file.content
        if self.download_framing == "gzip":
            body = gzip.compress(body)
            response.headers["Content-Encoding"] = "gzip"
            response.content_length = len(body)
        else:
            response.enable_chunked_encoding()
        await response.prepare(request)
        for start in range(0, len(body), 64 * 1024):
            await response.write(body[start : start + 64 * 1024])
        await response.write_eof()
        return response

    def _revoked(self, token: str) -> bool:
        workspace = self.workspaces.get(token)
        return workspace is not None and workspace.revoked

    async def _redirect(self, request: web.Request) -> web.Response:
        """`/redirect/<key>/<file>/<name>`: send the client on to `redirect_targets[key]/<file>/<name>`."""
        target = self.redirect_targets[request.match_info["key"]]
        raise web.HTTPFound(f"{target}/{request.match_info['file_id']}/{request.match_info['name']}")

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.websocket = ws
        await ws.send_json({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A1"}})
        self.socket_connected.set()
        async for message in ws:
            if message.type == WSMsgType.TEXT:
                await self.socket_messages.put(json.loads(message.data))
        self.socket_closed.set()
        return ws

    async def send_envelope(self, envelope: dict[str, Any]) -> None:
        assert self.websocket is not None, "the bot has not connected"
        await self.websocket.send_json(envelope)
