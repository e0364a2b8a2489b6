"""From bytes to articles: finding files, decoding them, reading each format, splitting."""
