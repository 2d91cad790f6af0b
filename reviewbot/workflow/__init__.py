"""What staff and the owner can do to a review, once for every front end."""
