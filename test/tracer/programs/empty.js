// Does nothing at all.
