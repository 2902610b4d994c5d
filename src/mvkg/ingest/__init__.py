"""Ingest: a published resolution file into a typed record and its RDF graph."""
