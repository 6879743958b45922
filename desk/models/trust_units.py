"""诚信单位与回访检查、成员单位与联席会议 (tables filled in by its issue; imported by desk.models)."""

from __future__ import annotations
