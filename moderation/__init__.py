"""Moderation: flags, the queue, decisions, watched words, the mod log, bans and appeals."""
