"""The web console (aiohttp + Jinja2): the chat's workflow in a browser."""
