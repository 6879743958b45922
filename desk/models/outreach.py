"""宣传教育活动、消费警示与提示、消费评议、新闻宣传登记 (tables filled in by its issue; imported by desk.models)."""

from __future__ import annotations
