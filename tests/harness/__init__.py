"""The shared harness for chat front ends: the daemon on the demo platform with a fake chat
server, the clock driven by the test, and what was posted read back. Telegram uses it now;
Feishu, DingTalk, WeCom and the web console plug their fake servers into the same
`FakeChat` shape (tests/harness/daemon.py) and reuse the flows."""
