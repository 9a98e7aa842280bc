"""Random newspaper pages as content: speeches (发言摘登) and articles, with what a reader must find.

Shared by the page generators of every producer (reportlab: tests/pdf_pages.py,
headless Chromium: tests/pdf_html.py, typst: tests/pdf_typst.py). A page is made
from a ``random.Random(seed)``, so a seed names a page. The words are built from
clause pools in the style of CPPCC speeches and People's Daily articles; names,
places and positions are drawn so that every byline is one the reader's
vocabularies know (lexicons/positions.txt, organizations.tsv), including
parenthesised positions that wrap (``省委党校（甘肃行政学院）常务副校（院）长``).

:func:`expected` gives, for each document, the fields the benchmark compares:
speaker or authors, position or credit, title, and the first and last 20
characters of the body (white space removed).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶潘杜戴夏钟汪田任姜范方石姚谭廖邹熊陆郝孔白崔康毛邱秦史顾侯邵孟段雷钱汤尹黎常武乔贺龚"
GIVEN = "建国华明丽军平志强伟芳秀英敏静燕勇艳杰涛超霞玉兰海波宁辉刚健桂云峰鹏晓春"
PLACES = ["兰州市", "天水市", "酒泉市", "金昌市", "白银市", "定西市", "陇南市", "平凉市", "庆阳市", "武威市", "张掖市",
          "嘉峪关市", "临夏州", "甘南州", "徽县", "镇原县", "康县", "成县", "两当县", "礼县", "文县", "静宁县", "通渭县",
          "会宁县", "岷县", "漳县", "西和县", "宕昌县", "华池县", "环县"]
ROLES = ["党组书记、主席", "主席", "副主席", "党组书记", "秘书长", "党组副书记、副主席"]
SCHOOLS = ["省委党校（甘肃行政学院）常务副校（院）长", "兰州市委党校（兰州行政学院）常务副校（院）长",
           "天水市委党校（天水行政学院）常务副校（院）长"]
PHRASES = ["凝聚共识", "履职尽责", "协商民主", "助推发展", "汇聚力量", "强化政治引领", "搭建履职平台", "服务中心大局",
           "深化民主监督", "广集良策", "画好同心圆", "提升履职能力", "聚焦主责主业", "建言资政", "双向发力", "守正创新",
           "团结奋进", "担当作为", "增进团结", "聚力乡村振兴"]
HEADS = ["加强思想政治引领", "坚持服务中心大局", "突出团结民主主题", "创新协商议政形式", "强化委员责任担当",
         "拓展凝聚共识渠道", "推进协商平台建设", "提高建言资政质量"]
CLAUSES = ["围绕中心工作建言献策", "组织委员深入基层开展调研", "推动解决了一批群众关心的实际问题", "不断厚植共同思想政治基础",
           "把协商议政与凝聚共识结合起来", "广泛听取各界群众意见建议", "在协商中寻求最大公约数", "引导委员在履职中增进共识",
           "健全委员联系界别群众制度", "开展专题协商和对口协商", "提出有分量的意见建议", "推动各项决策部署落到实处",
           "发挥委员主体作用", "把党的主张转化为社会各界的共识", "营造团结奋进的良好氛围", "建立委员履职档案",
           "开展“有事好商量”协商活动", "举办委员讲堂和读书活动", "推进基层协商民主建设", "加强与各民主党派的联系"]
ARTICLE_CLAUSES = ["各地抓好春耕备耕工作", "农资供应总体充足", "全国已完成春播粮食面积", "有关部门加强技术指导",
                   "确保不误农时", "记者在现场看到", "企业加快复工复产", "项目建设有序推进", "群众生活得到有效保障",
                   "市场运行总体平稳", "相关负责人介绍", "下一步将继续加大支持力度", "推动高质量发展取得新成效",
                   "基层干部群众表示", "各项政策措施落地见效"]
DATES = ["3月8日", "3月9日", "3月10日", "12月10日"]
CITIES = ["北京", "兰州", "上海", "成都"]


@dataclass
class Speech:
    titles: list[str]
    speaker: str
    position: str
    paragraphs: list[str]
    headings: set[int] = field(default_factory=set)  # paragraphs that are bold 一、 headings


@dataclass
class Story:
    titles: list[str]
    roles: list[str]
    authors: list[str]
    author_line: str | None  # as printed (layout spaces inside names), or None
    dateline: str | None  # as printed at the start of the first paragraph (with its credit), or None
    paragraphs: list[str]


@dataclass
class Page:
    family: str  # speeches | articles
    columns: int
    byline: str  # above | under | after (speeches)
    documents: list
    banner: str | None = None
    subtitle: str | None = None
    note: list[str] = field(default_factory=list)  # 编者按 in a box
    caption: str | None = None  # a photo with a caption
    contents: list[str] = field(default_factory=list)  # a contents list (articles)
    header: str = "甘肃日报  2021年12月10日  星期五  第7版  政协周刊"
    footer: str = "第 7 版"


def blocks(page: Page, doc: Speech | Story) -> list[tuple[str, str]]:
    """One document of ``page`` as every producer typesets it, in order: ``(kind, text)`` with kind
    ``byline`` (above or under the title), ``title`` (text empty: the producer sets ``doc.titles``),
    ``heading`` (a bold 一、 paragraph), ``para``, ``byline-after`` (right after the body) or ``author``."""
    out: list[tuple[str, str]] = []
    if isinstance(doc, Speech):
        byline = f"{doc.speaker} {doc.position}"
        if page.byline == "above":
            out.append(("byline", byline))
        out.append(("title", ""))
        if page.byline == "under":
            out.append(("byline", byline))
        out += [("heading" if i in doc.headings else "para", para) for i, para in enumerate(doc.paragraphs)]
        if page.byline == "after":
            out.append(("byline-after", byline))
        return out
    out.append(("title", ""))
    if doc.author_line:
        out.append(("author", doc.author_line))
    out += [("para", (doc.dateline or "") + para if i == 0 else para) for i, para in enumerate(doc.paragraphs)]
    return out


def _name(rng: random.Random, used: set[str]) -> str:
    while True:
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        if name not in used:
            used.add(name)
            return name


def _sentence(rng: random.Random, pool: list[str], lead: str = "") -> str:
    return lead + "，".join(rng.sample(pool, rng.randint(2, 4))) + "。"


def _speech(rng: random.Random, used: set[str], places: list[str]) -> Speech:
    name = _name(rng, used)
    if rng.random() < 0.15:
        position = rng.choice(SCHOOLS)
        organization = position[: position.index("（")]
    else:
        place = places.pop()
        organization = f"{place}政协"
        position = organization + rng.choice(ROLES)
    lines = rng.sample(PHRASES, 2)
    titles = [" ".join(lines)] if rng.random() < 0.3 else lines
    paragraphs = [_sentence(rng, CLAUSES, f"近年来，{organization}") + _sentence(rng, CLAUSES)]
    headings: set[int] = set()
    numerals = "一二三四五"
    if rng.random() < 0.5:  # bold 一、 headings, each followed by one or two paragraphs
        for k, head in enumerate(rng.sample(HEADS, rng.randint(2, 4))):
            headings.add(len(paragraphs))
            paragraphs.append(f"{numerals[k]}、{head}")
            paragraphs.extend(_sentence(rng, CLAUSES) + _sentence(rng, CLAUSES) for _ in range(rng.randint(1, 2)))
    else:
        for k, head in enumerate(rng.sample(HEADS, rng.randint(2, 4))):
            paragraphs.append(f"{numerals[k]}是{head}。" + _sentence(rng, CLAUSES) + _sentence(rng, CLAUSES))
    return Speech(titles, name, position, paragraphs, headings)


def _story(rng: random.Random, used: set[str]) -> Story:
    titles = ["".join(rng.sample(PHRASES, 2))] + (["——" + rng.choice(HEADS)] if rng.random() < 0.2 else [])
    roles, authors, line, dateline = [], [], None, None
    date, city = rng.choice(DATES), rng.choice(CITIES)
    if rng.random() < 0.6:
        roles = ["本报记者"]
        authors = [_name(rng, used) for _ in range(rng.randint(1, 3))]
        printed = ["  ".join(a) if len(a) == 2 and rng.random() < 0.5 else a for a in authors]
        line = "本报记者  " + "  ".join(printed)
        if rng.random() < 0.3:
            extra = _name(rng, used)
            roles.append("通讯员")
            authors.append(extra)
            line += f"  通讯员  {extra}"
        if rng.random() < 0.5:
            dateline = f"本报{city}{date}电  "
    else:
        roles = ["新华社记者"]
        authors = [_name(rng, used) for _ in range(rng.randint(1, 2))]
        dateline = f"新华社{city}{date}电（记者 {' '.join(authors)}）"
    paragraphs = [_sentence(rng, ARTICLE_CLAUSES) + _sentence(rng, ARTICLE_CLAUSES) for _ in range(rng.randint(2, 5))]
    return Story(titles, roles, authors, line, dateline, paragraphs)


def random_page(seed: int, *, family: str | None = None, columns: int | None = None) -> Page:
    """The page named by ``seed``: a page of 2-6 speeches or of 2-5 articles, in 2-5 columns."""
    rng = random.Random(seed)
    family = family or rng.choice(["speeches", "speeches", "articles"])
    columns = columns or rng.randint(2, 5)
    used: set[str] = set()
    if family == "articles":
        stories = [_story(rng, used) for _ in range(rng.randint(2, 5))]
        contents = [f"{s.titles[0]}  {rng.randint(2, 12)}版" for s in rng.sample(stories, 2)] if rng.random() < 0.4 else []
        return Page("articles", columns, "under", stories, contents=contents, header="人民日报  2021年3月8日  星期一  第1版")
    places = rng.sample(PLACES, len(PLACES))
    speeches = [_speech(rng, used, places) for _ in range(rng.randint(2, 6))]
    banner = rng.choice(["全省政协凝聚共识工作推进会", "全省政协工作经验交流会"]) if rng.random() < 0.7 else None
    return Page(
        "speeches", columns, rng.choice(["above", "under", "after"]), speeches,
        banner=banner, subtitle=("——" + rng.choice(["发言摘登", "交流发言选登"])) if banner and rng.random() < 0.6 else None,
        note=["编者按：近日，全省政协凝聚共识工作推进会召开，", "本版摘登部分发言，以飨读者。"] if rng.random() < 0.3 else [],
        caption="图为会议现场。本报记者 王五 摄" if rng.random() < 0.4 else None,
    )


def _squeeze(text: str) -> str:
    return "".join(text.split())


def expected(page: Page) -> list[tuple]:
    """For each document: (speaker or authors, position or credit, title, first 20, last 20 body characters)."""
    rows = []
    for doc in page.documents:
        body = _squeeze("".join(doc.paragraphs))
        if isinstance(doc, Speech):
            rows.append((doc.speaker, doc.position, " ".join(doc.titles), body[:20], body[-20:]))
        else:
            rows.append((tuple(doc.authors), "、".join(doc.roles), " ".join(doc.titles), body[:20], body[-20:]))
    return rows


def found(corpus) -> list[tuple]:
    """The same fields as :func:`expected`, from what a reader gave."""
    rows = []
    for d in corpus:
        body = _squeeze(d.text)
        if "authors" in d.meta:
            rows.append((tuple(d.meta["authors"]), d.meta["credit"] or "", d.meta["title"], body[:20], body[-20:]))
        else:
            rows.append((d.meta["speaker"], d.meta["position"], d.meta["title"], body[:20], body[-20:]))
    return rows


def score(page: Page, corpus) -> tuple[int, int, int]:
    """``(exact, expected, extra)``: documents read exactly (in page order), documents on the page, extra documents."""
    want, got = expected(page), found(corpus) if corpus is not None else []
    exact = sum(1 for w in want if w in got)
    return exact, len(want), max(0, len(got) - len(want))


def seed_page(corpus, *, columns: int, byline: str) -> Page:
    """The seed page's speeches (a corpus read from page.txt) as a page: its titles, bylines and paragraphs."""
    speeches = []
    for d in corpus:
        title = d.meta["title"]
        titles = ["聚共识 汇合力", "努力画出最大同心圆"] if title == "聚共识 汇合力 努力画出最大同心圆" else title.split(" ")
        speeches.append(Speech(titles, d.meta["speaker"], d.meta["position"], list(d.meta["paragraphs"])))
    return Page("speeches", columns, byline, speeches, banner=corpus.meta["meeting"], subtitle="（发言摘登）")
