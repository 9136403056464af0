"""Audit events in words, where a page lists them outside a change request's timeline."""

from django import template

from specs_app.services.selectors import event_sentence as sentence_of

register = template.Library()


@register.filter
def event_sentence(event) -> str:
    return sentence_of(event)
