"""Analysis views over the built graph: obligation listings and detail, alignment, suggestions."""
