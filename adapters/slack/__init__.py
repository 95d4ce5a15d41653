"""Slack: the Bolt ``AsyncApp`` (HTTP or Socket Mode) around the engine.

``inbound`` turns payloads into core events, ``render`` turns cards and forms into Block Kit,
``outbox`` carries effects out through the Web API, ``home`` builds the App Home tab, and
``app`` wires them to Bolt (``start_slack``).
"""
