"""What `manage.py bench` measures and the big specs it measures on: tools for the operator
and the tests, not part of the studio's request path."""
