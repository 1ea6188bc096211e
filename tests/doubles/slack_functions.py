"""Workflow Builder step runs as Slack keeps them, for the fake Slack: each execution has its id, its own token
(`xwfp-…`, what the `function_executed` event carries as `bot_access_token`) and its workspace, and ends once.

`functions.completeSuccess` and `functions.completeError` answer as Slack does: an id Slack never issued is
`function_execution_not_found`; a token that is not the execution's is `access_denied` (a token Slack does not know
at all, `invalid_auth`); outputs that do not match the function's `output_parameters` in manifest.yml (a required
one missing, one of the wrong type, one not declared) are `parameter_validation_failed`; a missing `error` is
`invalid_arguments`. Completing revokes the execution's token, as Slack does: a second completion is `invalid_auth`.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

MANIFEST = Path(__file__).resolve().parents[2] / "manifest.yml"
METHODS = ("functions.completeSuccess", "functions.completeError")
_TYPES = {"string": str, "boolean": bool, "integer": int, "number": (int, float)}


@cache
def _outputs_declared(callback_id: str) -> dict[str, Any]:
    return yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))["functions"][callback_id]["output_parameters"]


@dataclass
class Execution:
    id: str
    token: str
    team_id: str
    callback_id: str = "clone_voice"
    outputs: dict[str, Any] | None = None  # once completed with success
    error: str | None = None  # once completed with an error

    @property
    def completed(self) -> bool:
        return self.outputs is not None or self.error is not None


class FunctionExecutions:
    def __init__(self) -> None:
        self.by_id: dict[str, Execution] = {}
        self._ids = itertools.count(1)

    def start(self, team_id: str) -> Execution:
        """Slack starting a run of the step: a new execution id and token."""
        n = next(self._ids)
        execution = Execution(f"Fx0RUN{n:05d}", f"xwfp-1325532282098-{n:013d}-6123648410839-{n:032x}", team_id)
        self.by_id[execution.id] = execution
        return execution

    def live(self, token: str | None) -> Execution | None:
        """The running execution whose token this is (a completed one's token is revoked)."""
        return next((e for e in self.by_id.values() if e.token == token and not e.completed), None)

    def completions(self) -> list[Execution]:
        return [execution for execution in self.by_id.values() if execution.completed]

    def complete(self, method: str, args: dict[str, Any], token: str | None) -> dict[str, Any]:
        """`token` is one Slack accepts (the fake checked it: a bot token, or a running execution's)."""
        execution = self.by_id.get(str(args.get("function_execution_id")))
        if execution is None or execution.completed:
            return {"ok": False, "error": "function_execution_not_found"}
        if token != execution.token:
            return {"ok": False, "error": "access_denied"}
        if method == "functions.completeError":
            error = args.get("error")
            if not isinstance(error, str) or not error:
                return {"ok": False, "error": "invalid_arguments"}
            execution.error = error
            return {"ok": True}
        outputs = args.get("outputs")
        if isinstance(outputs, str):
            outputs = json.loads(outputs)
        problems = _output_problems(outputs, _outputs_declared(execution.callback_id))
        if problems:
            return {"ok": False, "error": "parameter_validation_failed", "errors": problems}
        execution.outputs = outputs
        return {"ok": True}


def _output_problems(outputs: Any, declared: dict[str, Any]) -> list[str]:
    if not isinstance(outputs, dict):
        return ["outputs must be an object"]
    properties = declared["properties"]
    problems = [f"missing required output {name}" for name in declared.get("required", []) if name not in outputs]
    for name, value in outputs.items():
        if name not in properties:
            problems.append(f"unknown output {name}")
        elif not isinstance(value, _TYPES.get(properties[name]["type"], object)):
            problems.append(f"output {name} is not a {properties[name]['type']}")
    return problems
