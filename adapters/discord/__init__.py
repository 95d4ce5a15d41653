"""The Discord adapter: ``/set`` as an application-command group, stage cards as embeds with
persistent buttons, modals for the longer texts, check-ins by DM (see ``docs/discord.md``)."""
