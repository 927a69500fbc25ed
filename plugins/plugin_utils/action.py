# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The action plugins of amazon.ai's modules: the AWS groups' connection defaults, and the checks that only the
controller can make.

Ansible applies C(module_defaults) of a group only to the modules that group lists, and a collection cannot add
its modules to another collection's group. So that the C(group/amazon.aws.aws) (or C(group/aws)) defaults every
amazon.aws user already sets also reach these modules, AmazonAIAction fills in the connection options (region,
credentials, endpoint, ...) that neither the task nor the module's own defaults set.

Before that, it refuses what the module could not tell apart from valid input once ansible-core has converted it,
as a table derived from the module's argument spec says (ActionTable.from_spec): a boolean given for an int or
float option (ansible-core takes true as 1 or 1.0), a string for an option listing requests (which ansible-core
would split at its commas), mapping keys that are not strings where they must be (JSON would turn them into
strings), and values that cannot be sent as HTTP headers (ansible-core 2.21 itself fails on a NUL character while
logging a module's arguments, naming no option). Its message is the modules' own for an invalid task.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from typing import Callable
from typing import Dict
from typing import Iterator
from typing import List
from typing import NamedTuple
from typing import Optional
from typing import Tuple

from ansible.plugins.action import ActionBase
from ansible.utils.vars import merge_hash

from ansible_collections.amazon.ai.plugins.module_utils.common import BedrockParameterError
from ansible_collections.amazon.ai.plugins.module_utils.common import check_header_value
from ansible_collections.amazon.ai.plugins.module_utils.common import invalid_task_message

# The groups whose defaults apply to every amazon.aws module, as Ansible names them once resolved.
AWS_GROUPS = ("group/ansible.builtin.aws", "group/amazon.aws.aws", "group/community.aws.aws")

# amazon.aws's connection options and their aliases (a unit test keeps this equal to aws_argument_spec()).
CONNECTION_OPTIONS = {
    "access_key": ("aws_access_key_id", "aws_access_key"),
    "secret_key": ("aws_secret_access_key", "aws_secret_key"),
    "session_token": ("aws_session_token",),
    "profile": ("aws_profile",),
    "region": ("aws_region",),
    "endpoint_url": ("aws_endpoint_url",),
    "validate_certs": (),
    "aws_ca_bundle": (),
    "aws_config": (),
    "debug_botocore_endpoint_logs": (),
}
# Options whose mapping keys must be strings wherever they are in a spec: JSON turns every key into one.
STRING_KEY_OPTIONS = ("request_metadata",)
NUMBER_TYPES = {"int": "a whole number", "float": "a number"}

# An option's place in a spec: its name, and the names of the options it is a suboption of, outermost first.
OptionPath = Tuple[str, ...]


def _canonical(name: str) -> Optional[str]:
    for option, aliases in CONNECTION_OPTIONS.items():
        if name == option or name in aliases:
            return option
    return None


def aws_group_defaults(module_defaults: Optional[List[Dict[str, Any]]]) -> Dict[str, Any]:
    """The connection options set for the AWS groups, later entries winning as Ansible merges them."""
    merged: Dict[str, Any] = {}
    for entry in module_defaults or []:
        merged.update(entry)
    defaults: Dict[str, Any] = {}
    for group in AWS_GROUPS:
        values = merged.get(group)
        if isinstance(values, Mapping):
            defaults.update((name, value) for name, value in values.items() if _canonical(name))
    return defaults


def missing_connection_options(args: Mapping, defaults: Mapping) -> Dict[str, Any]:
    """The defaults for the connection options args does not set (under any alias), one entry per option.

    Only these are templated and used: a default the task overrides may refer to variables it never defines.
    """
    already = {_canonical(name) for name in args} - {None}
    missing = {}
    for name, value in defaults.items():
        option = _canonical(name)
        if option not in already:
            missing[name] = value
            already.add(option)
    return missing


def spec_options(spec: Mapping, prefix: OptionPath = ()) -> Iterator[Tuple[OptionPath, Mapping]]:
    """(path, option spec) of every option of spec and of their suboptions, every top-level option first."""
    nested = []
    for name, option in spec.items():
        yield prefix + (name,), option
        if option.get("options"):
            nested.append((prefix + (name,), option["options"]))
    for path, options in nested:
        yield from spec_options(options, path)


def _aliases(spec: Mapping) -> Dict[OptionPath, Tuple[str, ...]]:
    return {path: (path[-1],) + tuple(option.get("aliases") or ()) for path, option in spec_options(spec)}


class ActionTable(NamedTuple):
    """What the controller checks of one module's task, derived from its argument spec (from_spec)."""

    names: Dict[OptionPath, Tuple[str, ...]]  # every option's name and aliases, by path
    lists: Dict[OptionPath, bool]  # whether an option with suboptions is a list of entries (else one mapping)
    numbers: Tuple[Tuple[OptionPath, str], ...]  # (path, int or float) of every number option
    request_lists: Tuple[str, ...]  # the options that list one entry per request
    headers: Tuple[OptionPath, ...]  # the options sent as HTTP headers
    string_keys: Tuple[OptionPath, ...]  # the mappings whose keys must be strings
    subject: Callable[[Mapping], Optional[str]]  # what an invalid task's message names

    @classmethod
    def from_spec(
        cls,
        spec: Mapping,
        subject: Callable[[Mapping], Optional[str]] = lambda args: None,
        request_lists: Tuple[str, ...] = (),
        header_options: Tuple[str, ...] = (),
    ) -> "ActionTable":
        """The table of a module: spec is its argument spec; header_options names the options it sends as HTTP
        headers (on the task and on any entry that has them), request_lists its options listing requests."""
        options = list(spec_options(spec))
        return cls(
            names=_aliases(spec),
            lists={path: option.get("type") == "list" for path, option in options if option.get("options")},
            numbers=tuple((path, option["type"]) for path, option in options if option.get("type") in NUMBER_TYPES),
            request_lists=request_lists,
            headers=tuple(path for path, dummy in options if path[-1] in header_options),
            string_keys=tuple(path for path, dummy in options if path[-1] in STRING_KEY_OPTIONS),
            subject=subject,
        )

    def values(self, args: Mapping, path: OptionPath) -> Iterator[Tuple[str, Any]]:
        """(where, value) of the option at path wherever args set it: "requests[1].accept", "vpc_config.x", ..."""
        places: List[Tuple[str, Any]] = [("", args)]
        for depth in range(len(path)):
            found = []
            names = self.names[path[: depth + 1]]
            for where, mapping in places:
                if not isinstance(mapping, Mapping):
                    continue
                name = next((name for name in names if mapping.get(name) is not None), None)
                if name is None:
                    continue
                value, where = mapping[name], f"{where}.{name}" if where else name
                if depth == len(path) - 1:
                    yield where, value
                elif self.lists[path[: depth + 1]] and isinstance(value, list):
                    found.extend((f"{where}[{index}]", entry) for index, entry in enumerate(value))
                else:
                    found.append((where, value))
            places = found

    def problem(self, args: Mapping) -> Optional[str]:
        """The message refusing the task, for the first problem found in args; None when there is none."""
        found = self._not_a_list(args) or self._non_string_keys(args) or self._boolean_number(args)
        found = found or self._bad_header_value(args)
        return invalid_task_message(found, self.subject(args)) if found else None

    def _not_a_list(self, args: Mapping) -> Optional[str]:
        # Ansible would turn a string given for a list option into a list by splitting it at its commas, which for
        # request bodies would send requests nobody wrote.
        for name in self.request_lists:
            for where, value in self.values(args, (name,)):
                if not isinstance(value, list):
                    return f"{where} must be a list with one entry per request, not a single value: {str(value)!r:.80}"
        return None

    def _non_string_keys(self, args: Mapping) -> Optional[str]:
        for path in self.string_keys:
            for where, value in self.values(args, path):
                wrong = [key for key in value if not isinstance(key, str)] if isinstance(value, Mapping) else []
                if wrong:
                    return f"{where} keys must be strings (quote them); not a string: {', '.join(map(repr, wrong))}"
        return None

    def _boolean_number(self, args: Mapping) -> Optional[str]:
        for path, kind in self.numbers:
            for where, value in self.values(args, path):
                if isinstance(value, bool):
                    return f"{where} must be {NUMBER_TYPES[kind]}, not a boolean: {value}"
        return None

    def _bad_header_value(self, args: Mapping) -> Optional[str]:
        for path in self.headers:
            for where, value in self.values(args, path):
                # An empty value is left to the module, which says better why it cannot be sent.
                if isinstance(value, str) and value:
                    try:
                        check_header_value(where, value)
                    except BedrockParameterError as e:
                        return str(e)
        return None


class AmazonAIAction(ActionBase):
    """Refuses what the table finds wrong, else fills in the AWS groups' connection defaults and runs the module.

    Each action plugin sets table = ActionTable.from_spec(<its module's argument spec>, ...); none has a default.
    """

    _supports_check_mode = True
    _supports_async = True
    table: ActionTable

    def run(self, tmp: Any = None, task_vars: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        result = super().run(tmp, task_vars)
        problem = self.table.problem(self._task.args)
        if problem:
            return merge_hash(result, {"failed": True, "msg": problem})
        missing = missing_connection_options(self._task.args, aws_group_defaults(self._task.module_defaults))
        module_args = dict(self._task.args, **self._templar.template(missing))
        wrap_async = self._task.async_val and not self._connection.has_native_async
        result = merge_hash(
            result, self._execute_module(module_args=module_args, task_vars=task_vars, wrap_async=wrap_async)
        )
        if not wrap_async:
            # pylint: disable-next=protected-access
            self._remove_tmp_path(self._connection._shell.tmpdir)
        return result
