"""The recommendation engine: a biased PMF with a closed-form "gravity" term.

Modules (each one concept; none imports Qt, and importing this package is cheap:
torch is only imported by the modules that need it):

* ``settings``    – every knob in one frozen, JSON-serialisable dataclass; presets.
* ``device``      – CUDA → MPS → CPU selection with an override; thread count.
* ``dataset``     – listener × artist training data from the store's frames or the
                    bench split file; filters, value transform, seeded validation split.
* ``pairs``       – the data term over a fixed set of (listener, artist) pairs, with its gradient.
* ``model``       – the biased PMF module and the closed-form gravity term.
* ``objective``   – the training loss (weighted squared error + L2 + gravity) and the
                    closed-form bias initialisation.
* ``optim``       – Adam and SGD with momentum (in place; no torch._dynamo import).
* ``schedules``   – learning-rate schedules (constant, step, one-cycle).
* ``trainer``     – the training loop: events, stop token, early stopping, divergence guard.
* ``lr_finder``   – the exponential learning-rate sweep and its suggestion.
* ``dim_search``  – the embedding-size grid search.
* ``metrics``     – exact top-N ranking, Recall/NDCG/Coverage@N, RMSE (bench/README §3).
* ``evaluation``  – fit + evaluate on a split, popularity baseline, factor export.
* ``bundle``      – a trained model with its index maps, ready to explore offline.
* ``explore``     – bias ranking, similar artists, recommendations, fold-in.
* ``artist_search`` – finding a model's artists by name, fast over 160 K names.
* ``projection``  – 2-D PCA at once, t-SNE as a cancellable job.
* ``persist``     – save/load without pickle, checksummed.
* ``registry``    – the saved models in ``paths.models_dir()``, and the active one.
* ``errors``      – ``EngineError``, the engine's deliberate error.
"""
