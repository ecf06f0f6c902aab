"""Local replay of a small French press web (8 fictional outlets), a fake Judilibre
API and a fake Wayback CDX API, for veille's crawler tests and benchmarks.

    from samples.miniweb import MiniWeb
    with MiniWeb() as web:
        print(web.outlets["lequotidien"])
"""

from samples.miniweb.server import MiniWeb

__all__ = ["MiniWeb"]
