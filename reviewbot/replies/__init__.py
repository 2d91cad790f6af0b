"""The 5S reply engine: drafts assembled from the template library in templates/replies/."""
