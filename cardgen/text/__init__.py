"""Text engine: plain-text extraction, font resolution with fallback, line breaking and fitting."""
