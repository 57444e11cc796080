"""One renderer per output format; all of them start from the assembled Book."""
