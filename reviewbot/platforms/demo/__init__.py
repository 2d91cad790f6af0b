"""The built-in demo platform: a simulator served over HTTP, and its adapter."""
