"""REST API v1 of this app; registered on the one router in kaikukanta/api.py."""
