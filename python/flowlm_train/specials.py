"""A model folder's reserved ids (pad, cls, sep, mask, unk), found the way transformers finds them.

Each role on its own (as flowlm's SpecialTokenResolver, Sources/FlowLM/Model/SpecialTokenResolver.swift):

1. config.json's `<role>_token_id`, when it is given (not absent, not null);
2. else the token `tokenizer_config.json` names (`"mask_token": "<mask>"` or `{"content": "<mask>", …}`),
   else the one `special_tokens_map.json` names, looked up in tokenizer.json (a named token the tokenizer lacks is
   an error naming the file);
3. else the tokenizer's conventional name for the role (`[MASK]`, then `<mask>`; see CONVENTIONAL);
4. cls and sep last fall back to config.json's `bos_token_id` and `eos_token_id` (RoBERTa's `<s>`, `</s>`).

pad, cls, sep and mask are required; unk is optional. A missing role is an error that names the role and every
place looked at.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from tokenizers import Tokenizer

from .objectives import SpecialIds

ROLES = ("pad", "cls", "sep", "mask", "unk")
REQUIRED = ("pad", "cls", "sep", "mask")
# SpecialTokenRole.conventionalNames (Sources/FlowCore/Tokens.swift), in the same order.
CONVENTIONAL = {"pad": ("[PAD]", "<pad>"), "cls": ("[CLS]", "<cls>", "<s>"), "sep": ("[SEP]", "<sep>", "</s>"),
                "mask": ("[MASK]", "<mask>"), "unk": ("[UNK]", "<unk>")}
FALLBACK = {"cls": "bos", "sep": "eos"}  # config.json's bos/eos ids stand in for cls/sep last
NAMING_FILES = ("tokenizer_config.json", "special_tokens_map.json")
CONFIG_KEYS = (*ROLES, "bos", "eos")


class SpecialTokenError(ValueError):
    def __init__(self, path: str | os.PathLike, problem: str):
        super().__init__(f"{path}: {problem}")


def read_token_names(path: str | os.PathLike) -> dict[str, str]:
    """The `<role>_token` entries of a tokenizer_config.json or special_tokens_map.json, as token text. A value is a
    string or transformers' AddedToken object (`{"content": …}`); null counts as absent; other keys are ignored."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as error:
        raise SpecialTokenError(path, f"cannot read the file ({error.strerror})") from None
    except UnicodeDecodeError:
        raise SpecialTokenError(path, "not valid JSON (not UTF-8)") from None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise SpecialTokenError(path, f"not valid JSON ({error.msg} at line {error.lineno})") from None
    if not isinstance(value, dict):
        raise SpecialTokenError(path, "not a JSON object")
    names = {}
    for role in ROLES:
        key = f"{role}_token"
        entry = value.get(key)
        if entry is None:
            continue
        name = entry if isinstance(entry, str) else entry.get("content") if isinstance(entry, dict) else None
        if not isinstance(name, str):
            raise SpecialTokenError(path, f"'{key}' must be a string or an object with a \"content\" string")
        names[role] = name
    return names


def config_token_ids(values: dict | None, path: str | os.PathLike = "config.json") -> dict[str, int]:
    """config.json's `<role>_token_id` for pad/cls/sep/mask/unk/bos/eos, where given as a non-negative integer.
    Null is absent; a list (some configs give several eos ids) is absent too; anything else is an error."""
    ids = {}
    for role in CONFIG_KEYS:
        key = f"{role}_token_id"
        value = (values or {}).get(key)
        if value is None or (isinstance(value, list) and role in ("bos", "eos")):
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise SpecialTokenError(path, f"{key} must be a non-negative integer or null, not {value!r}")
        ids[role] = value
    return ids


class SpecialTokenResolver:
    """``folder`` holds the naming files (the tokenizer's folder); ``config`` is the parsed config.json (or None when
    the model has none yet, as with --preset) and ``config_path`` names it in messages."""

    def __init__(self, tokenizer: Tokenizer, folder: str | os.PathLike, config: dict | None = None,
                 config_path: str | os.PathLike | None = None, tokenizer_name: str = "tokenizer.json"):
        self.tokenizer, self.folder, self.tokenizer_name = tokenizer, Path(folder), tokenizer_name
        self.config_name = Path(config_path).name if config_path else "config.json"
        self.has_config = config is not None
        self.config_ids = config_token_ids(config, config_path or "config.json")
        self.naming_files = [(name, read_token_names(self.folder / name))
                             for name in NAMING_FILES if (self.folder / name).is_file()]

    def resolve(self) -> SpecialIds:
        ids = {}
        for role in ROLES:
            found = self.id(role)
            if found is None and role in FALLBACK:
                found = self.config_ids.get(FALLBACK[role])
            if found is None and role in REQUIRED:
                raise SpecialTokenError(self.folder, self.not_found(role))
            ids[role] = found
        return SpecialIds(**ids)

    def id(self, role: str) -> int | None:
        """The role's id from the first source that names it; a name the tokenizer lacks is an error."""
        if role in self.config_ids:
            return self.config_ids[role]
        for name, tokens in self.naming_files:
            if role not in tokens:
                continue
            found = self.tokenizer.token_to_id(tokens[role])
            if found is None:
                raise SpecialTokenError(self.folder / name,
                                        f"{role}_token '{tokens[role]}' is not a token of {self.tokenizer_name}")
            return found
        return next((i for i in map(self.tokenizer.token_to_id, CONVENTIONAL[role]) if i is not None), None)

    def not_found(self, role: str) -> str:
        key = f"{role}_token"
        looked = [f"{self.config_name} has no {key}_id" if self.has_config else "there is no config.json"]
        present = {name for name, _ in self.naming_files}
        looked += [f"{name} names no {key}" if name in present else f"there is no {name}" for name in NAMING_FILES]
        looked.append(f"{self.tokenizer_name} has no {' or '.join(CONVENTIONAL[role])}")
        if role in FALLBACK and self.has_config:
            looked.append(f"{self.config_name} has no {FALLBACK[role]}_token_id")
        return f"no {role} token: " + ", ".join(looked)


def resolve_special_ids(tokenizer: Tokenizer, folder: str | os.PathLike, config: dict | None = None,
                        config_path: str | os.PathLike | None = None, tokenizer_name: str = "tokenizer.json") -> SpecialIds:
    return SpecialTokenResolver(tokenizer, folder, config, config_path, tokenizer_name).resolve()
