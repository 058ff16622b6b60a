"""The shipped default configuration (YAML files beside this module)."""
