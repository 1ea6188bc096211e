"""Who first installed the app, and who connected a RevRing key, as the store keeps them (issue 20 §1), on SQLite
and PostgreSQL alike: the first installer stays until an uninstall, a database from before is filled from the
installations it kept, and replacing or removing a key says whose key it was, even when two change it at once."""

from __future__ import annotations

import asyncio
from datetime import datetime

from sqlalchemy import text

from tests.store_backends import OpenStore


async def test_the_first_installer_stays_through_reinstalls_and_goes_with_an_uninstall(open_store: OpenStore):
    store = await open_store()
    await store.remember_installer("T1", "U1")
    await store.remember_installer("T1", "U2")  # a reinstall by someone else
    await store.remember_installer("E1", "U9")  # an org-wide install
    await store.remember_installer("T2", "U3")
    assert [await store.first_installer(owner) for owner in ("T1", "E1", "T2", "T3")] == ["U1", "U9", "U3", None]
    await store.forget_workspace("T1", None)
    await store.forget_workspace(None, "E1")
    assert [await store.first_installer(owner) for owner in ("T1", "E1", "T2")] == [None, None, "U3"]
    await store.remember_installer("T1", "U2")  # installed afresh: a new first installer
    assert await store.first_installer("T1") == "U2"


async def test_a_database_from_before_takes_each_first_installer_from_the_installations_it_kept(
    open_store: OpenStore, database_url: str
):
    store = await open_store()
    rows = [  # (enterprise, team, org-wide, installer, when): reinstalls keep a row each
        (None, "T1", False, "U1", datetime(2024, 1, 1)),
        (None, "T1", False, "U2", datetime(2024, 2, 1)),
        ("E1", None, True, "U9", datetime(2024, 3, 1)),
        ("E1", None, True, "U8", datetime(2024, 4, 1)),
        ("E1", "T5", False, "U5", datetime(2024, 5, 1)),
    ]
    async with store.engine.begin() as conn:  # the database as version 5 of the schema left it
        for undone in (
            "DROP TABLE consents",  # made by version 8
            "DROP TABLE installers",  # made by version 6, then what version 7 made
            "DROP TABLE design_starts",
            "ALTER TABLE design_candidates DROP COLUMN enterprise_id",
            "UPDATE schema_version SET version = 5",
        ):
            await conn.execute(text(undone))
        for enterprise_id, team_id, org_wide, user_id, when in reversed(rows):
            await conn.execute(
                text(
                    "INSERT INTO slack_installations (client_id, app_id, enterprise_id, team_id, user_id, "
                    "is_enterprise_install, installed_at) VALUES ('1.2', 'A1', :e, :t, :u, :w, :at)"
                ),
                {"e": enterprise_id, "t": team_id, "u": user_id, "w": org_wide, "at": when},
            )
    await store.close()
    upgraded = await open_store()
    assert [await upgraded.first_installer(owner) for owner in ("T1", "E1", "T5")] == ["U1", "U9", "U5"]


async def test_replacing_or_removing_a_key_says_who_had_connected_it(open_store: OpenStore):
    store = await open_store()
    assert await store.save_revring_key("T1", "cipher-1", "U1") is None
    assert await store.save_revring_key("T1", "cipher-2", "U2") == "U1"
    stored = await store.revring_key("T1")
    assert (stored.ciphertext, stored.connected_by) == ("cipher-2", "U2")
    assert await store.delete_revring_key("T1") == "U2"
    assert await store.delete_revring_key("T1") is None


async def test_of_two_changing_one_key_at_once_each_is_told_whose_key_it_replaced(open_store: OpenStore):
    """Two instances: the one that goes second replaces the first's key, never the one both read."""
    first, second = await open_store(), await open_store()
    for owner in ("T1", "T2", "T3", "T4"):
        if owner in ("T3", "T4"):  # a key already there; else both connect the first one
            await first.save_revring_key(owner, "cipher-0", "U0")
        previous = await asyncio.gather(
            first.save_revring_key(owner, "cipher-a", "UA"), second.save_revring_key(owner, "cipher-b", "UB")
        )
        last = (await first.revring_key(owner)).connected_by
        earlier = "UA" if last == "UB" else "UB"
        start = "U0" if owner in ("T3", "T4") else None
        # The earlier replaced what was there; the later replaced the earlier's.
        assert dict(zip(("UA", "UB"), previous, strict=True)) == {earlier: start, last: earlier}
