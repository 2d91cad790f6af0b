"""What the app-bot front ends (DingTalk, WeCom, Feishu) share: command answers as text."""
