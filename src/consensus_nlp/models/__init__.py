"""Models over tokens: document-term matrices (:mod:`.dtm`), keyness (:mod:`.keyness`), theme
dictionaries (:mod:`.dictionaries`), emphasis (:mod:`.emphasis`), clustering (:mod:`.cluster`),
topic models (:mod:`.topics`, engines in :mod:`.engines`)."""
