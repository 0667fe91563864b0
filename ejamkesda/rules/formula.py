"""A safe point formula: arithmetic over named variables, parsed with ``ast``, never ``eval``.

docs/aturan.md: the regional regulations' own formulas (Perbup Kapuas Hulu 9/2015 Pasal 19 ayat 10,
Perbup Tanah Datar 29/2017 Pasal 7 ayat 9) are images missing from the available regulation texts,
so each regulation profile states its formula as an expression an administrator can check and
change. Only numbers, the named variables, ``+ - * /``, parentheses and ``min``/``max`` are allowed. Arithmetic is exact
(``fractions.Fraction``), so no float rounding reaches money.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction

VARIABLES: tuple[str, ...] = ("jenis", "rangkap", "kehadiran", "status", "masa_kerja", "kinerja", "program_jkn")
MAX_LENGTH = 500
MAX_DEPTH = 30

# Values stay plain ints until a division or a decimal constant makes them Fractions (speed).
Evaluator = Callable[[Mapping[str, Fraction | int]], Fraction | int]


class FormulaError(ValueError):
    """A formula that may not be used; the message is in Bahasa Indonesia."""


@dataclass(frozen=True)
class Formula:
    text: str
    variables: frozenset[str]
    _evaluate: Evaluator

    def evaluate(self, values: Mapping[str, Fraction | int]) -> Fraction:
        converted = {name: values.get(name, 0) for name in self.variables}
        result = self._evaluate(converted)
        return result if isinstance(result, Fraction) else Fraction(result)


_OPS: dict[type[ast.operator], str] = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}


def _compile(node: ast.AST, used: set[str], depth: int) -> Evaluator:
    if depth > MAX_DEPTH:
        raise FormulaError("Rumus terlalu bertingkat (terlalu banyak kurung atau operasi bersarang).")
    if isinstance(node, ast.Expression):
        return _compile(node.body, used, depth + 1)
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise FormulaError(f"Nilai {node.value!r} tidak diizinkan dalam rumus; hanya angka.")
        if isinstance(node.value, float) and not math.isfinite(node.value):
            raise FormulaError("Angka dalam rumus terlalu besar.")
        constant: Fraction | int = Fraction(repr(node.value)) if isinstance(node.value, float) else node.value
        return lambda _values: constant
    if isinstance(node, ast.Name):
        name = node.id
        if name not in VARIABLES:
            allowed = ", ".join(VARIABLES)
            raise FormulaError(f"Variabel '{name}' tidak dikenal. Variabel yang boleh dipakai: {allowed}.")
        used.add(name)
        return lambda values: values[name]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.UAdd | ast.USub):
        operand = _compile(node.operand, used, depth + 1)
        if isinstance(node.op, ast.USub):
            return lambda values: -operand(values)
        return operand
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        left = _compile(node.left, used, depth + 1)
        right = _compile(node.right, used, depth + 1)
        op = type(node.op)
        if op is ast.Add:
            return lambda values: left(values) + right(values)
        if op is ast.Sub:
            return lambda values: left(values) - right(values)
        if op is ast.Mult:
            return lambda values: left(values) * right(values)

        def divide(values: Mapping[str, Fraction | int]) -> Fraction:
            divisor = right(values)
            if divisor == 0:
                raise FormulaError("Pembagian dengan nol dalam rumus.")
            return Fraction(left(values)) / divisor

        return divide
    if isinstance(node, ast.BinOp):
        raise FormulaError("Operator tidak diizinkan; hanya + - * / dan tanda kurung.")
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in ("min", "max"):
            raise FormulaError("Fungsi tidak diizinkan; hanya min(...) dan max(...).")
        if node.keywords or len(node.args) < 2 or any(isinstance(arg, ast.Starred) for arg in node.args):
            raise FormulaError(f"{node.func.id}(...) perlu paling sedikit dua nilai, dipisah koma.")
        args = [_compile(arg, used, depth + 1) for arg in node.args]
        if node.func.id == "min":
            return lambda values: min(arg(values) for arg in args)
        return lambda values: max(arg(values) for arg in args)
    raise FormulaError("Bagian rumus ini tidak diizinkan; hanya angka, variabel, + - * /, kurung, min dan max.")


def parse_formula(text: str) -> Formula:
    """Check and compile a point formula, or raise :class:`FormulaError`."""
    text = (text or "").strip()
    if not text:
        raise FormulaError("Rumus kosong.")
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"Rumus terlalu panjang (lebih dari {MAX_LENGTH} karakter).")
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise FormulaError(f"Rumus tidak dapat dibaca (kesalahan tulis di kolom {exc.offset or 0}).") from exc
    used: set[str] = set()
    evaluate = _compile(tree, used, 0)
    return Formula(text=text, variables=frozenset(used), _evaluate=evaluate)
