"""pactline: a self-hosted monetization platform for sales-led B2B SaaS."""

__version__ = "0.1.0"
