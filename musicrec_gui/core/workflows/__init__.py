"""The use cases, written once: what the app's pages and the CLI's commands both do.

* ``importing`` – plan an import, import, download community data, the import history.
* ``training``  – the learning-rate finder, the embedding-size search and training
                  on the store; saving and choosing models.
* ``listening`` – a listener as a model sees them: profile, recommendations with
                  reasons, similar artists, taste; fold-in for people imported later.

Each long use case is a plain function that takes a ``StopToken`` and a
``report`` callback (``core/jobs.py``): the app runs it on its job thread, the
CLI in the foreground.  Nothing here imports Qt; the GUI and the CLI only
gather input, call these and show the result, so they cannot give different
answers to the same question.
"""
