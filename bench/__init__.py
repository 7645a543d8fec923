"""External retrieval benchmarks (QMSum) and the Limerick question set; not shipped."""
