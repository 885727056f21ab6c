"""The register's services: keeping people and their credentials, searching, import/export."""
