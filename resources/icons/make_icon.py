"""Draw the program's icon: a China-red rounded square with a white shield and a red tick
(消费者权益保护: protection, and a complaint settled). Writes cadesk.ico (16–256 px) and
cadesk.png (256 px) beside this file.

Drawn by code so it can be changed and regenerated: ``python resources/icons/make_icon.py``
(needs Pillow; previews of every size with ``--preview DIR``). No font is used, so the result
does not depend on the machine. Each size is drawn on its own at 8× and scaled down, and the
small sizes get a bigger shield and a thicker tick: a 16 px icon scaled down from 256 px would
be a red blur."""

from __future__ import annotations

import argparse
from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
PNG_SIZE = 256
SUPERSAMPLE = 8

RED_TOP = (214, 48, 42)  # a calm China red, lighter at the top
RED_BOTTOM = (168, 26, 30)
WHITE = (255, 255, 255, 255)
TICK = (190, 34, 36, 255)

Point = tuple[float, float]


def _cubic(p0: Point, p1: Point, p2: Point, p3: Point, steps: int = 48) -> list[Point]:
    out = []
    for i in range(1, steps + 1):
        t = i / steps
        u = 1 - t
        out.append((u**3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t**3 * p3[0],
                    u**3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t**3 * p3[1]))
    return out


def _shield(cx: float, top: float, half_w: float, height: float) -> list[Point]:
    """Outline of a shield (unit coordinates): a gently raised top, straight sides, a pointed
    bottom. Built for the right half and mirrored so it is exactly symmetric."""
    bottom = top + height
    shoulder_y = top + height * 0.10
    side_end = top + height * 0.48
    right: list[Point] = [(cx, top)]
    right += _cubic((cx, top), (cx + half_w * 0.45, top + height * 0.07),
                    (cx + half_w * 0.80, shoulder_y), (cx + half_w, shoulder_y))
    right.append((cx + half_w, side_end))
    right += _cubic((cx + half_w, side_end), (cx + half_w, top + height * 0.78),
                    (cx + half_w * 0.45, top + height * 0.92), (cx, bottom))
    left = [(2 * cx - x, y) for x, y in reversed(right[1:-1])]
    return right + left


def _layout(size: int) -> dict[str, float]:
    """Proportions per size: small icons need a larger shield and a heavier tick to stay legible."""
    if size <= 16:
        return {"margin": 0.0, "radius": 0.22, "shield_w": 0.35, "shield_top": 0.14, "shield_h": 0.74, "tick": 0.13}
    if size <= 24:
        return {"margin": 0.02, "radius": 0.22, "shield_w": 0.33, "shield_top": 0.15, "shield_h": 0.72, "tick": 0.115}
    if size <= 48:
        return {"margin": 0.03, "radius": 0.22, "shield_w": 0.31, "shield_top": 0.16, "shield_h": 0.70, "tick": 0.095}
    return {"margin": 0.04, "radius": 0.22, "shield_w": 0.29, "shield_top": 0.17, "shield_h": 0.67, "tick": 0.085}


def draw(size: int) -> Image.Image:
    """The icon at ``size`` × ``size`` pixels (RGBA)."""
    lay = _layout(size)
    s = size * SUPERSAMPLE

    def px(v: float) -> float:
        return v * s

    # Background: vertical gradient through a rounded-square mask.
    gradient = Image.new("RGBA", (1, s))
    for y in range(s):
        t = y / (s - 1)
        gradient.putpixel((0, y), tuple(round(a + (b - a) * t) for a, b in zip(RED_TOP, RED_BOTTOM, strict=True))
                          + (255,))
    gradient = gradient.resize((s, s))
    mask = Image.new("L", (s, s), 0)
    m = px(lay["margin"])
    ImageDraw.Draw(mask).rounded_rectangle((m, m, s - 1 - m, s - 1 - m), radius=px(lay["radius"]), fill=255)
    img = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    img.paste(gradient, (0, 0), mask)

    d = ImageDraw.Draw(img)
    outline = _shield(0.5, lay["shield_top"], lay["shield_w"], lay["shield_h"])
    d.polygon([(px(x), px(y)) for x, y in outline], fill=WHITE)

    # The tick, centred in the shield's wide upper part, with round ends and joint.
    top, h, w = lay["shield_top"], lay["shield_h"], lay["shield_w"]
    tick = [(0.5 - w * 0.48, top + h * 0.46), (0.5 - w * 0.12, top + h * 0.64), (0.5 + w * 0.52, top + h * 0.28)]
    pts = [(px(x), px(y)) for x, y in tick]
    width = px(lay["tick"])
    d.line(pts, fill=TICK, width=round(width), joint="curve")
    r = width / 2
    for x, y in (pts[0], pts[-1]):
        d.ellipse((x - r, y - r, x + r, y + r), fill=TICK)

    return img.resize((size, size), Image.Resampling.LANCZOS)


def write(out_dir: Path = HERE) -> tuple[Path, Path]:
    images = {n: draw(n) for n in ICO_SIZES}
    ico = out_dir / "cadesk.ico"
    png = out_dir / "cadesk.png"
    # Each size is its own drawing (append_images), not the 256 px one scaled down by Pillow.
    largest = images[max(ICO_SIZES)]
    largest.save(ico, format="ICO", sizes=[(n, n) for n in ICO_SIZES],
                 append_images=[images[n] for n in ICO_SIZES if n != max(ICO_SIZES)])
    images[PNG_SIZE].save(png, format="PNG", optimize=True)
    return ico, png


def write_previews(out_dir: Path) -> None:
    """Every size on white and on a dark taskbar grey, plus each size enlarged 8× (nearest) to
    see the pixels."""
    out_dir.mkdir(parents=True, exist_ok=True)
    sheet_w = sum(ICO_SIZES) + 20 * (len(ICO_SIZES) + 1)
    for name, bg in (("light", (255, 255, 255)), ("dark", (32, 32, 32))):
        sheet = Image.new("RGB", (sheet_w, 256 + 40), bg)
        x = 20
        for n in ICO_SIZES:
            im = draw(n)
            sheet.paste(im, (x, 20 + 256 - n), im)
            x += n + 20
        sheet.save(out_dir / f"icon-sheet-{name}.png")
    for n in (16, 24, 32, 48):
        im = draw(n)
        flat = Image.new("RGB", im.size, (255, 255, 255))
        flat.paste(im, (0, 0), im)
        flat.resize((n * 8, n * 8), Image.Resampling.NEAREST).save(out_dir / f"icon-{n}-x8.png")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preview", type=Path, help="also write preview sheets to this folder")
    args = parser.parse_args()
    for path in write():
        print(path)
    if args.preview:
        write_previews(args.preview)
        print(args.preview)


if __name__ == "__main__":
    main()
