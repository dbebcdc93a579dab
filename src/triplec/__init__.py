"""triplec: cluster mapping and Triple C support instruments for SME clusters and networks."""
__version__ = "0.1.0"
