"""Deleting asks first. With JavaScript the delete button's `hx-confirm` asks and its request
carries `confirm`; without it, the delete URL answers GET, or a POST without `confirm`, with a
page that asks and posts again with `confirm`."""

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@dataclass
class Confirmation:
    question: str  # "Delete endpoint “Create note”?"
    consequence: str  # what the deletion does and whether it can be undone
    cancel_url: str
    button: str = "Delete"


def confirmed(request: HttpRequest) -> bool:
    return request.method == "POST" and bool(request.POST.get("confirm"))


def confirmation_page(request: HttpRequest, confirmation: Confirmation, **context) -> HttpResponse:
    context = {**context, "confirmation": confirmation, "action_url": request.path}
    return render(request, "specs_app/confirm_delete.html", context)
