"""The event coder, one module per step (docs/ARCHITECTURE.md):

- ``candidates``: events proposed from the CAMEO lexicon and the dependency parse;
- ``features``: what the learned steps see of a sentence;
- ``model``: the shipped linear models (typer, roles, modality), numpy only;
- ``roles``: source and target among the countries the document named;
- ``relevance``: is a document about politics at all? (checked before parsing);
- ``assemble``: candidates → type → roles → modality → stored events (precision first);
- ``train``: how the shipped model is trained and cross-validated (``dyadscope train``).
"""

from .assemble import CODER_VERSION, DocumentContext, Gated, code_document, gate_many, gate_vectors, political, worth_parsing
from . import relevance
from .candidates import needs_parse

__all__ = ["CODER_VERSION", "DocumentContext", "Gated", "code_document", "gate_many", "gate_vectors", "needs_parse", "political", "relevance", "worth_parsing"]
