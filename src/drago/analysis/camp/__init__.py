"""Fight camp: performance models, weight-class checks and the camp planner (pure functions)."""
