"""mvkg: a policy-compliance knowledge graph for metaverse resolutions."""

__version__ = "0.1.0"
