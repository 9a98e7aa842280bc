"""Reading material: text decoding (:mod:`.encoding`), bundled corpora (:mod:`.datasets`)
and newspaper pages (:mod:`.page`).

This package imports nothing eagerly, so that :mod:`consensus_nlp.corpus` can use
the decoder while the readers build corpora.
"""
