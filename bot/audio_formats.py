"""The audio formats a person may send, one row each: the one list from which the decoder's table
(`bot.cloning.audio`), the file types Slack is told to offer in the clone dialog and Slack's labels for audio
(`bot.slack.shapes`), and the sentences naming the formats (`bot.messages`) are all derived.

Plain data, imported by those layers and importing nothing of the bot.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AudioFormat:
    label: str  # as people read it, in the sentences that name the formats
    name: str  # our name for it (logs, `AudioInfo.container`)
    demuxer: str  # FFmpeg's name for the container, which the bytes decide
    extension: str  # the extension RevRing is sent
    content_type: str  # the content type RevRing is sent
    codecs: frozenset[str]  # the codecs accepted in it
    slack_filetypes: tuple[str, ...]  # Slack's `filetype` for such files (the dialog's file input offers these)


_PCM = frozenset({"pcm_s16le", "pcm_s24le", "pcm_s32le", "pcm_u8", "pcm_f32le", "pcm_f64le", "pcm_alaw", "pcm_mulaw"})

AUDIO_FORMATS: tuple[AudioFormat, ...] = (
    AudioFormat("MP3", "mp3", "mp3", "mp3", "audio/mpeg", frozenset({"mp3"}), ("mp3",)),
    AudioFormat("M4A", "mp4", "mov,mp4,m4a,3gp,3g2,mj2", "m4a", "audio/mp4", frozenset({"aac"}), ("m4a", "mp4", "aac")),
    AudioFormat("WAV", "wav", "wav", "wav", "audio/wav", _PCM, ("wav",)),
    AudioFormat("OGG", "ogg", "ogg", "ogg", "audio/ogg", frozenset({"vorbis", "opus"}), ("ogg", "oga", "opus")),
    AudioFormat("FLAC", "flac", "flac", "flac", "audio/flac", frozenset({"flac"}), ("flac",)),
    AudioFormat("WebM", "webm", "matroska,webm", "webm", "audio/webm", frozenset({"opus", "vorbis"}), ("webm",)),
)

SLACK_FILETYPES: tuple[str, ...] = tuple(filetype for kind in AUDIO_FORMATS for filetype in kind.slack_filetypes)
