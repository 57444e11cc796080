"""guidebuilder: a law firm's web articles, made into printed guides and e-books."""

__version__ = "0.1.0"
