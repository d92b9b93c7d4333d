"""The embedded sample: a deterministic generator of the landing folder ``seeds/sample/landing``.

Run ``python -m tools.sample [--out seeds]`` (``make sample``): it rewrites ``<out>/sample/landing/**``
byte-identically on every run (one seeded ``random.Random``, no clock, no dict-order dependence, ``\\n``
line endings). The 2022 Uniformation figures are calibrated exactly on the published key figures
(``data/calibration.json``); everything else is plausible, not real.

What the sample is made of lives in data files (``data/``: communes, branches, providers, offer profiles,
wording); the referentials it follows are the project's own: the curated seeds of ``seeds/reference``
(branches, certifications, fiches métiers) and the official ROME labels of ``seeds/reference/official``.
"""
