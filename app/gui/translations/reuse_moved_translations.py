#!/usr/bin/env python3
"""Keeps a translation when its text moves to another class.

lupdate files each tr() text under its class (the context). When code moves
from one class to another (MainWindow's views into CtReadingController, say),
lupdate sees a new, untranslated text in the new context and an obsolete
("vanished") one in the old. This reuses the vanished message's finished
translation for a new message with the same source text and comment, then
drops the vanished messages. Run between a plain `lupdate` and an
`lupdate -no-obsolete` (the update_translations target does).

Usage: reuse_moved_translations.py FILE.ts...
"""
import sys
import xml.etree.ElementTree as ET


def key(message):
    return (message.findtext("source") or "", message.findtext("comment") or "")


def reuse(path):
    tree = ET.parse(path)
    root = tree.getroot()
    vanished = {}
    for message in root.iter("message"):
        translation = message.find("translation")
        if translation is not None and translation.get("type") == "vanished":
            vanished.setdefault(key(message), translation)
    reused = 0
    for message in root.iter("message"):
        translation = message.find("translation")
        if translation is None or translation.get("type") != "unfinished":
            continue
        known = vanished.get(key(message))
        if known is None:
            continue
        # lupdate may have guessed the old translation already ("same text"
        # heuristic) and left it unfinished; any other text is a translator's.
        guessed = (translation.text or "").strip()
        if (guessed and guessed != (known.text or "").strip()) or len(translation) != len(known):
            continue
        translation.text = known.text
        translation[:] = list(known)
        del translation.attrib["type"]
        reused += 1
    for context in root.iter("context"):
        for message in list(context.findall("message")):
            translation = message.find("translation")
            if translation is not None and translation.get("type") in ("vanished", "obsolete"):
                context.remove(message)
    for context in list(root.findall("context")):
        if context.find("message") is None:
            root.remove(context)
    ET.indent(tree, space="    ")
    with open(path, "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n')
        out.write(ET.tostring(root, encoding="unicode"))
        out.write("\n")
    print(f"{path}: {reused} translation(s) carried to their text's new class")


if __name__ == "__main__":
    for ts in sys.argv[1:]:
        reuse(ts)
