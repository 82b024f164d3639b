"""SMS: Jinja2 templates, the SNS sender, the outbox sweep."""
