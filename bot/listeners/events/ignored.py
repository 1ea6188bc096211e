async def acknowledge_only() -> None:
    """Events the bot receives but has nothing to do with."""
