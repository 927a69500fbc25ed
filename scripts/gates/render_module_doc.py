#!/usr/bin/env python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Render docs/<fqcn>_module.rst for every module of the collection from what ``ansible-doc --json`` reports.

The modules' DOCUMENTATION, EXAMPLES and RETURN (with their doc fragments resolved) are the only source, so
the files are never edited by hand: ``make docs`` (scripts/gates.sh docs) writes them and
``scripts/gates.sh docs-check`` fails when the committed ones differ from a fresh render.  The output is a
function of its input alone (sorted keys, no dates, no versions of tools), and it is checked with docutils.

Usage: render_module_doc.py --collections-path DIR --output-dir DIR [--collection NS.NAME] [--check]
"""

from __future__ import annotations

import argparse
import difflib
import html
import io
import json
import os
import re
import subprocess
import sys
from typing import Any
from typing import Callable

TYPE_NAMES = {
    "bool": "boolean",
    "dict": "dictionary",
    "float": "float",
    "int": "integer",
    "list": "list",
    "path": "path",
    "raw": "raw",
    "str": "string",
}
COMMON_RETURN_VALUES = (
    "https://docs.ansible.com/ansible/latest/reference_appendices/common_return_values.html#common-return-values"
)
PLUGIN_DOCS_URL = "https://docs.ansible.com/ansible/latest/collections/{namespace}/{name}/{plugin}_{type}.html"

# Ansible's markup: the classic I() B() M() U() C() L() and HORIZONTALLINE, and the semantic O() V() RV() E() P(),
# whose argument may contain "\)" and "\\" escapes.
MARKUP = re.compile(
    r"\b(?:(?P<classic>[IBMUCLP])\((?P<classic_arg>[^)]*)\)"
    r"|(?P<semantic>RV|O|V|E)\((?P<semantic_arg>(?:[^\\)]|\\.)*)\)"
    r"|(?P<hr>HORIZONTALLINE)\b)"
)
ESCAPE = re.compile(r"\\(.)")
MAX_DIFF_LINES = 80


class DocError(Exception):
    """The documentation cannot be rendered (ansible-doc failed, or it holds something this renderer does not know)."""


# Ansible markup


def split_markup(text: str) -> list[tuple[str, str]]:
    """Split text into ("text", plain) and (command, argument) parts."""
    parts: list[tuple[str, str]] = []
    position = 0
    for match in MARKUP.finditer(text):
        if match.start() > position:
            parts.append(("text", text[position : match.start()]))
        if match.group("hr"):
            parts.append(("HORIZONTALLINE", ""))
        elif match.group("classic"):
            parts.append((match.group("classic"), match.group("classic_arg")))
        else:
            parts.append((match.group("semantic"), ESCAPE.sub(r"\1", match.group("semantic_arg"))))
        position = match.end()
    if position < len(text):
        parts.append(("text", text[position:]))
    return parts


def plain_text(text: str) -> str:
    """The text that markup shows, without its formatting (for places where RST cannot nest formatting)."""
    out = []
    for command, argument in split_markup(text):
        if command in ("O", "RV"):
            out.append(option_display(argument))
        elif command == "L":
            out.append(argument.partition(",")[0].strip())
        elif command in ("M", "P"):
            out.append(argument.partition("#")[0])
        elif command != "HORIZONTALLINE":
            out.append(argument)
    return "".join(out)


def option_display(argument: str) -> str:
    """O(ns.col.plugin#type:name=value) shows as name=value."""
    prefix, colon, rest = argument.partition(":")
    if colon and "#" in prefix:
        return rest
    return argument


def plugin_url(argument: str, default_type: str, collection: str) -> str | None:
    """Where the docs of M(fqcn) or P(fqcn#type) live, or None for this collection's own plugins."""
    fqcn, _hash, plugin_type = argument.partition("#")
    pieces = fqcn.split(".")
    if len(pieces) < 3 or ".".join(pieces[:2]) == collection:
        return None
    return PLUGIN_DOCS_URL.format(
        namespace=pieces[0], name=pieces[1], plugin=".".join(pieces[2:]), type=plugin_type or default_type
    )


class HtmlMarkup:
    """Ansible markup to the HTML of the parameter and return value tables."""

    def __init__(self, collection: str, anchors: set[str]) -> None:
        self.collection = collection
        self.anchors = anchors

    def convert(self, text: str) -> str:
        out = []
        for command, argument in split_markup(text):
            out.append(self.command(command, argument))
        return "".join(out)

    def code_link(self, display: str, anchor: str) -> str:
        code = f"<code>{html.escape(display)}</code>"
        if anchor in self.anchors:
            return f"<a href='#{anchor}'>{code}</a>"
        return code

    def command(self, command: str, argument: str) -> str:
        escaped = html.escape(argument)
        if command == "text":
            return escaped
        if command == "I":
            return f"<em>{escaped}</em>"
        if command == "B":
            return f"<b>{escaped}</b>"
        if command in ("C", "V", "E"):
            return f"<code>{escaped}</code>"
        if command == "O":
            display = option_display(argument)
            return self.code_link(display, "parameter-" + display.split("=")[0].replace(".", "/"))
        if command == "RV":
            display = option_display(argument)
            return self.code_link(display, "return-" + display.split("=")[0].replace(".", "/"))
        if command == "U":
            return f"<a href='{escaped}'>{escaped}</a>"
        if command == "L":
            label, _comma, url = argument.partition(",")
            return f"<a href='{html.escape(url.strip())}'>{html.escape(label.strip())}</a>"
        if command in ("M", "P"):
            name = argument.partition("#")[0]
            url = plugin_url(argument, "module", self.collection)
            if url is None:
                return f"<code>{html.escape(name)}</code>"
            return f"<a href='{html.escape(url)}'>{html.escape(name)}</a>"
        if command == "HORIZONTALLINE":
            return "<hr/>"
        raise DocError(f"unknown markup {command}")


RST_SPECIAL = re.compile(r"([\\*`|])|(?<=\w)_(?=\W|$)")


def rst_escape(text: str) -> str:
    return RST_SPECIAL.sub(lambda m: "\\" + m.group(0), text)


def rst_literal(content: str) -> str:
    if not content.strip():
        return rst_escape(content)
    return f"``{content}``"


def rst_piece(command: str, argument: str, collection: str) -> str:
    """One markup command as inline RST (an empty construct would be invalid RST, so it becomes plain text)."""
    if command in ("I", "B"):
        stars = "*" if command == "I" else "**"
        return f"{stars}{rst_escape(argument)}{stars}" if argument.strip() else rst_escape(argument)
    if command in ("C", "V", "E"):
        return rst_literal(argument)
    if command in ("O", "RV"):
        return rst_literal(option_display(argument))
    if command == "U":
        return argument
    if command == "L":
        label, _comma, url = argument.partition(",")
        return f"`{rst_escape(label.strip())} <{url.strip()}>`__"
    if command in ("M", "P"):
        name = argument.partition("#")[0]
        url = plugin_url(argument, "module", collection)
        return rst_literal(name) if url is None else f"`{name} <{url}>`__"
    return ""  # HORIZONTALLINE has no inline form


def to_rst(text: str, collection: str) -> str:
    """Ansible markup to inline RST, for the prose sections (synopsis, requirements, notes)."""
    out = ""
    previous_was_markup = False
    for command, argument in split_markup(text):
        if command == "text":
            piece = rst_escape(argument)
            # Inline markup must end at a word boundary; an escaped space joins it to the word that follows.
            if previous_was_markup and piece[:1].isalnum():
                piece = "\\ " + piece
            previous_was_markup = False
        else:
            piece = rst_piece(command, argument, collection)
            if piece[:1] in ("*", "`") and out[-1:].isalnum():
                piece = "\\ " + piece
            previous_was_markup = piece[-1:] in ("*", "`", "_")
        out += piece
    return out


# HTML tables


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def type_name(spec: dict[str, Any], default: str | None) -> str | None:
    name = spec.get("type", default)
    if name is None:
        return None
    return TYPE_NAMES.get(name, name)


def max_depth(specs: dict[str, Any], key: str) -> int:
    depth = 1
    for spec in specs.values():
        children = spec.get(key) or {}
        if children:
            depth = max(depth, 1 + max_depth(children, key))
    return depth


def collect_anchors(specs: dict[str, Any], key: str, prefix: str, path: str = "") -> set[str]:
    anchors: set[str] = set()
    for name, spec in specs.items():
        full = f"{path}/{name}" if path else name
        anchors.add(prefix + full)
        anchors |= collect_anchors(spec.get(key) or {}, key, prefix, full)
    return anchors


def choice_items(spec: dict[str, Any]) -> list[str]:
    """The <li> of the Choices/Defaults cell, the default marked with an arrow."""
    choices = spec.get("choices")
    default = spec.get("default")
    if spec.get("type") == "bool" and choices is None:
        choices = [False, True]
    if choices is None:
        return []
    defaults = default if isinstance(default, list) else [default]
    items = []
    for choice in choices:
        label = json.dumps(choice) if isinstance(choice, bool) else str(choice)
        label = html.escape(label)
        if default is not None and choice in defaults and not (isinstance(choice, bool) ^ isinstance(default, bool)):
            items.append(f'<li><div style="color: blue"><b>{label}</b>&nbsp;&larr;</div></li>')
        else:
            items.append(f"<li>{label}</li>")
    return items


def added_in(spec: dict[str, Any], module_version: str | None, collection: str) -> list[str]:
    """The "added in" line of an option or return value that is younger than its module."""
    version = spec.get("version_added")
    origin = spec.get("version_added_collection") or collection
    if not version or (origin == collection and str(version) == str(module_version)):
        return []
    where = "" if origin == collection else f"{origin} "
    return [
        '                    <div style="font-style: italic; font-size: small; color: darkgreen">'
        f"added in {html.escape(where + str(version))}</div>"
    ]


def name_cell(name: str, anchor: str, level: int, depth: int, elbow: str, title: str) -> list[str]:
    """The opening of a table row: indentation for nested entries, then the name with its anchor and permalink."""
    lines = ["            <tr>"]
    lines.extend(f'                    <td class="elbow-placeholder">{elbow}</td>' for _level in range(level))
    lines.append(f'                <td colspan="{depth - level}">')
    lines.append(f'                    <div class="ansibleOptionAnchor" id="{anchor}"></div>')
    lines.append(f"                    <b>{html.escape(name)}</b>")
    lines.append(f'                    <a class="ansibleOptionLink" href="#{anchor}" title="{title}"></a>')
    return lines


def render_parameters(
    options: dict[str, Any], convert: Callable[[str], str], module_version: str | None, collection: str
) -> list[str]:
    depth = max_depth(options, "suboptions")
    lines = [
        '    <table  border=0 cellpadding=0 class="documentation-table">',
        "        <tr>",
        f'            <th colspan="{depth}">Parameter</th>',
        '            <th>Choices/<font color="blue">Defaults</font></th>',
        '            <th width="100%">Comments</th>',
        "        </tr>",
    ]

    def rows(specs: dict[str, Any], level: int, path: str) -> None:
        for name in sorted(specs):
            spec = specs[name]
            anchor = f"parameter-{path}/{name}" if path else f"parameter-{name}"
            lines.extend(name_cell(name, anchor, level, depth, elbow="", title="Permalink to this option"))
            lines.append('                    <div style="font-size: small">')
            lines.append(f'                        <span style="color: purple">{type_name(spec, "str")}</span>')
            if spec.get("elements"):
                elements = TYPE_NAMES.get(spec["elements"], spec["elements"])
                lines.append(f'                         / <span style="color: purple">elements={elements}</span>')
            if spec.get("required"):
                lines.append('                         / <span style="color: red">required</span>')
            lines.append("                    </div>")
            lines.extend(added_in(spec, module_version, collection))
            lines.append("                </td>")
            lines.append("                <td>")
            items = choice_items(spec)
            if items:
                lines.append('                        <ul style="margin: 0; padding: 0"><b>Choices:</b>')
                lines.extend(f"                                    {item}" for item in items)
                lines.append("                        </ul>")
            elif spec.get("default") is not None:
                default = html.escape(json.dumps(spec["default"]), quote=False)
                lines.append(f'                        <b>Default:</b><br/><div style="color: blue">{default}</div>')
            lines.append("                </td>")
            lines.append("                <td>")
            for paragraph in as_list(spec.get("description")):
                lines.append(f"                        <div>{convert(str(paragraph))}</div>")
            if spec.get("aliases"):
                aliases = ", ".join(html.escape(alias) for alias in spec["aliases"])
                lines.append(
                    f'                        <div style="font-size: small; color: darkgreen"><br/>aliases: {aliases}</div>'
                )
            lines.append("                </td>")
            lines.append("            </tr>")
            rows(spec.get("suboptions") or {}, level + 1, f"{path}/{name}" if path else name)

    rows(options, 0, "")
    lines.append("    </table>")
    lines.append("    <br/>")
    return lines


def sample_text(sample: Any) -> str:
    if isinstance(sample, str):
        return sample
    return json.dumps(sample)


def render_returns(
    returns: dict[str, Any], convert: Callable[[str], str], module_version: str | None, collection: str
) -> list[str]:
    depth = max_depth(returns, "contains")
    lines = [
        '    <table border=0 cellpadding=0 class="documentation-table">',
        "        <tr>",
        f'            <th colspan="{depth}">Key</th>',
        "            <th>Returned</th>",
        '            <th width="100%">Description</th>',
        "        </tr>",
    ]

    def rows(specs: dict[str, Any], level: int, path: str) -> None:
        for name in sorted(specs):
            spec = specs[name]
            anchor = f"return-{path}/{name}" if path else f"return-{name}"
            lines.extend(name_cell(name, anchor, level, depth, elbow="&nbsp;", title="Permalink to this return value"))
            lines.append('                    <div style="font-size: small">')
            kind = type_name(spec, None)
            if kind:
                lines.append(f'                      <span style="color: purple">{kind}</span>')
            if spec.get("elements"):
                elements = TYPE_NAMES.get(spec["elements"], spec["elements"])
                lines.append(f'                       / <span style="color: purple">elements={elements}</span>')
            lines.append("                    </div>")
            lines.extend(added_in(spec, module_version, collection))
            lines.append("                </td>")
            lines.append(f"                <td>{convert(str(spec.get('returned', '')))}</td>")
            lines.append("                <td>")
            for paragraph in as_list(spec.get("description")):
                lines.append(f"                            <div>{convert(str(paragraph))}</div>")
            if spec.get("choices"):
                choices = ", ".join(f"<code>{html.escape(str(choice))}</code>" for choice in spec["choices"])
                lines.append("                    <br/>")
                lines.append(
                    f'                        <div style="font-size: smaller"><b>Can only return:</b> {choices}</div>'
                )
            if spec.get("sample") is not None:
                lines.append("                    <br/>")
                lines.append('                        <div style="font-size: smaller"><b>Sample:</b></div>')
                lines.append(
                    '                        <div style="font-size: smaller; color: blue; word-wrap: break-word; '
                    f'word-break: break-all;">{html.escape(sample_text(spec["sample"]))}</div>'
                )
            lines.append("                </td>")
            lines.append("            </tr>")
            rows(spec.get("contains") or {}, level + 1, f"{path}/{name}" if path else name)

    rows(returns, 0, "")
    lines.append("    </table>")
    lines.append("    <br/><br/>")
    return lines


def render_attributes(attributes: dict[str, Any], convert: Callable[[str], str]) -> list[str]:
    lines = [
        '    <table border=0 cellpadding=0 class="documentation-table">',
        "        <tr>",
        "            <th>Attribute</th>",
        "            <th>Support</th>",
        '            <th width="100%">Description</th>',
        "        </tr>",
    ]
    for name in sorted(attributes):
        spec = attributes[name]
        lines.append("            <tr>")
        lines.append(f"                <td><b>{html.escape(name)}</b></td>")
        support = html.escape(str(spec.get("support", "")))
        lines.append(f"                <td>{support}</td>")
        lines.append("                <td>")
        for paragraph in as_list(spec.get("description")) + as_list(spec.get("details")):
            lines.append(f"                        <div>{convert(str(paragraph))}</div>")
        lines.append("                </td>")
        lines.append("            </tr>")
    lines.append("    </table>")
    lines.append("    <br/>")
    return lines


# The document

KNOWN_DOC_KEYS = {
    "attributes",
    "author",
    "collection",
    "deprecated",
    "description",
    "filename",
    "has_action",
    "module",
    "notes",
    "options",
    "plugin_name",
    "requirements",
    "seealso",
    "short_description",
    "version_added",
    "version_added_collection",
}


def heading(title: str, underline: str) -> list[str]:
    return [title, underline * len(title)]


def render_module(fqcn: str, data: dict[str, Any], collection: str) -> str:
    doc = data.get("doc") or {}
    unknown = sorted(set(doc) - KNOWN_DOC_KEYS)
    if unknown:
        raise DocError(f"{fqcn}: this renderer does not know how to show {', '.join(unknown)}; teach it")
    options = doc.get("options") or {}
    returns = data.get("return") or {}
    anchors = collect_anchors(options, "suboptions", "parameter-") | collect_anchors(returns, "contains", "return-")
    markup = HtmlMarkup(collection, anchors)
    version = doc.get("version_added")

    def rst(text: Any) -> str:
        return to_rst(str(text), collection)

    out: list[str] = [f".. _{fqcn}_module:", "", ""]
    out += ["*" * len(fqcn), fqcn, "*" * len(fqcn), ""]
    out += [f"**{rst_escape(plain_text(str(doc.get('short_description', ''))))}**", "", ""]
    if version and version != "historical":
        out += [f"Version added: {version}", ""]
    out += [".. contents::", "   :local:", "   :depth: 1", ""]

    deprecated = doc.get("deprecated")
    if deprecated:
        out += [""] + heading("DEPRECATED", "-")
        for label, key in (("Removed in", "removed_in"), ("Why", "why"), ("Alternative", "alternative")):
            if deprecated.get(key):
                out.append(f"- **{label}:** {rst(deprecated[key])}")
        out.append("")

    out += [""] + heading("Synopsis", "-")
    out += [f"- {rst(line)}" for line in as_list(doc.get("description"))]
    out += ["", ""]

    if doc.get("requirements"):
        out += [""] + heading("Requirements", "-")
        out += ["The below requirements are needed on the host that executes this module.", ""]
        out += [f"- {rst(line)}" for line in as_list(doc["requirements"])]
        out += [""]

    if options:
        out += [""] + heading("Parameters", "-")
        out += ["", ".. raw:: html", ""]
        out += render_parameters(options, markup.convert, version, collection)
        out += [""]

    if doc.get("attributes"):
        out += [""] + heading("Attributes", "-")
        out += ["", ".. raw:: html", ""]
        out += render_attributes(doc["attributes"], markup.convert)
        out += [""]

    if doc.get("notes"):
        out += [""] + heading("Notes", "-")
        out += ["", ".. note::"]
        out += [f"   - {rst(line)}" for line in as_list(doc["notes"])]
        out += ["", ""]

    if doc.get("seealso"):
        out += [""] + heading("See Also", "-")
        out += [""]
        for entry in doc["seealso"]:
            if "module" in entry or "plugin" in entry:
                name = entry.get("module") or entry.get("plugin")
                url = plugin_url(f"{name}#{entry.get('plugin_type', 'module')}", "module", collection)
                title = rst_literal(name) if url is None else f"`{name} <{url}>`__"
            elif "link" in entry:
                title = f"`{rst_escape(entry.get('name', entry['link']))} <{entry['link']}>`__"
            else:
                title = rst_escape(str(entry.get("name", entry.get("ref", ""))))
            description = f": {rst(entry['description'])}" if entry.get("description") else ""
            out.append(f"- {title}{description}")
        out += ["", ""]

    examples = (data.get("examples") or "").strip("\n")
    if examples:
        out += [""] + heading("Examples", "-")
        out += ["", ".. code-block:: yaml", ""]
        out += [f"    {line}" if line.strip() else "" for line in examples.splitlines()]
        out += ["", "", ""]

    if returns:
        out += heading("Return Values", "-")
        out.append(
            f"Common return values are documented `here <{COMMON_RETURN_VALUES}>`_, "
            "the following are the fields unique to this module:"
        )
        out += ["", ".. raw:: html", ""]
        out += render_returns(returns, markup.convert, version, collection)
        out += ["", ""]

    out += heading("Status", "-")
    out += ["", ""]
    out += heading("Authors", "~")
    out += [""]
    out += [f"- {rst_escape(str(author))}" for author in as_list(doc.get("author"))]
    return "\n".join(line.rstrip() for line in out) + "\n"


def check_rst(name: str, text: str) -> None:
    """Fail on anything docutils reports (a broken construct would show as raw text on GitHub and Galaxy)."""
    # docutils comes with antsibull-docs and antsibull-changelog; only this check needs it.
    from docutils.core import publish_doctree  # pylint: disable=import-outside-toplevel

    messages = io.StringIO()
    # Report warnings and worse, and never stop at one: all of them are listed.
    publish_doctree(
        text,
        source_path=name,
        settings_overrides={"report_level": 2, "halt_level": 5, "warning_stream": messages},
    )
    problems = [line for line in messages.getvalue().splitlines() if line.strip()]
    if problems:
        raise DocError(f"{name}: docutils reports:\n" + "\n".join(problems))


# ansible-doc


def ansible_doc(collections_path: str, *args: str) -> Any:
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections_path, ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false")
    env.pop("ANSIBLE_CONFIG", None)
    # The ansible-doc of the venv this runs in, even when that venv is not activated.
    beside = os.path.join(os.path.dirname(sys.executable), "ansible-doc")
    command = beside if os.access(beside, os.X_OK) else "ansible-doc"
    result = subprocess.run(
        [command, "--json", "--type", "module", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0 or "[ERROR]" in result.stderr:
        raise DocError(f"ansible-doc {' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
    return json.loads(result.stdout)


def render_collection(collections_path: str, collection: str) -> dict[str, str]:
    """File name to content, for every module of the collection."""
    modules = sorted(ansible_doc(collections_path, "--list", collection))
    if not modules:
        raise DocError(f"ansible-doc finds no modules in {collection} under {collections_path}")
    docs = ansible_doc(collections_path, *modules)
    rendered = {}
    for fqcn in modules:
        if fqcn not in docs:
            raise DocError(f"ansible-doc returned no documentation for {fqcn}")
        name = f"{fqcn}_module.rst"
        rendered[name] = render_module(fqcn, docs[fqcn], collection)
        check_rst(name, rendered[name])
    return rendered


def check(output_dir: str, existing: list[str], rendered: dict[str, str]) -> int:
    """Compare the rendered files with those in output_dir, showing how they differ."""
    stale = []
    for name in sorted(set(existing) | set(rendered)):
        if name not in rendered:
            print(f"docs/{name}: no module has this documentation any more")
            stale.append(name)
            continue
        if name not in existing:
            print(f"docs/{name}: missing")
            stale.append(name)
            continue
        with open(os.path.join(output_dir, name), encoding="utf-8") as handle:
            current = handle.read()
        if current != rendered[name]:
            stale.append(name)
            diff = list(
                difflib.unified_diff(
                    current.splitlines(keepends=True),
                    rendered[name].splitlines(keepends=True),
                    fromfile=f"docs/{name} (committed)",
                    tofile=f"docs/{name} (rendered)",
                )
            )
            sys.stdout.writelines(diff[:MAX_DIFF_LINES])
            if len(diff) > MAX_DIFF_LINES:
                print(f"... {len(diff) - MAX_DIFF_LINES} more lines of difference")
    if stale:
        print(
            "ERROR: docs/ does not match the modules' documentation. Run `make docs` "
            "(scripts/gates.sh docs) and commit the result; never edit docs/ by hand.",
            file=sys.stderr,
        )
        return 1
    print(f"docs/ is up to date ({', '.join(sorted(rendered))}).")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--collections-path", required=True, help="a directory holding ansible_collections/")
    parser.add_argument("--collection", default="amazon.ai")
    parser.add_argument("--output-dir", required=True, help="the docs/ directory")
    parser.add_argument("--check", action="store_true", help="compare with --output-dir instead of writing it")
    args = parser.parse_args(argv)

    try:
        rendered = render_collection(args.collections_path, args.collection)
    except DocError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 1

    existing = (
        sorted(name for name in os.listdir(args.output_dir) if name.endswith(".rst"))
        if os.path.isdir(args.output_dir)
        else []
    )
    if args.check:
        return check(args.output_dir, existing, rendered)

    os.makedirs(args.output_dir, exist_ok=True)
    for name in existing:
        if name not in rendered:
            os.remove(os.path.join(args.output_dir, name))
            print(f"removed docs/{name} (no such module any more)")
    for name, text in sorted(rendered.items()):
        with open(os.path.join(args.output_dir, name), "w", encoding="utf-8") as handle:
            handle.write(text)
        print(f"wrote docs/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
