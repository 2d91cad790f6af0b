"""WeCom (企业微信): the AI bot (智能机器人) over its long connection."""
