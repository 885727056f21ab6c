"""User administration: administrators manage every account, contact persons their colleagues."""
