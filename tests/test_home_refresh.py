"""After clones, a person's Home is refreshed at most once every REFRESH_SECONDS: the first answer at once, those
that follow within the interval together, at its end. (Elsewhere the tests' bots refresh after every answer.)"""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.library import home
from bot.library.home import HomeTab
from bot.records import Job, Stage, Where
from tests.store_backends import request


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def tab(monkeypatch: pytest.MonkeyPatch) -> tuple[HomeTab, Clock, list[Where]]:
    monkeypatch.setattr(home, "REFRESH_SECONDS", 3.0)
    clock = Clock()
    published: list[Where] = []
    tab = HomeTab(None, None, None, clock=clock)  # type: ignore[arg-type]  # publishing is recorded instead

    async def publish(_client: object, where: Where, **_kwargs: object) -> bool:
        published.append(where)
        return True

    monkeypatch.setattr(tab, "publish", publish)
    return tab, clock, published


def voice(n: int, user: str = "U1") -> Job:
    return Job(f"J{n}", request(f"F{n}", user=user), Stage.DONE, 0.0, voice_id=f"V{n}")


ALICE, BOB = Where("T1", None, "U1"), Where("T1", None, "U2")


async def test_answers_within_the_interval_are_shown_by_one_refresh_at_its_end(tab):
    tab, clock, published = tab
    await tab(None, voice(1))
    assert published == [ALICE]  # the first answer: at once
    clock.now += 2.99
    await tab(None, voice(2))
    await tab(None, voice(3))
    assert published == [ALICE]  # waiting for the end of the interval, both voices together
    await tab._due[ALICE]
    assert published == [ALICE, ALICE]
    clock.now += 10
    await tab(None, voice(4))
    assert published == [ALICE] * 3  # the interval is over: at once again


async def test_each_person_has_their_own_interval_and_failures_refresh_nothing(tab):
    tab, _clock, published = tab
    await tab(None, voice(1))
    await tab(None, voice(2, user="U2"))
    await tab(None, replace(voice(3), voice_id=None, stage=Stage.FAILED))
    assert published == [ALICE, BOB]


async def test_a_refresh_still_waiting_at_shutdown_is_dropped(tab):
    tab, _clock, published = tab
    await tab(None, voice(1))
    await tab(None, voice(2))
    await tab.close()
    assert published == [ALICE] and not tab._due
