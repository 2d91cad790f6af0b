"""Group robots for alert-only chats: WeCom 群机器人, DingTalk 自定义机器人 (加签) and
Feishu/Lark 自定义机器人 (签名校验). Each posts signed cards to its webhook; none can
receive a tap, so their buttons are links (the review on its platform, the web console).
The rate limit and the merging of overflow into one summary live in jobs/robots.py."""
