"""MusicRec: listening-history import, biased PMF recommendations, offline exploration."""

__version__ = "0.1.0"
APP_NAME = "MusicRec"
APP_ID = "io.github.musicrec.MusicRec"
