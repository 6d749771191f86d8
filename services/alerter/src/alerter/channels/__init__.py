"""Channels: the e-mail and webhook templates (pure) and their senders (aiosmtplib, httpx)."""
