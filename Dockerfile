# Voice Cloner. Build: docker build -t voice-cloner .
# Check the settings: docker run --rm --env-file .env -v voice-cloner-data:/app/data voice-cloner python -m bot check
# Run: docker run -d --name voice-cloner --env-file .env -p 3000:3000 -v voice-cloner-data:/app/data voice-cloner
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore

# Only what the package needs; PyAV ships manylinux wheels with FFmpeg inside, so no apt packages.
COPY pyproject.toml README.md LICENSE /tmp/src/
COPY bot /tmp/src/bot
RUN pip install /tmp/src \
    && rm -rf /tmp/src \
    && useradd --create-home --home-dir /app --uid 10001 --user-group --shell /usr/sbin/nologin voicecloner \
    && install -d -o voicecloner -g voicecloner /app/data

# The home directory is the working directory, so anything the bot writes there belongs to it.
WORKDIR /app
USER voicecloner

# glibc gives each thread its own malloc arena; two keep memory flat under many concurrent clones (BENCHMARKS.md).
# DATABASE_URL points into the volume below; .env.example leaves it commented out, so an env file made from it
# keeps this default (set it in the env file only to another path inside /app/data).
ENV MALLOC_ARENA_MAX=2 \
    PORT=3000 \
    DATABASE_URL=sqlite:////app/data/voice-cloner.sqlite3
EXPOSE 3000
# Jobs, waiting commands and recent audio live here: mount a volume so a new container keeps them.
VOLUME ["/app/data"]

# slim has no curl; Python's urllib fails on a refused connection or a non-2xx answer.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('PORT', '3000') + '/healthz', timeout=4)"]

CMD ["python", "-m", "bot"]
