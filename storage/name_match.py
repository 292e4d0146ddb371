"""How names are matched however they were typed: search keys, consonant skeletons, namesakes.

Three layers, each for a different way the same name reaches the keyboard:

- `search_key`: one spelling of Urdu letters. Arabic keyboard layouts and phones type ي ه ك
  where the list holds ی ہ ک; harakat, tatweel and joiners are invisible; digits come in three
  scripts. The stored name is never changed, only the key it is searched by.
- `skeleton`: the consonants of a word, in one alphabet for both scripts. Urdu writes few
  vowels and Latin spellings of a name differ mostly in vowels (Bizenjo, Bezenjo), so
  "sadia" and سعدیہ both become `sd`, "zahoor" and ظہور `zhr`.
- `similarity`: how close two spellings are (0..1), to rank skeleton matches and to keep a
  short skeleton from matching everything.

`telling_apart` says what distinguishes people who share a name, for screens that face a
queue: organisation, then designation, and the last phone digits only for people who are
not protected.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

# Letters typed on Arabic layouts (and Arabic presentation variants) -> the Urdu letter.
_LETTERS = {
    **dict.fromkeys("يىئې", "ی"),
    "ك": "ک",
    **dict.fromkeys("هەھۀۂۃة", "ہ"),
    **dict.fromkeys("أإآٱ", "ا"),
    "ؤ": "و",
}
_DIGITS = dict(zip("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789", strict=True))
# Invisible in a name: tatweel, harakat and superscript alef, ZWNJ, ZWJ, hamza marks.
_DROP = "\u0640\u0670\u200c\u200d" + "".join(chr(c) for c in range(0x064B, 0x0660))
_KEY_TABLE = str.maketrans({**_LETTERS, **_DIGITS, **dict.fromkeys(_DROP, None)})


def search_key(text: str) -> str:
    """The form a name (or a query) is searched by: NFKC, case-folded, one spelling of each
    Urdu letter, Latin accents and invisible marks gone, every digit ASCII, single spaces."""
    if text.isascii():  # most names and every phone number: nothing to map
        return " ".join(text.casefold().split())
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_KEY_TABLE)
    # Accents off Latin letters (é -> e); Urdu letters were mapped above, so only marks go.
    bare = "".join(
        ch for ch in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(ch)
    )
    return " ".join(bare.split())


# --- consonant skeletons -------------------------------------------------------------------
# Classes: one letter each. Capitals stand for Latin digraphs: S sh, C ch, X kh, G gh.
_URDU_CONSONANTS = {
    "ب": "b", "پ": "p", "ت": "t", "ٹ": "t", "ط": "t", "ث": "s", "س": "s", "ص": "s",
    "ج": "j", "چ": "C", "ح": "h", "ہ": "h", "خ": "X", "د": "d", "ڈ": "d",
    "ذ": "z", "ز": "z", "ض": "z", "ظ": "z", "ژ": "z", "ر": "r", "ڑ": "r", "ش": "S",
    "غ": "G", "ف": "f", "ق": "k", "ک": "k", "گ": "g", "ل": "l", "م": "m", "ن": "n", "ں": "n",
}  # fmt: skip
# Urdu letters that are vowels (or silent) in names: ا و ی ے ع ء.
_URDU_VOWELS = set("اوےیعء")
_LATIN_DIGRAPHS = {"sh": "S", "ch": "C", "kh": "X", "gh": "G"}
_LATIN_SINGLE = {"c": "k", "q": "k", "x": "ks"}
# Vowels, and the semivowels that Urdu writes with و and ی (Waseem وسیم, Yasir یاسر).
_LATIN_VOWELS = set("aeiouwvy")
_LATIN_CONSONANTS = set("bcdfghjklmnpqrstxz")


def skeleton(word: str) -> str:
    """The consonant skeleton of one word already in `search_key` form.

    Latin and Urdu words of the same name get the same skeleton: vowels (and w v y, ا و ی ے
    ع) dropped, letter classes merged (ز ذ ض ظ z, س ص ث s, ت ط ٹ t, ک ق k), digraphs kept as
    one sound (sh ش, ch چ, kh خ, gh غ), an h at the end of a word dropped (Shah, شاہ), and
    doubled consonants counted once (Hussain, حسین; but Kakar, کاکڑ, keeps both). Digits
    and other characters are skipped.
    """
    out: list[str] = []
    joined = False  # the last sound written touches this one (no vowel between)
    i = 0
    while i < len(word):
        ch = word[i]
        pair = word[i : i + 2]
        if pair in _LATIN_DIGRAPHS:
            sound = _LATIN_DIGRAPHS[pair]
            i += 2
        else:
            i += 1
            if ch in _URDU_CONSONANTS:
                sound = _URDU_CONSONANTS[ch]
            elif ch in _LATIN_SINGLE:
                sound = _LATIN_SINGLE[ch]
            elif ch in _LATIN_CONSONANTS:
                sound = ch
            else:
                if ch in _LATIN_VOWELS or ch in _URDU_VOWELS:
                    joined = False  # Kakar کاکڑ keeps both k; Hussain حسین one s
                continue
        for s in sound:
            if not joined or out[-1] != s:
                out.append(s)
            joined = True
    if out and out[-1] == "h" and _ends_with_h(word):
        out.pop()
    return "".join(out)


def _ends_with_h(word: str) -> bool:
    return bool(word) and word[-1] in "hہح"


def open_ended(word: str) -> tuple[str, ...]:
    """What the skeleton of a half-typed word may still become: "balo c" is on its way to
    "baloch" (ch, not k), "kas" perhaps to "kash". Used for queries, never for names."""
    base = skeleton(word)
    last = word[-1:] if word else ""
    grow = {"c": "C", "s": "S", "k": "X", "g": "G"}.get(last)
    if grow is None or not base:
        return (base,)
    return (base, base[:-1] + grow) if last != "c" else (base[:-1] + grow, base)


# --- closeness of two spellings -------------------------------------------------------------
_ROMAN = {
    **{k: v.lower() for k, v in _URDU_CONSONANTS.items()},
    "چ": "ch", "خ": "kh", "ش": "sh", "غ": "gh", "ق": "q", "ث": "s",
    "ا": "a", "ع": "a", "و": "o", "ی": "i", "ے": "e", "ء": "",
}  # fmt: skip


def romanise(word: str) -> str:
    """A rough Latin spelling of an Urdu word (سعدیہ -> sadia), only to measure closeness."""
    if not any(ch in _ROMAN for ch in word):
        return word
    out = []
    for i, ch in enumerate(word):
        if i == 0 and ch in "وی":  # a consonant at the start: Waseem وسیم, Yasir یاسر
            out.append("w" if ch == "و" else "y")
        elif ch == "ہ" and i == len(word) - 1:
            out.append("a")
        elif ch == "و":
            out.append("oo")  # a long vowel: Zahoor ظہور is closer to it than Zahir
        else:
            out.append(_ROMAN.get(ch, ch))
    return "".join(out)


_SOFT = set("aeiouy")  # vowels: what spellings of one name differ in, and Urdu leaves out


def _cost(ch: str) -> float:
    return 0.3 if ch in _SOFT else 1.0


def distance(a: str, b: str) -> float:
    """Edit distance where vowels are cheap (0.3): Urdu writes no short vowels, and Latin
    spellings of a name differ mostly in them. Names are short: the plain table is enough."""
    previous = [0.0]
    for cb in b:
        previous.append(previous[-1] + _cost(cb))
    for ca in a:
        current = [previous[0] + _cost(ca)]
        for j, cb in enumerate(b, 1):
            swap = 0.0 if ca == cb else 0.3 if ca in _SOFT and cb in _SOFT else 1.0
            current.append(
                min(previous[j] + _cost(ca), current[j - 1] + _cost(cb), previous[j - 1] + swap)
            )
        previous = current
    return previous[-1]


def similarity(typed: str, word: str, *, partial: bool = False) -> float:
    """How close `typed` is to `word` (both search keys, either script), 0..1.

    With `partial`, `typed` may be the start of `word` (someone still typing): it is compared
    with the beginning of `word` of about its own length.
    """
    a, b = romanise(typed), romanise(word)
    if not a or not b:
        return 0.0
    if not partial:
        return 1 - distance(a, b) / max(len(a), len(b))
    best = 0.0
    for length in (len(a) - 1, len(a), len(a) + 1):
        if length > 0:
            head = b[:length]
            best = max(best, 1 - distance(a, head) / max(len(a), len(head)))
    return best


# --- whole names ---------------------------------------------------------------------------


def name_skeletons(name_key: str) -> list[str]:
    """Skeleton of each word of a name in `search_key` form (empty ones left out)."""
    return [s for s in (skeleton(w) for w in name_key.split()) if s]


def probably_same_name(a: str, b: str) -> bool:
    """True when two typed names are likely one person's: the same search key, or word by
    word the same consonants and a spelling slip apart (Jamal Bezenjo / Jamal Bizenjo,
    سعدیہ بلوچ / Sadia Baloch), not merely the same consonants (Sadia / Saeed, Ali / Alia)."""
    ka, kb = search_key(a), search_key(b)
    if ka.replace(" ", "") == kb.replace(" ", ""):
        return True
    wa, wb = ka.split(), kb.split()
    if len(wa) != len(wb) or name_skeletons(ka) != name_skeletons(kb) or not name_skeletons(ka):
        return False
    return all(_one_slip(x, y) for x, y in zip(wa, wb, strict=True))


def _one_slip(a: str, b: str) -> bool:
    """Two spellings of one word of a name (their skeletons already agree)."""
    if a == b:
        return True
    if _is_urdu(a) != _is_urdu(b):  # Urdu leaves vowels out: only cheap vowel edits differ
        return similarity(a, b) >= 0.6
    short, long = sorted((a, b), key=len)
    if long[:-1] == short and long[-1] in "aeiy":  # Raheel / Raheela: two names, not a slip
        return False
    longest = len(long)
    allowed = 2 if longest >= 8 else 1 if longest >= 5 else 0
    return _plain_distance(a, b) <= allowed


def _is_urdu(word: str) -> bool:
    return any("؀" <= ch <= "ۿ" for ch in word)


def _plain_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def telling_apart(row: Mapping[str, Any], namesakes: Iterable[Mapping[str, Any]]) -> str:
    """What tells `row` apart from others with the same name, for a screen others can see.

    The organisation, else the designation (the first that differs from every namesake),
    else the last three phone digits when those differ, never for a protected person. Empty
    when nobody shares the name, or nothing safe tells them apart.
    """
    others = [o for o in namesakes if o.get("id") != row.get("id")]
    if not others:
        return ""
    for field in ("organisation", "designation"):
        value = str(row.get(field) or "").strip()
        if value and all(_field_key(o.get(field)) != _field_key(value) for o in others):
            return value
    tail = _phone_tail(row)
    if tail and not row.get("protected") and all(_phone_tail(o) != tail for o in others):
        return f"phone …{tail}"
    for field in ("organisation", "designation"):
        value = str(row.get(field) or "").strip()
        if value and any(_field_key(o.get(field)) != _field_key(value) for o in others):
            return value
    return ""


@lru_cache(maxsize=4096)
def _field_key(value: object) -> str:
    """`search_key` of an organisation or designation: few distinct ones, asked often."""
    return search_key(str(value or "").strip())


def _phone_tail(row: Mapping[str, Any]) -> str:
    digits = "".join(ch for ch in search_key(str(row.get("phone") or "")) if ch.isdigit())
    return digits[-3:] if len(digits) >= 3 else ""


def same_name_groups(rows: Sequence[Mapping[str, Any]]) -> dict[str, list[Mapping[str, Any]]]:
    """Rows grouped by name as searched (case, spacing and Urdu spelling aside); only groups
    of two or more."""
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        groups.setdefault(search_key(str(row.get("name") or "")).replace(" ", ""), []).append(row)
    return {k: v for k, v in groups.items() if len(v) > 1}
