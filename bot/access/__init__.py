"""Who may do what: who may clone, and who may act on a voice or a workspace's RevRing key."""
