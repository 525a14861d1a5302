"""How long parsing takes, on the five seeds and on a generated 1,000-task plan, and how well it reads the
corpus (fixtures/corpus: documents in the formats districts publish, with hand-written gold).

An upload is parsed inside the request that shows the preview, so parsing must stay well under a second
(the five seeds together: under 0.5 s on a 2-core machine). Run with
``python -m plans.importing.benchmark fixtures/seeds [fixtures/corpus]``.
"""

from __future__ import annotations

import io
import json
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

from plans import resolution

from .corpus import BINARY_SUFFIXES, CorpusScore, score_corpus
from .formats import convert
from .outline import chinese_numeral
from .parser import parse_bytes
from .reader import read_upload

GENERATED_TASKS = 1000
# Issue 18 (hardening): 30,000 items all numbered "1." must parse in under 2 s of CPU; parsing was quadratic
# in the duplicates once, then about 2.5 s of CPU per-task and per-line work.
DUPLICATE_TASKS = 30_000
BUDGETS = {f"duplicate_numbers_{DUPLICATE_TASKS}_tasks_cpu": "< 2 s"}
_UNITS = ("区编办", "区法制办", "区财政局", "区人力资源和社会保障局", "区市场监管局", "区政务办", "区司法局")
_VERBS = ("健全", "完善", "深化", "推进", "加强", "落实", "规范", "创新")
_TOPICS = ("行政审批制度改革", "规范性文件管理", "重大行政决策程序", "行政执法监督", "政务公开", "行政复议")


def generated_plan(tasks: int = GENERATED_TASKS, groups: int = 20) -> str:
    """A plan in the 番禺 shape with ``tasks`` tasks in ``groups`` groups; deterministic, no randomness."""
    lines = [
        "某府办〔2024〕1号",
        "某区人民政府办公室",
        "2024年3月1日",
        "某区法治政府建设工作方案(2024—2026年)",
        "为全面推进依法行政,制定本方案。",
        "一、总体要求",
        "到2026年,基本建成法治政府。",
        "二、主要任务",
    ]
    per_group = -(-tasks // groups)
    number = 0
    for group in range(1, groups + 1):
        lines.append(f"({chinese_numeral(group)}){_VERBS[group % len(_VERBS)]}工作机制,提升工作水平。")
        for _ in range(per_group):
            number += 1
            if number > tasks:
                break
            lead = _UNITS[number % len(_UNITS)]
            helper = _UNITS[(number * 3 + 1) % len(_UNITS)]
            verb = _VERBS[number % len(_VERBS)]
            topic = _TOPICS[number % len(_TOPICS)]
            lines.append(
                f"{number}.{verb}{topic}。每年组织专题培训不少于{number % 5 + 1}次,"
                f"{2024 + number % 3}年底前完成清理工作(牵头单位:{lead},配合单位:{helper}和各镇、街)。"
                f"每年3月底前报送上一年度工作总结(牵头单位:{helper})。"
            )
    lines += ["三、工作要求", "(一)加强领导。各单位每年1月底前制定工作计划。"]
    return "\n".join(lines)


def duplicate_numbers_plan(tasks: int = DUPLICATE_TASKS) -> str:
    """A plan of ``tasks`` one-line items all numbered "1." under one heading (about 2 MB at 30,000): every
    item is a duplicate number, a numbering gap and a task without units, so each costs three warnings."""
    return "某区2024年法治政府建设工作要点\n\n一、工作任务\n" + "".join(
        f"1.加强行政执法监督第{i}项工作,由区司法局负责。\n" for i in range(tasks)
    )


def duplicate_numbers_run(tasks: int = DUPLICATE_TASKS) -> dict[str, float]:
    """Processor seconds (this process's, ``time.process_time``) to parse ``duplicate_numbers_plan``
    once, raw bytes through ``parse_bytes``. Processor rather than wall time: on a machine shared with other
    work the wall time measures the queue for the processor, this the parse itself."""
    data = duplicate_numbers_plan(tasks).encode("utf-8")
    started = time.process_time()
    parse_bytes(data, "plan.txt")
    return {f"duplicate_numbers_{tasks}_tasks_cpu": round(time.process_time() - started, 4)}


def _best_of(runs: int, action: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - started)
    return best


def run(seeds_dir: str | Path, *, runs: int = 5, tasks: int = GENERATED_TASKS) -> dict[str, float]:
    """Seconds (best of ``runs``, raw bytes through ``parse_bytes``) for each seed by file name,
    ``all_seeds`` for the five in a row and ``generated_1000_tasks`` for the generated plan.

    A flat name → seconds mapping, so a management command can print it as a table.
    """
    seeds = sorted(Path(seeds_dir).glob("*.txt"))
    payloads = [(path.name, path.read_bytes()) for path in seeds]
    for name, data in payloads[:1]:
        parse_bytes(data, name)  # warm caches (regex compilation, converter tables)

    figures: dict[str, float] = {}
    for name, data in payloads:
        figures[name] = _best_of(runs, lambda data=data, name=name: parse_bytes(data, name))
    figures["all_seeds"] = _best_of(runs, lambda: [parse_bytes(data, name) for name, data in payloads])
    generated = generated_plan(tasks=tasks, groups=min(20, tasks)).encode("utf-8")
    figures[f"generated_{tasks}_tasks"] = _best_of(max(1, runs // 2), lambda: parse_bytes(generated, "generated.txt"))
    return {name: round(seconds, 4) for name, seconds in figures.items()}


# The unit directory of a city-wide benchmark: 11 districts × 56 units = 616 (the size of the city data set's
# directory, ../shared/bench/CITY_DATASET.md), named as Guangdong districts name them.
_BENCH_DISTRICTS = ("越秀", "海珠", "荔湾", "天河", "白云", "黄埔", "番禺", "花都", "南沙", "从化", "增城")
_BENCH_UNITS = (
    "政府办公室", "发展和改革局", "教育局", "科技工业商务和信息化局", "公安分局", "民政局", "司法局", "财政局",
    "人力资源和社会保障局", "规划和自然资源局", "生态环境分局", "住房和城乡建设局", "交通运输局", "水务局",
    "农业农村局", "文化广电旅游体育局", "卫生健康局", "退役军人事务局", "应急管理局", "审计局",
    "国有资产监督管理局", "市场监督管理局", "统计局", "医疗保障局", "城市管理和综合执法局",
    "政务服务数据管理局", "信访局", "林业和园林局", "税务局", "消防救援大队", "档案馆", "地方志办公室",
    "投资促进局", "金融工作局", "机关事务管理局", "委办公室", "委组织部", "委宣传部", "委政法委", "委编办",
    "委依法治区办", "人民法院", "人民检察院", "总工会", "团委", "妇联", "残联", "工商联", "科协",
    "红十字会", "融媒体中心", "政务服务中心", "公共资源交易中心", "行政审批局", "司法局法律援助处", "人民防空办公室",
)  # fmt: skip
_BENCH_STREETS = ("东城", "西城", "南城", "北城", "中山", "新华", "人民", "解放", "和平", "建设")


def resolution_directory(units: int = 616) -> resolution.Directory:
    """``units`` units of many districts in one directory, the worst case for the resolver."""
    names = [f"{d}区{u}" for d in _BENCH_DISTRICTS for u in _BENCH_UNITS]
    return resolution.Directory(
        [resolution.DirectoryUnit(pk, name) for pk, name in enumerate(names[:units])], jurisdiction="广州市"
    )


def resolution_names(tasks: int = 100) -> list[str]:
    """The unit names a ``tasks``-task document prints (a lead and two cooperating units a task), written
    as documents write them: exact, without the district, with a qualifier, abbreviated, with a slip of
    one character, in traditional characters, unknown streets, group phrases."""
    names: list[str] = []
    for number in range(tasks * 3):
        district = _BENCH_DISTRICTS[number % len(_BENCH_DISTRICTS)]
        unit = _BENCH_UNITS[(number * 7) % len(_BENCH_UNITS)]
        style = number % 8
        if style == 0:
            names.append(f"{district}区{unit}")
        elif style == 1:
            names.append(f"{district}{unit}")
        elif style == 2:
            names.append(f"{district}区{unit}({unit[:2]})")
        elif style == 3:
            names.append(f"{district}区{unit[0]}{unit[2:3]}{unit[-1]}")  # an abbreviation, often none
        elif style == 4:
            names.append(f"{district}区{unit[:-2]}X{unit[-1]}")  # a slip of one character
        elif style == 5:
            names.append(to_simplified_reverse(f"{district}区{unit}"))
        elif style == 6:
            names.append(f"{_BENCH_STREETS[number % len(_BENCH_STREETS)]}{number}街道")
        else:
            names.append(("各镇街", "区政府各部门", "各有关部门", "行政决策起草和主办部门")[number % 4])
    return names


def to_simplified_reverse(text: str) -> str:
    """A few common characters written traditional, as in a mirrored page (区→區, 局→局 stays)."""
    return text.translate(str.maketrans("区发务经济卫计报", "區發務經濟衛計報"))


def resolution_run(*, tasks: int = 100, units: int = 616, runs: int = 5) -> dict[str, float]:
    """Seconds to index a ``units``-unit directory and resolve the names of a ``tasks``-task document
    (best of ``runs``): what the preview does per request, less the one query that loads the units."""
    names = resolution_names(tasks)
    seconds = _best_of(runs, lambda: resolution_directory(units).resolve(names))
    return {f"resolve_units_{tasks}_tasks_{units}_units": round(seconds, 4)}


def corpus(corpus_dir: str | Path, *, smoke: bool = False) -> tuple[CorpusScore, float]:
    """The importer's scores on the corpus and the seconds the whole run took (parsing and scoring).

    ``smoke`` leaves out the binary formats (.docx, .xlsx, .pdf, .doc): the quick CI run checks that the
    scorer works, not how well the importer reads Word files.
    """
    started = time.perf_counter()
    score = score_corpus(corpus_dir, skip_suffixes=BINARY_SUFFIXES if smoke else ())
    return score, round(time.perf_counter() - started, 4)


def generated_docx(tasks: int = 340) -> bytes:
    """The generated plan as a Word document, one paragraph a line (about 30 A4 pages at 300 tasks)."""
    import docx

    document = docx.Document()
    for line in generated_plan(tasks=tasks, groups=10).splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def formats(*, tasks: int = 340) -> dict[str, float]:
    """Seconds to read a generated ~30-page plan as .pdf (text extraction) and as .doc (LibreOffice
    conversion, then .docx reading), both through ``read_upload``; the files are made by LibreOffice first
    (not timed). Empty when LibreOffice is not installed."""
    if convert.soffice_path() is None:
        return {}
    source = generated_docx(tasks)
    pdf_bytes = convert.convert(source, source_suffix=".docx", target="pdf")
    doc_bytes = convert.convert(source, source_suffix=".docx", target="doc")
    pages = read_upload(pdf_bytes, "generated.pdf").pages
    figures = {f"pdf_text_{pages}_pages": round(_best_of(1, lambda: read_upload(pdf_bytes, "generated.pdf")), 4)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    figures[f"doc_convert_{pages}_pages"] = round(_best_of(1, lambda: read_upload(doc_bytes, "generated.doc")), 4)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # LibreOffice's processor time, beside the wall time: on a machine shared with other work the wall time
    # measures the queue for the processor, this the conversion itself.
    figures[f"doc_convert_{pages}_pages_cpu"] = round(
        (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), 4
    )
    return figures


if __name__ == "__main__":
    print(json.dumps(run(sys.argv[1] if len(sys.argv) > 1 else "fixtures/seeds"), ensure_ascii=False, indent=2))
    corpus_score, seconds = corpus(sys.argv[2] if len(sys.argv) > 2 else "fixtures/corpus")
    print("\n".join(corpus_score.lines()))
    print(f"corpus scored in {seconds:.2f} s")
