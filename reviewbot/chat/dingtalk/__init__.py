"""DingTalk (钉钉) through an enterprise internal app's robot: interactive review cards sent
through the OpenAPI, their buttons and the robot's @-messages received over the Stream-mode
connection (the official `dingtalk-stream` SDK), so no public IP or callback URL is needed."""
