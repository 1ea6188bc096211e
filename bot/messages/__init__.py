"""Every sentence a person sees, and the Block Kit built around them, one module per surface: `clone` (how to ask,
progress, the voice made, *Try again*) and `clone_failures` (why a clone did not happen), `clone_dialog`, `library`
(the Home tab's voice library, notices, deleting) and `library_failures`, `agents` (*Use in an agent*), `design`,
`revring_connection` (the Home tab's RevRing key), `access` (who may clone), `cli` (plain text for a terminal) and
`pages` (the install pages' HTML). Beside them: `ids` (every Block Kit id the listeners match on), `mrkdwn`
(escaping what people and RevRing wrote) and `revring_said` (RevRing's answers in words).

Import the surface you use (`from bot.messages import clone as clone_text`); nothing is gathered here.
"""
