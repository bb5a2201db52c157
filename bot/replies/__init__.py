"""Reply drafting: the template registry, shop settings and the multilingual renderer."""
