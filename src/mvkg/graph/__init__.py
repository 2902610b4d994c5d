"""Building the graph: data/ and the ontology into named graphs, OWL reasoning."""
