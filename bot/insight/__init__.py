"""The insight page for staff and volunteers: what parents ask, what the assistant could not answer."""
