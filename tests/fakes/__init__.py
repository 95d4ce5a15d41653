"""Local fakes of the platforms (loopback only)."""
