"""Reports, digests and /stats: the metrics drawn as a chart and told in Chinese."""
