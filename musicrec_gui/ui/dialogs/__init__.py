"""Dialogs of the MusicRec window."""
