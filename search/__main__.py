"""`python -m search`: the same command as the installed `search`."""

from search.cli import main

if __name__ == "__main__":
    main()
