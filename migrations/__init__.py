"""The schema's numbered SQL migrations (``NNNN_description.sql``), applied in order by ``veille/db.py``.

This folder holds SQL only; it is a package so that the files travel in the wheel as package data
and are read with ``importlib.resources``, wherever veille is installed.
"""
