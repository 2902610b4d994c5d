"""Theme senses: a theme's keyword is tagged only in the sense the theme means. The senses
and masks are data (themes.ttl keywords, patterns.ttl 'theme-name' masks); each case here is
a drafting convention of UN and ITU texts, written for the test."""

from __future__ import annotations

import pytest

from mvkg.ingest.themes import tags_in
from mvkg.kernel.model import Span


def themes(lexicon, text: str) -> set[str]:
    found = tags_in(lexicon.theme_matchers, lexicon.themes, text, [Span(0, len(text), text)], lexicon.actor_matchers,
                    lexicon.pattern("theme-name"))
    return {lexicon.themes[t.concept].notation for t in found}


@pytest.mark.parametrize(("text", "absent", "present"), [
    # the name of a policy field is not the theme its words name
    ("To strengthen science, technology and innovation policy reviews;", "economic-growth", None),
    ("To support national innovation strategies;", None, "economic-growth"),
    # 'sustainable development' is the UN's development agenda; durable funding is not sustainability
    ("Commit to mobilize sufficient and sustainable financing for sustainable development;", "sustainability", None),
    ("to keep metaverse platforms sustainable over time;", None, "sustainability"),
    # other senses of security and secure
    ("Requests a report on developments in the context of international security;", "security", None),
    ("Decides to take measures to secure compliance with paragraph 2;", "security", None),
    ("to study the security of immersive networks;", None, "security"),
    # accessible as 'available'
    ("To inform users in a clear, easily accessible way;", "accessibility", None),
    ("to make services accessible to persons with disabilities;", None, "accessibility"),
    # money given is not taking part in the work
    ("Invites the international community to make voluntary contributions to the trust fund;", "participation", None),
    ("invites Sector Members to submit contributions to the study groups;", None, "participation"),
    # a best practice is information shared, not capacity built; technical assistance is
    ("to compile and disseminate best practices;", "capacity-building", None),
    ("to continue the technical assistance provided to developing countries;", None, "capacity-building"),
    # vulnerable people are not software vulnerabilities; the health sector's mental health is not user safety
    ("to protect persons in vulnerable situations and their mental health;", "cybersecurity-threats", None),
    ("to protect persons in vulnerable situations and their mental health;", "safety-and-well-being", None),
    ("to share information on security vulnerabilities of IoT devices;", None, "cybersecurity-threats"),
    # universal access to health care is health coverage; contributing to a strategy is not taking part in the work
    ("Commit to universal access to quality prevention and treatment;", "inclusion", None),
    ("Ensure that programmes actively contribute to national strategies;", "participation", None),
    ("to actively contribute to standardization work in the study groups;", None, "participation"),
    # an actor identified by what it takes part in; adding an item; military installations
    ("Authorizes Member States participating in the Board to establish a fund;", "participation", None),
    ("to participate in the Board and its work;", None, "participation"),
    ("to consider the inclusion of captioning at meetings;", "inclusion", None),
    ("to promote the inclusion of persons with disabilities;", None, "inclusion"),
    ("to promote the inclusion of all in the digital economy;", None, "inclusion"),
    ("Calls for the destruction of the military, terror, and offensive infrastructure;", "architecture-infrastructure", None),
    ("to expand telecommunication infrastructure in rural areas;", None, "architecture-infrastructure"),
    # inclusion and infrastructure in their usual words
    ("to close the digital divides between women and men;", None, "inclusion"),
    ("to support the deployment of broadband networks;", None, "architecture-infrastructure"),
])
def test_a_keyword_is_tagged_in_its_theme_sense_only(lexicon, text, absent, present):
    found = themes(lexicon, text)
    if absent:
        assert absent not in found, found
    if present:
        assert present in found, found


def test_the_masks_are_data(lexicon):
    """Without the 'theme-name' patterns, the field name tags its word again."""
    text = "To strengthen science, technology and innovation policy reviews;"
    bare = tags_in(lexicon.theme_matchers, lexicon.themes, text, [Span(0, len(text), text)], lexicon.actor_matchers, ())
    assert "economic-growth" in {lexicon.themes[t.concept].notation for t in bare}
