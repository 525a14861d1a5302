"""A task's number reads as the document prints it at its level, on every page that lists tasks."""

import pytest

from plans.models import Task
from tests.factories import plan_factory


@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("二/(一)/1", "1."),
        ("二/(三)", "(三)"),
        ("一/(1)", "(1)"),
        ("三/(一)/①", "①"),
        ("第五条", "第五条"),
        ("一/1-2", "1."),
    ],
)
def test_the_label_follows_the_level_and_hides_the_duplicate_suffix(path, label):
    assert Task(path=path, number="x", heading="加强领导").label == label
    assert str(Task(path=path, number="x", heading="加强领导")) == f"{label} 加强领导"


@pytest.mark.django_db
def test_a_task_at_the_second_level_is_not_shown_as_a_top_level_heading(client, district, unit, legal_officer):
    task = plan_factory(jurisdiction=district, tasks=1, lead=unit).tasks.get()
    Task.objects.filter(pk=task.pk).update(path="二/(三)", number="三", heading="深化行政执法体制改革")
    client.force_login(legal_officer)
    page = client.get(f"/tasks/{task.pk}/").content.decode()
    assert "(三) 深化行政执法体制改革" in page and "三. 深化" not in page
