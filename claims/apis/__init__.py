"""The REST API of the claims app (DRF): articles in ``articles``, claims in ``claims``."""
