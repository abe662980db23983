"""Gongkai (公开): search over Chinese government information-disclosure archives."""

__version__ = "0.1.0"
