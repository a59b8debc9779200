"""Layout decisions as pure functions: where things go, before any backend draws them."""
