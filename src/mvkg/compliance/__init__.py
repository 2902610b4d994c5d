"""Compliance: SHACL validation (compiled and reference engines), verdicts, coverage, what-if."""
