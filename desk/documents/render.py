"""Rendering a shipped Word template with a context, and the formats documents use.

Templates are docxtpl files found through ``resources.template_path`` (never the working
directory). Values are escaped (``autoescape=True``): a business called ``A&B<有限公司>`` stays
text. Undefined tags fail loudly with a Chinese message instead of printing nothing, so a
mistyped tag in a template edited in Word is noticed at once."""

from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

# cn_date / cn_datetime live in desk.dates (the GUI needs them too); documents import them from here.
from desk.dates import cn_date, cn_datetime
from desk.errors import DeskError

log = logging.getLogger(__name__)

__all__ = ["cn_date", "cn_datetime", "cn_ordinal", "money_text", "paragraphs", "plain", "render_template", "size_text"]

_CN_NUMERALS = "零一二三四五六七八九十"


def money_text(value: Decimal | int | float | str | None) -> str:
    """1,299.00元; '' for None or a value that is not a number."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return ""
    return f"{amount:,.2f}元"


def size_text(n: int) -> str:
    """A file size the way Windows Explorer shows it: 856 字节, 12.4 KB, 3.2 MB."""
    if n < 1024:
        return f"{n} 字节"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / 1024 / 1024:.1f} MB"


def cn_ordinal(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (section numbers up to 99)."""
    if n <= 10:
        return _CN_NUMERALS[n]
    tens, ones = divmod(n, 10)
    head = "十" if tens == 1 else _CN_NUMERALS[tens] + "十"
    return head + (_CN_NUMERALS[ones] if ones else "")


def paragraphs(text: str | None) -> list[str]:
    """Split free text into paragraphs (one per non-blank line) for a paragraph loop."""
    if not text:
        return []
    return [line.strip() for line in str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n") if line.strip()]


def plain(value: Any) -> Any:
    """A context value fit for a template: dates in Chinese, money as 元, None as ''."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return cn_date(value)
    if isinstance(value, Decimal):
        return money_text(value)
    return value


def render_template(name: str, context: Mapping[str, Any], out_path: str | Path) -> Path:
    """Render ``resources/templates/<name>`` with ``context`` into ``out_path`` (written via a
    temporary file, so a failure never leaves half a document)."""
    from docxtpl import DocxTemplate
    from jinja2 import Environment, StrictUndefined, TemplateError, UndefinedError

    import resources

    src = resources.template_path(name)
    if not src.is_file():
        raise DeskError(f"找不到文书模板“{name}”，请重新安装程序或恢复默认模板。")
    out = Path(out_path)
    try:
        tpl = DocxTemplate(str(src))
        env = Environment(autoescape=True, undefined=StrictUndefined)
        tpl.render(dict(context), jinja_env=env, autoescape=True)
    except UndefinedError as exc:
        raise DeskError(f"文书模板“{name}”中有无法识别的标记（{exc.message}），请检查模板或恢复默认模板。") from exc
    except TemplateError as exc:
        raise DeskError(f"文书模板“{name}”的格式有误（{exc.message}），请检查模板或恢复默认模板。") from exc
    except (OSError, ValueError, KeyError) as exc:  # not a .docx, or a damaged one
        log.warning("template %s unreadable: %s", name, exc)
        raise DeskError(f"文书模板“{name}”已损坏，无法打开，请恢复默认模板。") from exc
    if not out.parent.is_dir():
        raise DeskError(f"保存位置“{out.parent}”不存在，请另选文件夹。")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=".~cadesk-", suffix=".docx", dir=out.parent)
    except OSError as exc:
        raise DeskError(f"无法在“{out.parent}”保存文件：没有写入权限，请另选文件夹。") from exc
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        tpl.save(str(tmp))
        os.replace(tmp, out)
    except PermissionError as exc:
        raise DeskError(f"无法写入“{out.name}”：文件可能正被 Word 或 WPS 打开，请关闭后重试，或另存为其他文件名。") from exc
    except OSError as exc:
        raise DeskError(f"无法保存“{out.name}”：{exc.strerror or exc}") from exc
    finally:
        if tmp.exists():
            tmp.unlink(missing_ok=True)
    return out
