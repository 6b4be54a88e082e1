"""Community listening data fetched on request: finding, downloading, sampling, importing.

``mirror`` finds the newest ListenBrainz statistics dump in a mirror's listing,
``listenbrainz`` downloads its artists statistics (resumable) and imports them,
``keep`` holds the choices of how much to keep and what each costs.
"""
