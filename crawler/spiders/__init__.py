"""Gongkai's spiders."""
