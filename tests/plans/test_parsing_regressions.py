"""Parser regressions found by trying the platform as its users do."""

from plans.importing.units import parse_assignment


def test_time_limit_inside_the_unit_parenthesis_is_not_a_unit():
    mentions = parse_assignment("牵头单位:区司法局,2026年12月底前完成")
    assert [(m.name, m.role.value) for m in mentions] == [("区司法局", "lead")]


def test_units_with_conjunctions_still_split():
    mentions = parse_assignment("牵头单位:区人力资源和社会保障局,配合单位:区法制办和各镇、街")
    assert [(m.name, m.role.value) for m in mentions] == [
        ("区人力资源和社会保障局", "lead"),
        ("区法制办", "cooperating"),
        ("各镇街", "cooperating"),
    ]
