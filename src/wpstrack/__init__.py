"""wpstrack: monitor how governments implement the Women, Peace and Security agenda."""

__version__ = "0.1.0"
