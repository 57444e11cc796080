"""A deterministic synthetic corpus for benchmarks: N Chinese articles of realistic length and
structure (numbered headings, lists, a table now and then, related links) in several
categories, and a guide over all of them. The sentences are assembled from a small vocabulary
written for this purpose; the same N always gives the same files."""

from __future__ import annotations

import random
from pathlib import Path

CATEGORIES = [
    ("xinyongka", "信用卡"), ("jinrong-zhaiwu", "金融债务"), ("laodong-yonggong", "劳动用工"),
    ("hunyin-jiating", "婚姻家庭"), ("hetong-jiufen", "合同纠纷"),
]
SUBJECTS = ["持卡人", "借款人", "出借人", "用人单位", "劳动者", "保证人", "债权人", "当事人", "银行", "法院"]
ACTIONS = ["应当保留", "可以申请", "需要核对", "有权要求", "应当及时提交", "可以依法主张", "需要书面确认",
           "应当如实说明", "可以协商变更", "有权拒绝"]
OBJECTS = ["还款记录", "书面合同", "转账凭证", "催收录音", "工资流水", "仲裁申请书", "证据材料",
           "分期还款方案", "解除通知", "利息计算明细"]
CLAUSES = ["以免日后发生争议时举证困难", "否则可能承担不利的法律后果", "这一点在实践中经常被忽视",
           "具体标准以当地司法实践为准", "必要时可以咨询专业律师", "并注意相关期限的要求",
           "法院通常会结合全部证据综合判断", "双方也可以通过调解解决"]
NUMERALS = "一二三四五六七八九十"


def sentence(rng: random.Random) -> str:
    return (f"{rng.choice(SUBJECTS)}{rng.choice(ACTIONS)}{rng.choice(OBJECTS)},"
            f"{rng.choice(CLAUSES)}。").replace(",", "，")


def paragraph(rng: random.Random) -> str:
    return "".join(sentence(rng) for _ in range(rng.randint(3, 6)))


def article_body(rng: random.Random, index: int) -> str:
    blocks = [paragraph(rng)]
    for section in range(rng.randint(3, 5)):
        blocks.append(f"## {NUMERALS[section]}、{rng.choice(OBJECTS)}的{rng.choice(['认定', '处理', '要点', '风险'])}")
        for sub in range(rng.randint(1, 2)):
            blocks.append(f"### {section + 1}.{sub + 1} {rng.choice(SUBJECTS)}的注意事项")
            blocks.extend(paragraph(rng) for _ in range(rng.randint(1, 3)))
        if rng.random() < 0.6:
            marker = "1." if rng.random() < 0.5 else "-"
            blocks.append("\n".join(f"{marker} {sentence(rng)}" for _ in range(rng.randint(3, 5))))
    if index % 7 == 3:
        rows = "\n".join(f"| {i} 年 | {i} 个月工资 | {2 * i} 个月工资 |" for i in range(1, 6))
        blocks.append(f"| 工作年限 | 经济补偿 | 赔偿金 |\n| --- | --- | --- |\n{rows}")
    blocks.append("## 总结")
    blocks.append(paragraph(rng))
    return "\n\n".join(blocks) + "\n"


def write_corpus(root: Path, count: int, editions: int = 0, seed: int = 2026) -> Path:
    """Write `count` articles and the guide `bench` (with `editions` client editions)."""
    rng = random.Random(seed)
    for folder, name in CATEGORIES:
        (root / "articles" / folder).mkdir(parents=True, exist_ok=True)
        (root / "articles" / folder / "_category.yml").write_text(
            f"name: {name}\ndescription: {name}方面的常见法律问题。\n", encoding="utf-8")
    for index in range(count):
        folder, _ = CATEGORIES[index % len(CATEGORIES)]
        related = ""
        if index >= 5 and rng.random() < 0.5:
            related = f"related:\n  - a{rng.randrange(index):05d}\n"
        text = (f"---\ntitle: 第{index + 1}篇：{rng.choice(OBJECTS)}与{rng.choice(OBJECTS)}的常见问题\n"
                f"author: {rng.choice(['张律师', '李律师', '王律师'])}\n"
                f"date: 2025-{index % 12 + 1:02d}-{index % 28 + 1:02d}\n"
                f"source_url: https://www.mingheng-law.example/{folder}/{10000 + index}.html\n"
                f"copyright: 版权声明：本文由明衡律师事务所原创，转载请注明出处。\n{related}---\n"
                + article_body(rng, index))
        (root / "articles" / folder / f"a{index:05d}.md").write_text(text, encoding="utf-8")
    guide = ["title: 基准测试指南", "publisher: 明衡律师事务所", "edition: 第1版", "date: 2026-11-01",
             "page_size: A5", "categories: [" + ", ".join(n for _, n in CATEGORIES) + "]"]
    if editions:
        guide.append("editions:")
        guide.extend(f"  - client: 客户{i:02d}有限公司\n    slug: e{i:02d}" for i in range(1, editions + 1))
    (root / "guides").mkdir(parents=True, exist_ok=True)
    (root / "guides" / "bench.yml").write_text("\n".join(guide) + "\n", encoding="utf-8")
    return root
