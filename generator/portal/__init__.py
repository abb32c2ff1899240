"""Portal metadata: pull, snapshot, diff and rendering of one portal's own fields."""
