"""`search serve`: the web page and the JSON API."""
