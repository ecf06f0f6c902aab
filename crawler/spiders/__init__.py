"""One spider class per discovery strategy; sources of those kinds need no code.

Which class crawls which kind is declared once, in ``veille/kinds.py``.
"""
