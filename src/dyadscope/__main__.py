"""``python -m dyadscope``: the same command line as ``dyadscope``."""

from .cli import main

if __name__ == "__main__":
    main()
