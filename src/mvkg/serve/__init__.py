"""Network adapters over the library: the read-only SPARQL 1.1 protocol endpoint (`mvkg serve`)."""
