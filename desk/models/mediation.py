"""调解：调解会、调解书、挽回损失与和解服务站 (tables filled in by its issue; imported by desk.models)."""

from __future__ import annotations
