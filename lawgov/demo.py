"""Demo data: the jurisdictions and units named by the five seed documents, and one account per role.

Kept as data here (not a fixture file) so that seed_demo can be run again and again and only adds
what is missing.
"""

from lawgov.models import Role, UnitKind

D, T, C, P = UnitKind.DEPARTMENT, UnitKind.TOWNSHIP, UnitKind.COURT, UnitKind.PARTY

# city → districts; each district: (name, short name, kind, aliases)
JURISDICTIONS: dict[str, dict[str, list[tuple[str, str, str, list[str]]]]] = {
    "广州市": {
        "番禺区": [
            ("区法制办", "法制办", D, ["区政府法制办", "番禺区法制办"]),
            ("区编办", "编办", D, ["区委编办"]),
            ("区政府办", "政府办", D, ["区政府办公室"]),
            ("区发展改革局", "发改局", D, ["区发改局"]),
            ("区人力资源和社会保障局", "人社局", D, ["区人社局"]),
            ("区公安分局", "公安分局", D, ["区公安局"]),
            ("区司法局", "司法局", D, []),
            ("区城管局", "城管局", D, []),
            ("区城市管理运行指挥中心", "", D, []),
            ("区审计局", "审计局", D, []),
            ("区市场监管局", "市场监管局", D, []),
            ("区政务办", "政务办", D, []),
            ("区文化广电新闻出版局", "文广新局", D, []),
            ("区民政局", "民政局", D, []),
            ("区环保局", "环保局", D, []),
            ("区监察局", "监察局", D, []),
            ("区科工商信局", "科工商信局", D, []),
            ("区财政局", "财政局", D, []),
            ("区委宣传部", "宣传部", P, []),
            ("区委维稳办", "维稳办", P, []),
            ("区检察院", "检察院", C, []),
            ("区法院", "法院", C, ["区人民法院"]),
            ("市桥街道", "市桥街", T, ["市桥街"]),
            ("沙头街道", "沙头街", T, ["沙头街"]),
            ("大石街道", "大石街", T, ["大石街"]),
            ("洛浦街道", "洛浦街", T, ["洛浦街"]),
            ("南村镇", "", T, []),
            ("石楼镇", "", T, []),
            ("沙湾镇", "", T, []),
            ("化龙镇", "", T, []),
        ],
    },
    "北京市": {
        "大兴区": [
            ("区司法局", "司法局", D, ["区委全面依法治区委员会办公室", "区法制办"]),
            ("区政府办", "政府办", D, []),
            ("区发展改革委", "发改委", D, []),
            ("区人力资源社会保障局", "人社局", D, []),
            ("区城市管理委", "城管委", D, []),
            ("区市场监管局", "市场监管局", D, []),
            ("区政务服务局", "政务服务局", D, []),
            ("区法院", "法院", C, []),
            ("兴丰街道", "", T, []),
            ("林校路街道", "", T, []),
            ("清源街道", "", T, []),
            ("黄村镇", "", T, []),
            ("西红门镇", "", T, []),
            ("旧宫镇", "", T, []),
        ],
    },
    "佛山市": {
        "南海区": [
            ("区法制办", "法制办", D, ["区政府法制办"]),
            ("区编办", "编办", D, []),
            ("区行政服务中心", "", D, []),
            ("区人力资源和社会保障局", "人社局", D, []),
            ("区民政和外事侨务局(民政)", "民政局", D, ["区民政和外事侨务局"]),
            ("区监察局", "监察局", D, []),
            ("区财政局", "财政局", D, []),
            ("区审计局", "审计局", D, []),
            ("公安南海分局", "公安分局", D, []),
            ("桂城街道", "", T, []),
            ("大沥镇", "", T, []),
            ("里水镇", "", T, []),
            ("狮山镇", "", T, []),
            ("丹灶镇", "", T, []),
            ("西樵镇", "", T, []),
            ("九江镇", "", T, []),
        ],
    },
    "广元市": {
        "昭化区": [
            ("区政府法制办", "法制办", D, ["区法制办"]),
            ("区政府办", "政府办", D, []),
            ("区委编办", "编办", D, ["区编办"]),
            ("区发改局", "发改局", D, []),
            ("区公安分局", "公安分局", D, []),
            ("区监察局", "监察局", D, []),
            ("区政务中心", "", D, []),
            ("区食药工商局", "", D, []),
            ("区财政局", "财政局", D, []),
            ("元坝镇", "", T, []),
            ("卫子镇", "", T, []),
            ("昭化镇", "", T, []),
            ("王家镇", "", T, []),
            ("磨滩镇", "", T, []),
            ("柏林沟镇", "", T, []),
        ],
    },
}

# Group phrases every district's documents use: name, aliases, the unit kinds they stand for.
# An empty kind list is an unresolved phrase: the legal office names its members.
GROUPS: list[tuple[str, list[str], list[str]]] = [
    ("各镇街", ["各镇、街", "各镇(街)", "各镇(街道)", "各镇街道", "各镇、街道", "各乡镇(街道)", "各乡镇"], [T]),
    ("区政府各部门", ["区府直属各单位", "区直各部门"], [D]),
    ("区级相关部门", ["区级有关部门"], []),
    ("区政府有关部门", [], []),
    ("各有关部门", ["各相关部门", "有关部门"], []),
]

# One account per role in 番禺区, whose plan is the fullest, and the 昭化区 accounts the assessment
# walk-through needs (a department and a township); (username, role, district, unit, display name).
ACCOUNTS: list[tuple[str, str, str, str | None, str]] = [
    ("fzb_panyu", Role.LEGAL_OFFICE, "番禺区", "区法制办", "番禺区法制办 王科长"),
    ("reporter_panyu", Role.REPORTER, "番禺区", "区编办", "区编办 李填报"),
    ("leader_panyu", Role.LEADER, "番禺区", None, "番禺区 张区长"),
    ("api_panyu", Role.API_CLIENT, "番禺区", None, "番禺区督查平台"),
    ("fzb_zhaohua", Role.LEGAL_OFFICE, "昭化区", "区政府法制办", "昭化区法制办 陈主任"),
    ("dept_zhaohua", Role.REPORTER, "昭化区", "区发改局", "区发改局 赵填报"),
    ("town_zhaohua", Role.REPORTER, "昭化区", "元坝镇", "元坝镇 孙填报"),
    ("leader_zhaohua", Role.LEADER, "昭化区", None, "昭化区 刘区长"),
]
DEMO_DISTRICT = "番禺区"
