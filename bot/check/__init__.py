"""`python -m bot check`: every setting tried against Slack, RevRing and the database, with the fix for each failure.

`command` runs the checks and prints the lines; one module per thing checked: `slack`, `revring`, `database` and,
in distribution mode, `workspaces`; `result` holds the line they each return. Nothing here connects the Socket Mode
websocket or changes anything anywhere, and secrets are never printed. The running bot never imports this package.
"""
