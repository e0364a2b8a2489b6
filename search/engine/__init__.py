"""The only package that imports whoosh: schema, queries, ranking, the index on disk."""
