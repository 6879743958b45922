"""Typed registry of the office's shared settings (stored in the ``setting`` table as JSON).
Every limit that the law or local rules may change is a setting here, never a constant."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SettingDef:
    key: str
    label: str
    default: Any
    kind: str  # str | text | int | bool
    group: str
    minimum: int | None = None
    maximum: int | None = None


_DEFS = [
    SettingDef("office.name", "单位全称", "", "str", "单位信息"),
    SettingDef("office.short_name", "单位简称", "", "str", "单位信息"),
    SettingDef("office.address", "地址", "", "str", "单位信息"),
    SettingDef("office.postcode", "邮政编码", "", "str", "单位信息"),
    SettingDef("office.phone", "投诉电话", "", "str", "单位信息"),
    SettingDef("office.contact", "联系人", "", "str", "单位信息"),
    SettingDef("briefing.name", "简报名称", "消费维权工作简报", "str", "简报"),
    SettingDef("briefing.issuer", "编发单位", "", "str", "简报"),
    SettingDef("briefing.report_to", "报（上级机关）", "", "text", "简报"),
    SettingDef("briefing.send_to", "送（成员单位）", "", "text", "简报"),
    SettingDef("briefing.issue_to", "发（基层分会）", "", "text", "简报"),
    SettingDef("briefing.copies", "共印份数", 30, "int", "简报", 1, 10000),
    SettingDef("briefing.internal", "标注“内部资料”", True, "bool", "简报"),
    # Off: a T01 termination (撤诉 or 自行和解) counts as 解决 only when recorded as 双方自行和解.
    SettingDef("briefing.count_t01_as_resolved", "“撤回投诉或自行和解”终止（T01）均计为解决", False, "bool", "简报"),
]

REGISTRY: dict[str, SettingDef] = {d.key: d for d in _DEFS}


def register(defn: SettingDef) -> None:
    """Later modules add their settings (deadline limits, retention …) here at import."""
    REGISTRY[defn.key] = defn


def coerce(defn: SettingDef, value: Any) -> Any:
    """Convert user input to the setting's type; raise ValueError with a Chinese message."""
    if defn.kind in ("str", "text"):
        text = "" if value is None else str(value).strip()
        limit = 200 if defn.kind == "str" else 2000
        if len(text) > limit:
            raise ValueError(f"不能超过{limit}个字")
        return text
    if defn.kind == "int":
        try:
            number = int(str(value).strip())
        except ValueError:
            raise ValueError("请输入整数") from None
        if defn.minimum is not None and number < defn.minimum:
            raise ValueError(f"不能小于{defn.minimum}")
        if defn.maximum is not None and number > defn.maximum:
            raise ValueError(f"不能大于{defn.maximum}")
        return number
    if defn.kind == "bool":
        if isinstance(value, str):
            return value.strip().lower() in ("1", "true", "yes", "是", "y")
        return bool(value)
    raise ValueError(f"未知的设置类型 {defn.kind}")
