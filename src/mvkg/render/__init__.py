"""Renderings for people: tables, reports, snapshot reports."""
