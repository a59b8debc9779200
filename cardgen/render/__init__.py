"""Backends: Page + Template → file. Each module renders one kind of output."""
