"""JSON schemas of the small forms a model fills instead of writing Verilog, and their GBNF grammars.

A form's schema is built for one task's interface: port names appear as enumerations, so under the grammar
a model can only name ports that exist. `schema_gbnf` turns the subset of JSON Schema these forms use into a
llama.cpp GBNF grammar (the `grammar=` argument every rtlsmith model accepts; llama.cpp servers take it as
`grammar` too). The grammar fixes the key order and the spacing, so an answer is one compact JSON object:

- `{"type": "object", "properties": {...}}`: every property, in order (all are required);
- `{"type": "object", "propertyNames": {"enum": [...]}, "additionalProperties": {"type": "integer"}}`: a map
  from some of the names to integers (zero or more entries; duplicates are left to validation);
- `{"type": "array", "items": S, "minItems": k}`; `{"type": "string", "enum": [...]}`;
  `{"type": "string", "pattern": IDENT}` (an identifier); `{"type": "integer"}` (non-negative).
"""

from __future__ import annotations

import json
import re
from typing import Any

from rtlsmith.errors import UsageError

IDENT = "^[A-Za-z_][A-Za-z0-9_]*$"
_INT = '("0" | [1-9] [0-9]{0,8})'
_IDENT_RULE = '"\\"" [A-Za-z_] [A-Za-z0-9_]{0,23} "\\""'

Schema = dict[str, Any]


def ident() -> Schema:
    return {"type": "string", "pattern": IDENT}


def enum(values: list[str]) -> Schema:
    if not values:
        raise UsageError("an enumeration needs at least one value")
    return {"type": "string", "enum": list(values)}


def integer() -> Schema:
    return {"type": "integer", "minimum": 0}


def array(items: Schema, min_items: int = 0) -> Schema:
    return {"type": "array", "items": items, "minItems": min_items}


def obj(**properties: Schema) -> Schema:
    return {"type": "object", "properties": properties, "required": list(properties)}


def int_map(names: list[str]) -> Schema:
    """An object from some of `names` to non-negative integers (e.g. input values, output values)."""
    return {"type": "object", "propertyNames": {"enum": list(names)}, "additionalProperties": integer()}


def _lit(text: str) -> str:
    return json.dumps(text)


class _Grammar:
    def __init__(self) -> None:
        self.rules: dict[str, str] = {}

    def rule(self, schema: Schema, name: str) -> str:
        """The rule name (or inline expression) matching `schema`; nested rules are named after `name`."""
        kind = schema.get("type")
        if kind == "integer":
            return "int"
        if kind == "string":
            if "enum" in schema:
                return "(" + " | ".join(_lit(json.dumps(v)) for v in schema["enum"]) + ")"
            if schema.get("pattern") == IDENT:
                return "ident"
            raise UsageError(f"form schema {name}: strings must be an enum or an identifier")
        if kind == "array":
            item = self.rule(schema["items"], f"{name}-item")
            least = int(schema.get("minItems", 0))
            more = f"({_lit(', ')} {item})*"
            body = f'"[" {item} {more} "]"' if least >= 1 else f'"[" ({item} {more})? "]"'
            return self._named(name, body)
        if kind == "object" and "properties" in schema:
            parts = []
            for i, (key, sub) in enumerate(schema["properties"].items()):
                sep = "" if i == 0 else ", "
                parts.append(f"{_lit(sep + json.dumps(key) + ': ')} {self.rule(sub, f'{name}-{key}')}")
            return self._named(name, '"{" ' + " ".join(parts) + ' "}"')
        if kind == "object" and "propertyNames" in schema:
            keys = "(" + " | ".join(_lit(json.dumps(v)) for v in schema["propertyNames"]["enum"]) + ")"
            value = self.rule(schema["additionalProperties"], f"{name}-value")
            entry = f'{keys} ": " {value}'
            return self._named(name, f'"{{" ({entry} (", " {entry})*)? "}}"')
        raise UsageError(f"form schema {name}: unsupported schema {json.dumps(schema)[:80]}")

    def _named(self, name: str, body: str) -> str:
        name = re.sub(r"[^A-Za-z0-9-]", "-", name)  # GBNF rule names: letters, digits and dashes
        self.rules[name] = body
        return name


def schema_gbnf(schema: Schema) -> str:
    """A GBNF grammar whose sentences are the compact JSON objects `schema` describes."""
    g = _Grammar()
    top = g.rule(schema, "form")
    lines = [f"root ::= {top}"]
    lines += [f"{name} ::= {body}" for name, body in g.rules.items()]
    lines += [f"int ::= {_INT}", f"ident ::= {_IDENT_RULE}"]
    return "\n".join(lines) + "\n"
