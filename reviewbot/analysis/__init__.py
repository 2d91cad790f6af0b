"""Review analysis: sentiment, categories with polarity, malice and severity."""
