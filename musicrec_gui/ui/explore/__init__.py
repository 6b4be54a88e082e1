"""Helpers shared by the exploring pages (Artists, Similar, For you, Map)."""
