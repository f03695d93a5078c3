"""Label and value normalisation for report tables.

Real reports write the same template label many ways: full- or half-width brackets and digits,
spaces inside words (`结果 纠正`), numbering prefixes (`（一）`, `(三) 1.`), long parenthetical
notes. Matching compares a *core* form with all of that removed, so one spec label covers the
variants without position tricks.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from decimal import Decimal

NULL_TOKENS = frozenset({"", "/", "-", "—", "——", "--", "－", "\\", "无", "─"})
"""Cell texts the spec defines as null (blank, '/', '-', '—', '无') plus dash look-alikes."""

_NUMBERING = re.compile(
    r"^(?:\([一二三四五六七八九十]+\)[、.]?"
    r"|[一二三四五六七八九十]+[、.]"
    r"|\d+[、.](?!\d)"
    r"|\(\d+\)[、.]?)"
)
_PARENTHETICAL = re.compile(r"\([^()]*\)")
_PUNCT = re.compile(r"[“”\"'‘’「」『』、,。:;]")
_WS = re.compile(r"\s+")
_CN_DIGITS = str.maketrans("〇○◯零ＯO一二三四五六七八九", "000000123456789")
_CN_YEAR = re.compile("(?=[〇○◯零ＯO]*[一二三四五六七八九])[〇○◯零ＯO一二三四五六七八九]{4}(?=年)")
"""A year in Chinese numerals; the zero is written 〇, 零, or with look-alikes typed in its
place: the circles ○ (U+25CB) and ◯, the letter O (full-width or, after NFKC, ASCII)."""


def normalise(text: str) -> str:
    """NFKC (full-width brackets, colons, slashes and digits become ASCII), no whitespace."""
    return _WS.sub("", unicodedata.normalize("NFKC", text or ""))


def _unnumbered(text: str) -> str:
    """`normalise`d text without its numbering prefixes (`（三） 1.` included)."""
    s = normalise(text)
    while (stripped := _NUMBERING.sub("", s, count=1)) != s:
        s = stripped
    return s


def core(text: str) -> str:
    """The comparable heart of a label: no numbering, parenthetical notes, quotes or commas."""
    return _PUNCT.sub("", _PARENTHETICAL.sub("", _unnumbered(text)))


_BROKEN_NUMBERING = re.compile(r"^[^()]{0,2}\)")
"""What OCR leaves of a `（一）` prefix when it misreads the opening bracket: `僵）`, `二）`."""
FUZZY_CUTOFF = 0.75
"""Least similarity (difflib ratio of core forms) for a label OCR misread in one character of
four (予以公开 read as 子以公开) to still name its key."""


FRAGMENT_MIN = 4
"""Fewest characters a label fragment needs before it may name a row on its own."""
_MARKS = re.compile(r"[()“”\"'‘’「」『』、,。:;]")


def whole(text: str) -> str:
    """A label with its numbering, brackets and punctuation gone but every word kept, notes
    in brackets included: what a fragment of it is looked for in."""
    return _MARKS.sub("", _unnumbered(text))


def core_index(labels_by_key: dict[str, list[str]]) -> dict[str, str]:
    """core label → key, for every label variant of every key."""
    return {core(label): key for key, labels in labels_by_key.items() for label in labels}


class LabelIndex(dict[str, str]):
    """core label → key, plus every label whole (`whole`), for `lookup`'s last resort.

    Spreadsheet exports cut long labels: Calc centres a label wrapped over three lines on a
    row too short for it and leaves its first and last lines out of the PDF, so only a middle
    piece (掌握相关政, 处理的，只计这一情形) is left to name the row.
    """

    def __init__(self, labels_by_key: dict[str, list[str]]) -> None:
        super().__init__(core_index(labels_by_key))
        self.wholes = [(whole(label), key) for key, labels in labels_by_key.items()
                       for label in labels]  # fmt: skip

    def fragment_key(self, text: str) -> str | None:
        """The key of the one row whose label contains `text` (at least FRAGMENT_MIN
        characters of it), or None when no label or labels of several rows do."""
        piece = whole(text)
        if len(piece) < FRAGMENT_MIN:
            return None
        keys = {key for label, key in self.wholes if piece in label}
        return keys.pop() if len(keys) == 1 else None


def lookup(index: dict[str, str], text: str) -> str | None:
    """The key `text` names in `index` (core label → key): exact, else the one clearly
    closest, else (a `LabelIndex` only) the one row whose label `text` is a piece of.

    The closest match is for OCR'd tables, whose labels come back with a character or a
    bracket wrong; it accepts a match only when no other label comes close, so one misread
    never turns a label into its neighbour. The piece is for labels a PDF cut short.
    """
    key = core(text)
    if key in index:
        return index[key]
    key = _BROKEN_NUMBERING.sub("", key)
    if len(key) < 3:
        return None
    if key in index:
        return index[key]
    found = _closest(index, key)
    if found is None and isinstance(index, LabelIndex):
        found = index.fragment_key(text)
    return found


_NEGATIONS = frozenset("不未非无没")
"""Characters that turn a label into its opposite (不予公开 withheld vs 予以公开 disclosed)."""


def negations(text: str) -> str:
    """The negation characters of `text`, in order: two labels whose negations differ name
    opposite things however similar the rest of their words is."""
    return "".join(ch for ch in text if ch in _NEGATIONS)


def _closest(index: dict[str, str], key: str) -> str | None:
    """The key of the label closest to `key` when it is close enough and clearly closest.

    A label whose negation characters differ from `key`'s is never a candidate: one character
    of four separates 不予公开 from 予以公开, within any OCR tolerance, yet they are opposites.
    """
    neg = negations(key)
    scores = sorted(
        (
            (difflib.SequenceMatcher(None, key, label).ratio(), label)
            for label in index
            if negations(label) == neg
        ),
        reverse=True,
    )
    if not scores or scores[0][0] < FUZZY_CUTOFF:
        return None
    rivals = [label for score, label in scores[1:] if score > scores[0][0] - 0.1]
    if any(index[label] != index[scores[0][1]] for label in rivals):
        return None
    return index[scores[0][1]]


def cn_year_digits(text: str) -> str:
    """Turn Chinese numeral years (二〇二〇) into digits so one year pattern fits both."""
    return _CN_YEAR.sub(lambda m: m.group(0).translate(_CN_DIGITS), text)


class NotANumber(ValueError):
    """The cell holds text that is neither a number nor a null token."""


_OCR_MAP = str.maketrans("Oo〇lI工", "000111")
_OCR_DIGITS = re.compile(r"[+-]?[0-9Oo〇lI工]+(?:\.[0-9Oo〇lI工]+)?")
"""A cell of digits and their OCR look-alikes only (O for 0, l/I/工 for 1): read as digits."""
_MINUS = str.maketrans("\u2212\u2013\u2012", "---")
"""Minus sign, en dash and figure dash written for a minus (NFKC leaves them alone)."""
_MARKS_AFTER = re.compile(r"(?<=.)(?:[*＊※#＃△▲☆★†‡]|[（(\[【][^（()）\[\]【】]*[）)\]】])$")
"""A footnote mark (`0*`) or a note in brackets (`3（含转办2件）`) after a cell's number."""
_SIGN_WORDS = (("增加", "+"), ("减少", "-"), ("新增", "+"), ("增", "+"), ("减", "-"))
_NO_CHANGE = frozenset({"持平", "不变", "无变化", "无增减"})
"""How a signed change column (2019's 本年增/减) says 0 in words."""
_COUNT_UNIT = re.compile(r"(?:件|个|条|项|次|人|家|份|宗|起)$")
_MONEY_UNIT = re.compile(r"(?:亿元|万元|千元|元|亿|万)$")
_TO_10K_YUAN = {
    "元": Decimal("0.0001"),
    "千元": Decimal("0.1"),
    "万元": Decimal(1),
    "万": Decimal(1),
    "亿元": Decimal(10000),
    "亿": Decimal(10000),
}
"""Factor from a money unit to 万元, the unit the templates' amount labels name."""
_UNIT_DECLARED = re.compile(r"(?:单位:?|\()(亿元|万元|千元|元)\)?")
_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch) == "No" or unicodedata.decomposition(ch).startswith("<super>")


def _strip_marks(text: str) -> str:
    """`text` without the footnote marks and bracketed notes that follow its number.

    Superscript characters (¹, ⁽²⁾), circled and parenthesised numbers (①, ⑴, ❶: Unicode
    category No) are marks here, taken off before NFKC would turn them into digits glued onto
    the number.
    """
    while True:
        if len(text) > 1 and _is_mark(text[-1]):
            text = text[:-1]
            continue
        stripped = _MARKS_AFTER.sub("", text)
        if stripped == text:
            return text
        text = stripped


def _signed(s: str) -> str:
    """A change written in words (`增加1`, `减少1`, `持平`) as a signed number."""
    if s in _NO_CHANGE:
        return "0"
    for word, sign in _SIGN_WORDS:
        if s.startswith(word) and len(s) > len(word):
            return sign + s[len(word) :]
    return s


def parse_value(text: str, amount: bool = False) -> int | float | None:
    """One table cell as the spec's number: int for counts, float for amounts, None for null.

    Handles full-width digits, signed changes (`+2`, `−1`, `–2`, `增2`, `减少1`, `持平`),
    thousands separators, a trailing unit, a footnote mark or bracketed note after the number
    (`15①`, `35²`, `0*`, `3（含转办2件）`) and OCR look-alikes in an all-digit cell (`O0.00`,
    `工`). Amounts come back in 万元, the unit of the templates' amount labels: `3500元` is
    0.35, `12.5万` is 12.5; a count's money unit is dropped as the slip it is. Raises
    `NotANumber` for anything else (`Ⅱ`, `①` alone, a label), so callers can tell a label
    from a value.
    """
    raw = _strip_marks(_WS.sub("", text or "").translate(_MINUS))
    if any(unicodedata.category(ch) in ("No", "Nl") for ch in raw):
        raise NotANumber(text)
    s = unicodedata.normalize("NFKC", raw)
    if s in NULL_TOKENS:
        return None
    if _OCR_DIGITS.fullmatch(s):
        s = s.translate(_OCR_MAP)
    s = _signed(s.replace(",", ""))
    scale = Decimal(1)
    if unit := _MONEY_UNIT.search(s):
        scale = _TO_10K_YUAN[unit.group(0)]
        s = s[: unit.start()]
    else:
        s = _COUNT_UNIT.sub("", s)
    if not _NUMBER.fullmatch(s):
        raise NotANumber(text)
    if amount:
        return float(Decimal(s) * scale)
    number = float(s)
    return int(number) if number.is_integer() else number


def declared_unit(label: str) -> str | None:
    """The money unit a header or row label declares (`本年收费金额（单位：元）` → 元)."""
    match = _UNIT_DECLARED.search(normalise(label))
    return match.group(1) if match else None


def with_unit(text: str, unit: str) -> str:
    """A value cell's text with `unit` appended unless the cell writes a unit of its own:
    how a unit declared in a column header reaches `parse_value`."""
    s = normalise(_strip_marks(text))
    if not s or s in NULL_TOKENS or _MONEY_UNIT.search(s) or _COUNT_UNIT.search(s):
        return text
    return f"{s}{unit}"


def is_value_text(text: str) -> bool:
    """True for a cell that reads as a number or a null token (blank included)."""
    try:
        parse_value(text)
    except NotANumber:
        return False
    return True


def is_blank(text: str) -> bool:
    return normalise(text) == ""
