# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Runs amazon.ai.bedrock_invoke_model with the AWS connection defaults users set for every AWS module.

Ansible applies C(module_defaults) of a group only to the modules that group lists, and a collection cannot add
its modules to another collection's group. So that the C(group/amazon.aws.aws) (or C(group/aws)) defaults every
amazon.aws user already sets also reach this module, this action fills in the connection options (region,
credentials, endpoint, ...) that neither the task nor this module's own defaults set.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from typing import Dict
from typing import List
from typing import Optional
from typing import Tuple

from ansible.plugins.action import ActionBase
from ansible.utils.vars import merge_hash

from ansible_collections.amazon.ai.plugins.module_utils.common import BedrockParameterError
from ansible_collections.amazon.ai.plugins.module_utils.common import check_header_value
from ansible_collections.amazon.ai.plugins.module_utils.invoke_model import HEADER_OPTIONS

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


def missing_connection_options(args: Dict[str, Any], defaults: Dict[str, Any]) -> Dict[str, Any]:
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


def not_a_list(args: Dict[str, Any], names: Tuple[str, ...]) -> Optional[str]:
    """Why an option of names that lists requests cannot be used, if it is set to anything but a list (or null).

    Checked here because Ansible turns a string given for a list option into a list by splitting it at its
    commas, which for request bodies would send requests nobody wrote.
    """
    for name in names:
        value = args.get(name)
        if value is not None and not isinstance(value, list):
            return f"{name} must be a list with one entry per request, not a single value: {str(value)!r:.80}"
    return None


def non_string_keys(args: Dict[str, Any]) -> Optional[str]:
    """Why request_metadata (of the task, or of an entry of requests) cannot be sent, if its keys are not strings.

    Checked here because JSON, which carries the task's arguments to the module, turns every key into a string.
    """
    places = [("request_metadata", args.get("request_metadata"))]
    requests = args.get("requests")
    if isinstance(requests, list):
        places += [
            (f"requests[{index}].request_metadata", entry.get("request_metadata"))
            for index, entry in enumerate(requests)
            if isinstance(entry, Mapping)
        ]
    for name, metadata in places:
        if not isinstance(metadata, Mapping):
            continue
        wrong = [key for key in metadata if not isinstance(key, str)]
        if wrong:
            return f"{name} keys must be strings (quote them); not a string: {', '.join(repr(key) for key in wrong)}"
    return None


def bad_header_value(
    args: Dict[str, Any], options: Tuple[str, ...], entry_lists: Tuple[str, ...] = ()
) -> Optional[str]:
    """Why an option of options sent as an HTTP header (on the task, or on an entry of entry_lists) cannot be.

    Checked here, before the module starts, because ansible-core itself cannot carry some such values to a
    module (2.21 fails on a NUL character while logging the module's arguments), with a message naming no option.
    """
    places = [(option, args.get(option)) for option in options]
    for name in entry_lists:
        entries = args.get(name)
        if isinstance(entries, list):
            places += [
                (f"{name}[{index}].{option}", entry.get(option))
                for index, entry in enumerate(entries)
                if isinstance(entry, Mapping)
                for option in options
            ]
    for name, value in places:
        # An empty value is left to the module, which says why better.
        if isinstance(value, str) and value:
            try:
                check_header_value(name, value)
            except BedrockParameterError as e:
                return f"Invalid request, nothing was sent: {e}"
    return None


def not_an_integer(args: Dict[str, Any], names: Tuple[str, ...]) -> Optional[str]:
    """Why an integer option of names cannot be used, if it is a boolean.

    Checked here because ansible-core's int type takes a boolean as 0 or 1: max_concurrency: true would mean 1.
    """
    for name in names:
        value = args.get(name)
        if isinstance(value, bool):
            return f"{name} must be a whole number, not a boolean: {value}"
    return None


class ActionModule(ActionBase):
    _supports_check_mode = True
    _supports_async = True
    # The module's options that list one entry per request.
    request_lists: Tuple[str, ...] = ()
    # The module's options sent as HTTP headers, on the task and on each entry of header_entry_lists.
    header_options: Tuple[str, ...] = HEADER_OPTIONS
    header_entry_lists: Tuple[str, ...] = ()
    # The module's options of type int.
    integer_options: Tuple[str, ...] = ()

    def run(self, tmp: Any = None, task_vars: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        result = super().run(tmp, task_vars)
        args = self._task.args
        # The first problem found, if any.
        problem = not_a_list(args, self.request_lists) or non_string_keys(args)
        problem = problem or not_an_integer(args, self.integer_options)
        problem = problem or bad_header_value(args, self.header_options, self.header_entry_lists)
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
