"""Exchange with other tools: OSCAL documents and spreadsheets, written from and read into the same rows as the screen."""
