"""Reusable widgets of the MusicRec window."""
