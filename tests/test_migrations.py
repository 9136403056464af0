"""The models and the migrations describe the same tables: a change to the models (such as the
uid constraint that every content model inherits from ContentRow) needs no migration."""

import pytest
from django.core.management import call_command

from specs_app.models import CONTENT_MODELS


@pytest.mark.django_db
def test_the_models_need_no_new_migration():
    call_command("makemigrations", "specs_app", check=True, dry_run=True, verbosity=0)


def test_each_content_table_keeps_its_uid_constraint_name():
    for model in CONTENT_MODELS:
        names = [constraint.name for constraint in model._meta.constraints]
        assert f"uq_{model.__name__.lower()}_uid" in names
