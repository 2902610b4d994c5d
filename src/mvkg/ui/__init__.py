"""The Streamlit analyst workspace: thin pages over the library (no logic of its own)."""
