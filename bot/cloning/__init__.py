"""A clone's life: the request, the job, the pipeline from a Slack file to a RevRing voice, and its answer."""
