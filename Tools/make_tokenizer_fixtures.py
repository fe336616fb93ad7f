#!/usr/bin/env python3
# Golden files for FlowTokenizer, made with the real peer: Hugging Face tokenizers.
# Pinned: tokenizers==0.23.3 (see Tools/requirements.txt). Run from the repository root:
#     python3 Tools/make_tokenizer_fixtures.py [--flowlm .build/release/flowlm]
# Writes Fixtures/tokenizer/:
#   corpus.txt                 deterministic multilingual training text (also used by the Swift trainer)
#   <variant>/tokenizer.json   byte-level BPE tokenizers trained by HF and rewritten into each variant;
#                              WordPiece (BERT-style) tokenizers trained by HF; RoBERTa-style byte-level BPE
#   <variant>/golden.json      HF encodings of TEST_STRINGS (plus WORDPIECE_STRINGS for the WordPiece and
#                              RoBERTa variants): ids, tokens, char offsets, type ids, decoded text
#   hf-trainer-merges.json     the merges HF's BpeTrainer learns for the Swift trainer's settings
#   swift-trained/tokenizer.json + golden.json
#                              trained by the Swift trainer (`flowlm tokenizer train`, when the binary
#                              is given or found), loaded back by HF here; golden.json records HF's
#                              encodings of it, so the Swift test proves HF encodes it identically.
import argparse
import json
import os
import random
import subprocess
import sys

import tokenizers
from tokenizers import AddedToken, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers

assert tokenizers.__version__ == "0.23.3", f"pinned tokenizers==0.23.3, found {tokenizers.__version__}"

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "Fixtures", "tokenizer")
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
SWIFT_TRAIN_VOCAB = 420
SWIFT_TRAIN_MIN_FREQUENCY = 2

SENTENCES = [
    "The quick brown fox jumps over the lazy dog.",
    "I'm sure they've said it's fine, but we'll see what you'd do.",
    "Café, naïve résumé, über straße, façade, jalapeño.",
    "Combining marks: cafe\u0301 and nai\u0308ve look the same.",
    "日本語のテキストと中文文本，还有한국어 문장도 있습니다。",
    "Emoji time 😀 👍🏽 👨‍👩‍👧 🇫🇷 and ❤️ hearts.",
    "Windows lines\r\nend like this\r\nand tabs\tseparate\tcolumns.",
    "Numbers: 12345, 3.14159, 1,000,000 and 2024-06-01.",
    "Punctuation!!! Really??? Yes... --- (parens) [brackets] {braces} <angles>",
    "Multiple   spaces    between     words.",
    "Ελληνικά γράμματα και русский текст тоже.",
    "עברית ועברית, العربية والعربية.",
    "To be, or not to be, that is the question.",
    "def main():\n    print('hello')  # code\n    return 0\n",
]

TEST_STRINGS = [
    "Hello, world!",
    "hello world",
    "  leading spaces and trailing   ",
    "The quick brown fox jumps over the lazy dog.",
    "I'm don't we'll they've you'd she's IT'S 'quoted'",
    "Café naïve résumé über",
    "e\u0301 combining cafe\u0301 A\u030a",
    "日本語のテキスト、中文文本。",
    "emoji 😀👍🏽 family 👨‍👩‍👧 flag 🇫🇷",
    "line1\r\nline2\n\nline3\r\n",
    "tabs\tand\t\tmore\t",
    "numbers 12345 and 3.14159 and 1,000,000",
    "punctuation!!! ??? ... --- (parens) [brackets]",
    "mixed ünïcödé and ASCII 123abc",
    "[CLS] special [MASK] tokens [SEP]",
    "before[MASK]after [MASK] [PAD][PAD]",
    "",
    " ",
    "\n",
    "\u00a0nbsp\u3000ideographic\u2003em space",
    "Ελληνικά и русский текст",
    "עברית العربية",
    "a" * 60,
    "x\u200by zero width joiner\u200d",
    "unseen words: zyzzyva quixotic xylophone",
    "cat catalog concatenate the cat, Cat!",
    "hello  <mask>  there <mask>",
    "New York New  York NewYork",
    "ǅ digraph ǈ and ﬁ ligature",
    "a\u0000b control \u0007 chars \u001f",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 math 𝟙𝟚𝟛",
    "12 345 6789 0",
]

PAIRS = [
    ("Is this the question?", "To be, or not to be."),
    ("Café 😀", "  two  spaces\r\n"),
    ("[MASK] first", ""),
]

# What WordPiece pipelines treat specially: accents (stripped or kept), CJK ideographs (spaced out, unlike
# kana and hangul), punctuation (every ASCII symbol too), whitespace and controls clean_text maps or drops,
# words over max_input_chars_per_word, characters outside the vocabulary ([UNK]), cleanup's contractions.
WORDPIECE_STRINGS = [
    "Ça va? Élève, ÀÉÎÕÜ àéîõü, Ångström İstanbul ΣΑΣ σας ǅungla",
    "北京欢迎你 and 東京タワー 한국어 mixed漢字text 𠀀𪜀 ideographs",
    "what?!... (yes)—[no]... \"quoted\" 'single' #hash $5.00 100% a+b=c ^_^ `tick` ~tilde|pipe",
    "¡¿Qué?! «guillemets» „quotes“ ‘curly’ …ellipsis· §7 ¶ ⁂ ※",
    "supercalifragilisticexpialidocious pneumonoultramicroscopicsilicovolcanoconiosis " + "x" * 101 + " " + "y" * 100,
    "unknown ð þ 🦀 ⌘ ☃ ꙮ words ÐÞ",
    "don't can't won't I'm you're they've he's do not , . ! ?",
    "tab\there\u000bvertical\u000cform\u0085nel\u2028ls\u200bzw\u00adsoft\ufeffbom\ue000pua\ufffdrepl\u0000nul",
    "a\u0301e\u0300i\u0302 o\u0308\u0304 \u0301lead ﬁ Ⅻ ½ ² ① ß ẞ",
    "e\u0323\u0301 q\u0307\u0323 \U00011938 \u1e9b\u0323 \u0e01\u0e34 \u0915\u093c\u093f",
    "##hash ##ing [UNK] [CLS]inside[SEP] new  york",
    "MiXeD CaSe WORDS The QUICK brown FOX 😀👍🏽",
]

WORDPIECE_PAIRS = [
    ("Don't stop, CAFÉ!", "日本語 and naïve résumé"),
    ("x" * 120, "short [MASK] word"),
]

# WordPiece variants also see random strings over these: accents, ideographs, symbols, what clean_text
# drops, and long runs of letters.
WORDPIECE_RANDOM_EXTRA = (
    ["\u00ad", "\ue000", "\ufffd", "\u0000", "\u200b", "\u2060", "\u0600", "İ", "Σ", "ς", "ẞ", "ǅ"]
    + list("北京欢迎東京タワー漢字") + ["\U00020000", "\uf900"] + list("$+<=>^`|~©®°±×÷¬¦€£¥")
    + ["##", "[UNK]", "[SEP]", "don't", "I'm", " do not", "abcdefghijklmnop", "xxxxxxxxxxxxxxxxxxxx"]
    + list("ÀÉÎÕÜàéîõüÅå") + ["\u0301", "\u0308", "\u0323", "\u20dd", "\u0903", "\u1ab0"]
)

# Seeded random strings over the characters the pipeline treats differently, for a few variants.
RANDOM_VARIANTS = {"bytelevel-prefix-string-merges", "added-tokens-nfc", "split-digits-isolated",
                   "bytelevel-postprocessor-trim"}
RANDOM_ALPHABET = (
    list("abcdefghijklmnopqrstuvwxyzABCXYZ0123456789") + list(" " * 12) + list("'" * 5)
    + list("stmdrvle") + list(".,;:!?-_()[]<>/\\\"#$%&*+=@^`|~")
    + ["\t", "\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x1f", "\x85", "\xa0", "\u1680", "\u2000",
       "\u2028", "\u2029", "\u202f", "\u3000", "\u200b", "\u200d", "\ufeff"]
    + list("éèüßçñøåÆŒ") + ["e\u0301", "a\u0308", "\u0301", "\u0323\u0301", "\u1100\u1161", "\u0b47\u0b3e"]
    + list("日本語中文한국어") + ["😀", "👍🏽", "👨\u200d👩", "🇫🇷", "\U0001d518", "\U0001d7d9"]
    + list("٣½Ⅻ²①") + list("ǅΩΩÅ") + ["[MASK]", "[CLS]", "<mask>", "cat", "New York", " there", "résumé"]
)


def random_strings(count=160, seed=7, alphabet=RANDOM_ALPHABET):
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 24))) for _ in range(count)]


def corpus_lines():
    """Deterministic training text: the sentences, shuffled word salads of them, and digit runs."""
    rng = random.Random(20240601)
    lines = list(SENTENCES)
    words = [w for s in SENTENCES for w in s.replace("\r\n", " ").replace("\n", " ").split(" ") if w]
    for _ in range(260):
        n = rng.randint(3, 14)
        sep = rng.choice([" ", " ", " ", "  ", "\t", ", "])
        lines.append(sep.join(rng.choice(words) for _ in range(n)))
    for _ in range(40):
        lines.append(" ".join(str(rng.randint(0, 10 ** rng.randint(1, 7))) for _ in range(6)))
    return lines


def train_base(lines, add_prefix_space, vocab_size=600):
    tok = Tokenizer(models.BPE(unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=add_prefix_space)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size, min_frequency=2, special_tokens=SPECIALS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(lines, trainer=trainer)
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", tok.token_to_id("[CLS]")), ("[SEP]", tok.token_to_id("[SEP]"))])
    return json.loads(tok.to_str())


def with_pair_merges(doc):
    doc = json.loads(json.dumps(doc))
    merges = doc["model"]["merges"]
    doc["model"]["merges"] = [m.split(" ") if isinstance(m, str) else m for m in merges]
    return doc


def with_string_merges(doc):
    doc = json.loads(json.dumps(doc))
    doc["model"]["merges"] = [" ".join(m) if isinstance(m, list) else m for m in doc["model"]["merges"]]
    return doc


def variants(lines):
    prefix = train_base(lines, add_prefix_space=True)
    plain = train_base(lines, add_prefix_space=False)
    out = {}
    out["bytelevel-prefix-string-merges"] = with_string_merges(prefix)
    out["bytelevel-noprefix-pair-merges"] = with_pair_merges(plain)

    gpt2_like = with_pair_merges(plain)
    gpt2_like["post_processor"] = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True,
                                   "use_regex": True}
    out["bytelevel-postprocessor-trim"] = gpt2_like

    # Added tokens with every flag, an NFC normalizer, via the real API so HF writes them itself.
    tok = Tokenizer.from_str(json.dumps(with_string_merges(prefix)))
    tok.normalizer = normalizers.NFC()
    tok.add_special_tokens([AddedToken("<mask>", lstrip=True, rstrip=False, special=True, normalized=False)])
    tok.add_tokens([
        AddedToken("cat", single_word=True, normalized=True),
        AddedToken("New York", lstrip=False, rstrip=True, normalized=False),
        AddedToken("résumé", normalized=True),
        AddedToken(" there", lstrip=True, rstrip=True, normalized=False),
    ])
    out["added-tokens-nfc"] = json.loads(tok.to_str())

    split_isolated = with_pair_merges(plain)
    split_isolated["normalizer"] = {"type": "Sequence", "normalizers": [{"type": "NFC"}]}
    split_isolated["pre_tokenizer"] = {"type": "Sequence", "pretokenizers": [
        {"type": "Split", "pattern": {"Regex": "\\p{N}"}, "behavior": "Isolated", "invert": False},
        {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
    ]}
    out["split-digits-isolated"] = split_isolated

    behaviours = [("Removed", False, {"String": " "}), ("MergedWithPrevious", False, {"Regex": "[,.!?]"}),
                  ("MergedWithNext", False, {"Regex": "\\s+"}), ("Contiguous", False, {"Regex": "[a-z]"}),
                  ("Isolated", True, {"Regex": "[aeiou]+"})]
    for behaviour, invert, pattern in behaviours:
        doc = with_string_merges(prefix)
        doc["pre_tokenizer"] = {"type": "Sequence", "pretokenizers": [
            {"type": "Split", "pattern": pattern, "behavior": behaviour, "invert": invert},
            {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": False},
        ]}
        out[f"split-{behaviour.lower()}{'-inverted' if invert else ''}"] = doc
    return out


def encoding_record(enc):
    return {"ids": enc.ids, "tokens": enc.tokens, "offsets": [list(o) for o in enc.offsets], "type_ids": enc.type_ids}


ROBERTA_SPECIALS = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
WORDPIECE_VOCAB = 600


def train_wordpiece(lines, lowercase, strip_accents):
    """BertWordPieceTokenizer's pipeline (BertNormalizer, BertPreTokenizer, WordPiece, BERT's template and
    the WordPiece decoder), trained by HF's WordPieceTrainer as that class trains it."""
    tok = Tokenizer(models.WordPiece(unk_token="[UNK]", max_input_chars_per_word=100))
    tok.normalizer = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=True,
                                                strip_accents=strip_accents, lowercase=lowercase)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.decoder = decoders.WordPiece(prefix="##")
    trainer = trainers.WordPieceTrainer(vocab_size=WORDPIECE_VOCAB, min_frequency=2, special_tokens=SPECIALS,
                                        limit_alphabet=1000, continuing_subword_prefix="##", show_progress=False)
    tok.train_from_iterator(lines, trainer=trainer)
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", tok.token_to_id("[CLS]")), ("[SEP]", tok.token_to_id("[SEP]"))])
    return tok


def wordpiece_variants(lines):
    out = {}
    uncased = train_wordpiece(lines, lowercase=True, strip_accents=None)
    out["wordpiece-uncased"] = json.loads(uncased.to_str())

    cased = train_wordpiece(lines, lowercase=False, strip_accents=False)
    cased.post_processor = processors.BertProcessing(("[SEP]", cased.token_to_id("[SEP]")),
                                                     ("[CLS]", cased.token_to_id("[CLS]")))
    out["wordpiece-cased-bertprocessing"] = json.loads(cased.to_str())

    short = json.loads(uncased.to_str())
    short["model"]["max_input_chars_per_word"] = 6
    short["decoder"] = {"type": "WordPiece", "prefix": "##", "cleanup": False}
    out["wordpiece-max-chars"] = short

    # Accents stripped without lowercasing, no clean_text, no CJK spacing; a cased vocabulary.
    stripped = Tokenizer.from_str(cased.to_str())
    stripped.normalizer = normalizers.BertNormalizer(clean_text=False, handle_chinese_chars=False,
                                                     strip_accents=True, lowercase=False)
    out["wordpiece-strip-no-clean"] = json.loads(stripped.to_str())

    # Other normalizers and pre-tokenizers before WordPiece, added tokens matched after normalization,
    # no post-processor (a pair is A then B, B typed 1).
    plain = Tokenizer.from_str(uncased.to_str())
    plain.normalizer = normalizers.Sequence([normalizers.NFD(), normalizers.Lowercase()])
    plain.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Whitespace()])
    plain.post_processor = None
    plain.add_tokens([AddedToken("New York", normalized=True), AddedToken("cat", single_word=True, normalized=True)])
    out["wordpiece-whitespace-nfd"] = json.loads(plain.to_str())
    return out


def roberta_variants(lines):
    """Byte-level BPE with RoBERTa's specials and RobertaProcessing, with and without the prefix space."""
    out = {}
    for add_prefix_space, name in ((False, "roberta-bytelevel"), (True, "roberta-prefix-space")):
        tok = Tokenizer(models.BPE())
        tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=add_prefix_space)
        tok.decoder = decoders.ByteLevel()
        trainer = trainers.BpeTrainer(
            vocab_size=600, min_frequency=2, special_tokens=ROBERTA_SPECIALS,
            initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
        tok.train_from_iterator(lines, trainer=trainer)
        tok.add_special_tokens([AddedToken("<mask>", lstrip=True, special=True, normalized=False)])
        tok.post_processor = processors.RobertaProcessing(
            ("</s>", tok.token_to_id("</s>")), ("<s>", tok.token_to_id("<s>")),
            trim_offsets=True, add_prefix_space=add_prefix_space)
        out[name] = json.loads(tok.to_str())
    return out


def golden(tok, with_random=False, wordpiece=False):
    texts = TEST_STRINGS + (WORDPIECE_STRINGS if wordpiece else [])
    if with_random:
        texts += random_strings()
        if wordpiece:
            texts += random_strings(count=200, seed=11, alphabet=RANDOM_ALPHABET + WORDPIECE_RANDOM_EXTRA * 3)
    cases = []
    for text in texts:
        case = {"text": text}
        for key, add in (("with_special", True), ("without_special", False)):
            case[key] = encoding_record(tok.encode(text, add_special_tokens=add))
        ids = case["with_special"]["ids"]
        case["decoded"] = tok.decode(ids, skip_special_tokens=False)
        case["decoded_skip_special"] = tok.decode(ids, skip_special_tokens=True)
        cases.append(case)
    pairs = []
    for first, second in PAIRS + (WORDPIECE_PAIRS if wordpiece else []):
        pair = {"first": first, "second": second}
        for key, add in (("with_special", True), ("without_special", False)):
            pair[key] = encoding_record(tok.encode(first, second, add_special_tokens=add))
        pairs.append(pair)
    return {"tokenizers_version": tokenizers.__version__, "cases": cases, "pairs": pairs}


def write_json(path, value, compact=False):
    """Compact JSON; golden files (objects of lists) get one list item per line to stay diffable."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    dump = lambda v: json.dumps(v, ensure_ascii=False, separators=(",", ":"))
    with open(path, "w", encoding="utf-8") as f:
        if compact or not isinstance(value, dict):
            f.write(dump(value))
        else:
            parts = []
            for key, item in value.items():
                if isinstance(item, list):
                    body = ",\n".join(dump(x) for x in item)
                    parts.append(f"{dump(key)}:[\n{body}\n]")
                else:
                    parts.append(f"{dump(key)}:{dump(item)}")
            f.write("{" + ",\n".join(parts) + "}")
        f.write("\n")


def hf_trainer_merges(lines):
    """What HF's trainer learns for the Swift trainer's settings: compared, not required, by the tests."""
    tok = Tokenizer(models.BPE(unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    trainer = trainers.BpeTrainer(
        vocab_size=SWIFT_TRAIN_VOCAB, min_frequency=SWIFT_TRAIN_MIN_FREQUENCY, special_tokens=SPECIALS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(lines, trainer=trainer)
    doc = json.loads(tok.to_str())
    return {"vocab_size": SWIFT_TRAIN_VOCAB, "min_frequency": SWIFT_TRAIN_MIN_FREQUENCY,
            "merges": [" ".join(m) if isinstance(m, list) else m for m in doc["model"]["merges"]]}


def find_flowlm(explicit):
    candidates = [explicit] if explicit else [os.path.join(ROOT, ".build", c, "flowlm") for c in ("release", "debug")]
    return next((c for c in candidates if c and os.path.exists(c)), None)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--flowlm", help="built flowlm binary used to train the swift-trained fixture")
    args = parser.parse_args()

    lines = corpus_lines()
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "corpus.txt"), "w", encoding="utf-8", newline="") as f:
        f.write("\n".join(lines) + "\n")

    for name, doc in variants(lines).items():
        text = json.dumps(doc, ensure_ascii=False)
        tok = Tokenizer.from_str(text)
        write_json(os.path.join(OUT, name, "tokenizer.json"), doc, compact=True)
        write_json(os.path.join(OUT, name, "golden.json"), golden(tok, with_random=name in RANDOM_VARIANTS))
        print(f"wrote {name}")

    for name, doc in {**wordpiece_variants(lines), **roberta_variants(lines)}.items():
        tok = Tokenizer.from_str(json.dumps(doc, ensure_ascii=False))
        write_json(os.path.join(OUT, name, "tokenizer.json"), doc, compact=True)
        write_json(os.path.join(OUT, name, "golden.json"), golden(tok, with_random=True, wordpiece=True))
        print(f"wrote {name}")

    write_json(os.path.join(OUT, "hf-trainer-merges.json"), hf_trainer_merges(lines))

    swift_dir = os.path.join(OUT, "swift-trained")
    flowlm = find_flowlm(args.flowlm)
    swift_json = os.path.join(swift_dir, "tokenizer.json")
    if flowlm:
        os.makedirs(swift_dir, exist_ok=True)
        subprocess.run([flowlm, "tokenizer", "train", "--input", os.path.join(OUT, "corpus.txt"),
                        "--vocab-size", str(SWIFT_TRAIN_VOCAB), "--min-frequency", str(SWIFT_TRAIN_MIN_FREQUENCY),
                        "--out", swift_json], check=True)
    if os.path.exists(swift_json):
        tok = Tokenizer.from_file(swift_json)
        write_json(os.path.join(swift_dir, "golden.json"), golden(tok, with_random=True))
        print("wrote swift-trained golden (HF's encodings of the Swift-trained tokenizer)")
    else:
        print("no flowlm binary and no swift-trained/tokenizer.json: skipped the Swift-trained check", file=sys.stderr)


if __name__ == "__main__":
    main()
