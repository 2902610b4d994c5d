"""The query layer: the GraphStore protocol, named queries from queries/, the read-only guard, bounded runs."""
