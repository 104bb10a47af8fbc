"""Train it yourself: a learner trains one family's model live, watches its snapshots
(losses, samples, a measure) as it learns, stops it when they like, then samples from
it. ``params`` checks the knobs, ``services`` writes, ``selectors`` reads, ``views`` and
``api`` are the page and the JSON surface; the models live in ``demos.models``."""
