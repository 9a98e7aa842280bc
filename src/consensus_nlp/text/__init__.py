"""Text: normalization with an offset map, segmentation (:class:`Segmenter`), stopwords and :class:`Tokens`.

Submodules are imported on first use; nothing here imports jieba or numpy eagerly.
"""
