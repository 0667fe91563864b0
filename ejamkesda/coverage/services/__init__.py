"""Write operations of the coverage domain (keyword-only ``<thing>_<verb>`` functions)."""
