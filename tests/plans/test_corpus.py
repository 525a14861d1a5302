"""The corpus (fixtures/corpus): every gold file is well formed, the scorer's arithmetic is right, the seeds'
text documents read as the seeds do, and — once the parser generalisation lands — the importer meets the bar."""

import json
from collections import Counter
from pathlib import Path

import pytest

from plans.importing import parse_bytes
from plans.importing.corpus import (
    BINARY_SUFFIXES,
    CorpusScore,
    Counts,
    DocumentScore,
    FoundTask,
    GoldError,
    GoldTask,
    align,
    compare,
    gold_files,
    load_gold,
    score_corpus,
    score_document,
    score_task,
)

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "corpus"
GOLD_FILES = gold_files(CORPUS)
WRITTEN = [path for path in GOLD_FILES if path.parent == CORPUS]
SEED_TEXT_GOLDS = [
    path
    for path in GOLD_FILES
    if path.parent.name == "seed_variants" and load_gold(path).document.suffix.lower() not in BINARY_SUFFIXES
]


def test_the_corpus_covers_the_formats():
    """At least 22 hand-written documents, in every file format and encoding the issue names."""
    golds = [load_gold(path) for path in WRITTEN]
    assert len(golds) >= 22
    suffixes = Counter(gold.document.suffix for gold in golds)
    assert {".txt", ".html", ".xlsx", ".docx"} <= set(suffixes)
    classes = Counter(gold.klass for gold in golds)
    assert classes["rubric"] >= 1 and classes["report"] >= 1 and classes["other"] >= 1
    heads = [gold.document.read_bytes()[:2] for gold in golds if gold.document.suffix == ".txt"]
    assert b"\xff\xfe" in heads or b"\xfe\xff" in heads  # one UTF-16 text
    gb18030 = []
    for gold in golds:
        data = gold.document.read_bytes()
        if gold.document.suffix == ".txt" and data[:2] not in (b"\xff\xfe", b"\xfe\xff"):
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                data.decode("gb18030")
                gb18030.append(gold.name)
    assert len(gb18030) >= 2
    variants = {path.name.split(".")[0].split("_", 1)[1] for path in GOLD_FILES if path.parent.name == "seed_variants"}
    assert variants == {"original", "traditional", "gb18030", "word", "pdf", "word97"}


@pytest.mark.parametrize("gold_path", GOLD_FILES, ids=lambda path: path.name.removesuffix(".gold.json"))
def test_every_gold_file_is_valid_and_its_document_exists(gold_path):
    gold = load_gold(gold_path)
    assert gold.document.is_file() and gold.document.stat().st_size > 0
    for task in gold.tasks:
        for name in (*task.lead, *task.cooperating, *task.groups):
            assert "等" not in name[-1:], f"{gold.name} {task.path}: 等 is trimmed from {name}"


def test_a_gold_file_that_breaks_the_format_is_refused(tmp_path):
    (tmp_path / "x.txt").write_text("一、任务\n1.做事。(区司法局负责)", encoding="utf-8")
    gold = {"models": "a test document in the numbered-task shape", "class": "report", "tasks": []}
    (tmp_path / "x.gold.json").write_text(json.dumps(gold), encoding="utf-8")
    assert load_gold(tmp_path / "x.gold.json").klass == "report"
    task = {"path": "一/1", "heading": "做事情做事情", "lead": ["区 司法局"]}
    for broken, message in [
        ({**gold, "class": "memo"}, "'class'"),
        ({**gold, "tasks": [task]}, "has no tasks"),
        ({**gold, "class": "plan", "tasks": [task]}, "without spaces"),
        ({**gold, "class": "plan", "tasks": [{**task, "lead": ["区司法局"], "role": "x"}]}, "unknown keys"),
        ({**gold, "document": "missing.txt"}, "does not exist"),
    ]:
        (tmp_path / "x.gold.json").write_text(json.dumps(broken), encoding="utf-8")
        with pytest.raises(GoldError, match=message):
            load_gold(tmp_path / "x.gold.json")


def test_f1_of_a_known_case():
    """Gold lead {A, B, C}, found {A, B, D}: 2 right, 1 wrong, 1 missed → P = R = F1 = 2/3."""
    counts = compare(["A", "B", "C"], ["A", "B ", "D"])
    assert (counts.tp, counts.fp, counts.fn) == (2, 1, 1)
    assert counts.precision == pytest.approx(2 / 3)
    assert counts.f1 == pytest.approx(2 / 3)
    # micro-averaging sums the counts before dividing: (2,1,1) + (1,0,0) → F1 = 2·3 / (2·3 + 1 + 1) = 0.75
    assert (counts + Counts(1, 0, 0)).f1 == pytest.approx(0.75)
    assert Counts().f1 is None  # nothing to find and nothing found is no evidence


def test_a_phrase_the_gold_calls_a_group_is_scored_as_a_group():
    gold = GoldTask(path="1", heading="健全决策程序", lead=("县政府办公室",), groups=("行政决策起草和主办部门",))
    found = FoundTask(
        path="1", heading="健全决策程序", text="健全决策程序。", lead=("县政府办公室", "行政决策起草和主办部门")
    )
    scores = score_task(gold, found)
    assert (scores["lead"].tp, scores["lead"].fp, scores["lead"].fn) == (1, 0, 0)
    assert scores["groups"].f1 == 1.0


def test_tasks_are_matched_in_document_order_and_a_missed_task_shifts_nothing():
    gold = [
        GoldTask(path=str(n), heading=heading)
        for n, heading in enumerate(["甲乙丙丁戊己", "庚辛壬癸子丑", "寅卯辰巳午未"])
    ]
    found = [
        FoundTask(path=p, heading=text[:6], text=text)
        for p, text in [("1", "甲乙丙丁戊己。"), ("3", "寅卯辰巳午未(区司法局负责)"), ("4", "申酉戌亥")]
    ]
    assert align(gold, found) == [(0, 0), (2, 1)]
    # a parent that swallowed its (1) child is not that child
    parent = FoundTask(
        path="1", heading="推进政府机构职能优化协同高效", text="推进政府机构职能优化协同高效\n(1)规范行政权力运行。"
    )
    assert align([GoldTask(path="1/(1)", heading="规范行政权力运行…")], [parent]) == []


def test_a_document_scores_and_the_corpus_sums(tmp_path):
    text = (
        "某区工作方案\n一、主要任务\n"
        "1.健全依法决策机制。(区司法局牵头,区财政局、各有关部门配合)\n"
        "2.加强执法监督工作。(区司法局负责)\n"
    )
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    tasks = [
        {
            "path": "一/1",
            "heading": "健全依法决策机制…",
            "lead": ["区司法局"],
            "cooperating": ["区财政局", "区审计局"],
            "groups": ["各有关部门"],
        },
        {"path": "一/2", "heading": "加强执法监督工作…", "lead": ["区司法局"]},
        {"path": "一/3", "heading": "推进政务公开工作…", "lead": ["区政府办"]},
    ]
    gold = {"models": "a three-task test plan in the Panyu shape", "class": "plan", "tasks": tasks}
    (tmp_path / "a.gold.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "b.odt").write_bytes(b"an OpenDocument text, a format the importer does not read")
    pdf_gold = {"models": "a test plan saved as OpenDocument text", "class": "plan", "tasks": tasks[:1]}
    (tmp_path / "b.gold.json").write_text(json.dumps(pdf_gold, ensure_ascii=False), encoding="utf-8")

    score = score_corpus(tmp_path)
    a, b = score.documents
    assert (a.status, a.found_tasks, a.gold_tasks, a.matched) == ("ok", 2, 3, 2)
    assert not a.exact_count and a.class_correct
    assert (a.units["lead"].tp, a.units["lead"].fp, a.units["lead"].fn) == (2, 0, 0)
    assert (a.units["cooperating"].tp, a.units["cooperating"].fn) == (1, 1)  # 区审计局 missed
    assert a.units["groups"].f1 == 1.0
    assert b.status == "unsupported" and not b.exact_count and not b.class_correct
    assert score.exact_rate == 0.0 and score.class_accuracy == 0.5
    assert score.f1("cooperating") == pytest.approx(2 / 3)
    assert any("b: unsupported" in line for line in score.lines())


def test_a_crashing_parser_is_recorded_not_raised(tmp_path):
    (tmp_path / "a.txt").write_text("1.做事。", encoding="utf-8")
    gold = {
        "models": "a one-line test plan for the crash path",
        "class": "plan",
        "tasks": [{"path": "1", "heading": "做事做事做事"}],
    }
    (tmp_path / "a.gold.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")

    def broken(data, filename):
        raise IndexError("boom")

    score = score_document(load_gold(tmp_path / "a.gold.json"), parse=broken)
    assert score.status == "error" and "boom" in score.detail


@pytest.mark.parametrize("gold_path", SEED_TEXT_GOLDS, ids=lambda path: path.name.removesuffix(".gold.json"))
def test_the_seeds_text_documents_score_perfectly(gold_path):
    """The seeds, and their traditional and GB18030 copies, read exactly as the gold recorded from the seeds."""
    gold = load_gold(gold_path)
    score = score_document(gold)
    assert score.perfect, score.line()
    document = parse_bytes(gold.document.read_bytes(), gold.document.name)
    assert dict(Counter(task.section_path for task in document.tasks)) == (gold.sections or {})


TITLED = [path for path in WRITTEN if load_gold(path).title]


@pytest.mark.parametrize("gold_path", TITLED, ids=lambda path: path.name.removesuffix(".gold.json"))
def test_the_plan_title_is_read_as_the_gold_gives_it(gold_path):
    """Where the title is the question (a notice naming its plan in 〈〉 and printing no title line of its
    own), the gold records it and the importer must give it, brackets removed."""
    gold = load_gold(gold_path)
    assert parse_bytes(gold.document.read_bytes(), gold.document.name).title == gold.title


def _bar_failures(score: CorpusScore) -> list[str]:
    return [document.line() for document in score.documents if not document.perfect]


def test_the_importer_meets_the_bar_on_the_corpus():
    """The issue's bar over every corpus document (unsupported formats count as misses): ≥90% exact task
    counts, unit F1 ≥ 0.9 for lead and for cooperating, every rubric, report and other document recognised."""
    score = score_corpus(CORPUS)
    failures = "\n".join(_bar_failures(score))
    assert score.exact_rate >= 0.9, failures
    assert (score.f1("lead") or 0) >= 0.9, failures
    assert (score.f1("cooperating") or 0) >= 0.9, failures
    assert score.non_plans_recognised(), failures


def test_document_score_reports_a_failure_on_one_line():
    score = DocumentScore(
        name="x", suffix=".txt", status="ok", detail="", gold_class="rubric", found_class="plan",
        gold_tasks=0, found_tasks=7, matched=0, units={"lead": Counts(), "cooperating": Counts(), "groups": Counts()},
    )  # fmt: skip
    assert score.line() == "x: tasks 7/0, matched 0, lead F1 -, cooperating F1 -, groups F1 -, class plan (gold rubric)"
    assert not score.class_correct and not score.perfect
