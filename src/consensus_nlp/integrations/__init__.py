"""Bridges to other libraries: spaCy (:mod:`.spacy`)."""
