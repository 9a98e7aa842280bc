"""Figures: plots (:mod:`.plot`) and the CJK font they use (:mod:`.fonts`)."""
