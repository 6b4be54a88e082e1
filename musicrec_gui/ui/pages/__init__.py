"""The pages behind the sidebar entries."""
