"""Real servers started by tests on loopback: aiosmtpd, Dovecot, and the TLS files they use."""
