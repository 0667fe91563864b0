"""Pure-Python rules: everything a regulation puts a number on.

No Django import is allowed anywhere in this package (tests/test_rules_purity.py
enforces it), so auditors and other systems can use the rules on their own.
"""
