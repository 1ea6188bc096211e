"""The voice library: the Home tab and what a voice's buttons do (use in an agent, delete)."""
