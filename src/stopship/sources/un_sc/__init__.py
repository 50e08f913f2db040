"""UN Security Council Consolidated List, official XML."""
