"""Discussion threads on recommendations, ideas and hearings, and their moderation."""
