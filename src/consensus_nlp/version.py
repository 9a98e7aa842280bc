"""The version of consensus-nlp (recorded in every manifest), in a module that imports nothing."""

__version__ = "0.2.0"
