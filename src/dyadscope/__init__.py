"""dyadscope: news text in, explainable political event data out."""

__version__ = "0.1.0"
