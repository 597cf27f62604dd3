"""The Whoosh side of article-archive: schema, index maintenance and the query layer.

It reads records from ``archive``'s store and never imports the CLI.
"""
