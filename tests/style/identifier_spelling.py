#!/usr/bin/env python3
"""Checks that identifiers use one spelling: American, as the libraries do.

Vigie's prose (comments, documentation, the English of the window) is
British; its identifiers follow Qt, VTK, ITK, DCMTK and OpenCV (center,
color, gray, analyze, normalize), so that `centerMm` never meets
`centreMm`. Comments and string literals are not read: a string may be a
file format's key or a user-visible text.

Usage: identifier_spelling.py [--fix] SOURCE_DIR
Exit status 1, with file:line: old -> new for each identifier, when one is
spelt the British way (after --fix, the files are rewritten instead).
"""
import io
import os
import re
import sys
import tokenize

# British -> American, inside identifiers ("analyses" is a noun: kept).
RULES = [
    (re.compile(r"(c|C)entre"), r"\1enter"),
    (re.compile(r"CENTRE"), "CENTER"),
    (re.compile(r"(c|C)olour"), r"\1olor"),
    (re.compile(r"COLOUR"), "COLOR"),
    (re.compile(r"(g|G)rey"), r"\1ray"),
    (re.compile(r"GREY"), "GRAY"),
    (re.compile(r"(a|A)nalys(?=e(?!s)|ing|er)"), r"\1nalyz"),
    (re.compile(r"(n|N)ormalis"), r"\1ormaliz"),
    (re.compile(r"(s|S)ummaris"), r"\1ummariz"),
    (re.compile(r"(i|I)nitialis"), r"\1nitializ"),
    (re.compile(r"(r|R)ecognis"), r"\1ecogniz"),
    (re.compile(r"(o|O)rganis"), r"\1rganiz"),
    (re.compile(r"(v|V)isualis"), r"\1isualiz"),
    (re.compile(r"(b|B)ehaviour"), r"\1ehavior"),
    (re.compile(r"(n|N)eighbour"), r"\1eighbor"),
    (re.compile(r"(f|F)avour"), r"\1avor"),
    (re.compile(r"(o|O)ptimis"), r"\1ptimiz"),
    (re.compile(r"(f|F)inalis"), r"\1inaliz"),
    (re.compile(r"(c|C)ustomis"), r"\1ustomiz"),
    (re.compile(r"(q|Q)uantis"), r"\1uantiz"),
    (re.compile(r"(p|P)enalis"), r"\1enaliz"),
    (re.compile(r"(e|E)mphasis(?=e|ing)"), r"\1mphasiz"),
    (re.compile(r"(p|P)arenthesis(?=e|ing)"), r"\1arenthesiz"),
    (re.compile(r"(s|S)erialis"), r"\1erializ"),
    (re.compile(r"(v|V)ascularis"), r"\1asculariz"),
    (re.compile(r"(c|C)atalogue"), r"\1atalog"),
    (re.compile(r"(l|L)icence"), r"\1icense"),
    (re.compile(r"(m|M)etre"), r"\1eter"),
    (re.compile(r"(l|L)abelled"), r"\1abeled"),
]
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
CPP_SUFFIXES = (".cpp", ".h", ".hpp", ".cc")
SKIPPED_DIRS = {"build", ".git", "__pycache__", "node_modules"}


def american(identifier):
    for pattern, replacement in RULES:
        identifier = pattern.sub(replacement, identifier)
    return identifier


def cpp_code_spans(text):
    """Splits C++ source into (is_code, text) pieces: comments, string and
    character literals (raw strings included) are not code."""
    i, n, start = 0, len(text), 0
    while i < n:
        end = None
        if text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
        elif text[i] == "R" and text.startswith('"', i + 1) and not _in_word(text, i):
            opening = re.match(r'R"([^(\s]{0,16})\(', text[i:])
            if opening:
                closing = ")" + opening.group(1) + '"'
                end = text.find(closing, i + opening.end())
                end = n if end < 0 else end + len(closing)
        elif text[i] == '"' or (text[i] == "'" and not _in_word(text, i)):
            end = _literal_end(text, i)
        if end is None:
            i += 1
            continue
        yield True, text[start:i]
        yield False, text[i:end]
        i = start = end
    yield True, text[start:]


def _in_word(text, i):
    # A ' after a digit is a digit separator (1'000); R after a letter is a name.
    return i > 0 and (text[i - 1].isalnum() or text[i - 1] == "_")


def _literal_end(text, i):
    quote, j = text[i], i + 1
    while j < len(text) and text[j] != quote and text[j] != "\n":
        j += 2 if text[j] == "\\" else 1
    return min(len(text), j + 1)


def fix_cpp(text, found):
    pieces = []
    line = 1
    for is_code, piece in cpp_code_spans(text):
        if is_code:
            def rename(match, offset_line=line, piece=piece):
                new = american(match.group(0))
                if new != match.group(0):
                    at = offset_line + piece.count("\n", 0, match.start())
                    found.append((at, match.group(0), new))
                return new
            piece = IDENTIFIER.sub(rename, piece)
        line += piece.count("\n")
        pieces.append(piece)
    return "".join(pieces)


def fstring_code_spans(literal):
    """Splits an f-string literal into (is_code, text) pieces: the names in
    its replacement fields are code, its text and the strings inside the
    fields are not."""
    i, n, start, depth, quote = 0, len(literal), 0, 0, None
    while i < n:
        c = literal[i]
        if depth == 0:
            if literal.startswith("{{", i):
                i += 2
                continue
            if c == "{":
                yield False, literal[start:i + 1]
                start, depth = i + 1, 1
        elif quote:
            if c == quote:
                quote = None
                yield False, literal[start:i + 1]
                start = i + 1
        elif c in "'\"":
            yield True, literal[start:i]
            start, quote = i, c
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                yield True, literal[start:i]
                start = i
        i += 1
    yield False, literal[start:]


def fix_python(text, found):
    lines = text.splitlines(keepends=True)
    edits = []
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type == tokenize.NAME and american(token.string) != token.string:
            edits.append((token.start, token.end, american(token.string)))
            found.append((token.start[0], token.string, american(token.string)))
        elif token.type == tokenize.STRING and "f" in token.string.split("'")[0].split('"')[0].lower():
            # Python 3.11 gives an f-string as one token: its fields are code too.
            pieces = []
            for is_code, piece in fstring_code_spans(token.string):
                if is_code:
                    def rename(match, row=token.start[0]):
                        new = american(match.group(0))
                        if new != match.group(0):
                            found.append((row, match.group(0), new))
                        return new
                    piece = IDENTIFIER.sub(rename, piece)
                pieces.append(piece)
            renamed = "".join(pieces)
            if renamed != token.string:
                edits.append((token.start, token.end, renamed))
    for (row, first), (end_row, last), new in reversed(edits):
        if row == end_row:
            lines[row - 1] = lines[row - 1][:first] + new + lines[row - 1][last:]
        else:  # a string over several lines: joined, replaced, split again
            joined = "".join(lines[row - 1:end_row])
            offset = len(joined) - len(lines[end_row - 1]) + last
            replaced = joined[:first] + new + joined[offset:]
            lines[row - 1:end_row] = replaced.splitlines(keepends=True)
    return "".join(lines)


def sources(root):
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.startswith("build"))
        for name in sorted(files):
            if name.endswith(CPP_SUFFIXES + (".py",)):
                yield os.path.join(folder, name)


def main(argv):
    fix = "--fix" in argv
    roots = [a for a in argv if a != "--fix"]
    if len(roots) != 1:
        print(__doc__.strip().splitlines()[-3], file=sys.stderr)
        return 2
    problems = 0
    for path in sources(roots[0]):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        found = []
        fixed = fix_python(text, found) if path.endswith(".py") else fix_cpp(text, found)
        for line, old, new in found:
            print(f"{os.path.relpath(path, roots[0])}:{line}: {old} -> {new}")
        problems += len(found)
        if fix and fixed != text:
            with open(path, "w", encoding="utf-8") as f:
                f.write(fixed)
    if problems and not fix:
        print(f"{problems} identifier(s) spelt the British way; "
              "identifier_spelling.py --fix renames them", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
