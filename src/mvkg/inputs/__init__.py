"""The analysts' other inputs: catalogue, assessments, portfolios, RDF imports, synthetic workspaces."""
