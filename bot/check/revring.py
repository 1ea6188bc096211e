"""The RevRing API key, proved by the RevRing client's own key check (the one the Home tab's key dialog uses):
a harmless authenticated read, GET /agents."""

from __future__ import annotations

import asyncio

import aiohttp

from bot.check.result import TIMEOUT_SECONDS, Result, reason
from bot.config import DEFAULT_REVRING_API_URL, Settings, display_url
from bot.revring import BillingInactive, RevRingClient, RevRingError, Unauthorized


async def check_revring(settings: Settings, session: aiohttp.ClientSession, name: str = "RevRing API key") -> Result:
    where = display_url(settings.revring_api_url)
    unreachable_fix = f"check the network and REVRING_API_URL (now {where}, default {DEFAULT_REVRING_API_URL})."
    revring = RevRingClient(
        session,
        settings.revring_api_url,
        settings.revring_api_key or "",
        timeout=aiohttp.ClientTimeout(total=TIMEOUT_SECONDS, sock_connect=TIMEOUT_SECONDS),
        max_rate_limit_retries=0,  # one answer is the verdict: a 429 is told, not waited out
    )
    try:
        await asyncio.wait_for(revring.check_key(), TIMEOUT_SECONDS)
    except Unauthorized:
        return Result(
            name,
            False,
            "RevRing refused it (401).",
            "put a valid key in REVRING_API_KEY (RevRing dashboard → Settings → API keys).",
        )
    except BillingInactive:
        return Result(
            name,
            False,
            "the key works but RevRing says billing is inactive (402).",
            "reactivate the subscription or update the payment method in the RevRing dashboard.",
        )
    except TimeoutError as error:
        return Result(name, False, f"RevRing is unreachable at {where} ({reason(error)}).", unreachable_fix)
    except RevRingError as error:
        if error.status is None:  # no answer: what broke is the error's cause
            why = reason(error.__cause__ or error)
            return Result(name, False, f"RevRing is unreachable at {where} ({why}).", unreachable_fix)
        return Result(
            name, False, f"RevRing at {where} answered HTTP {error.status} instead of listing agents.", unreachable_fix
        )
    return Result(name, True, f"accepted by RevRing at {where}")
