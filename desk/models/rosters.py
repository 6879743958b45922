"""名册：志愿者、义务调查员、培训与调查任务 (tables filled in by its issue; imported by desk.models)."""

from __future__ import annotations
