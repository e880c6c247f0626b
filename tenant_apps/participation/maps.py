"""A map drawn on the server as SVG: district outlines and located contributions.

No tile server and no JavaScript: it works offline, with a keyboard and without scripts, and every
point is also a link in the list next to it (the map is never the only way to reach a contribution).
"""

import math
from dataclasses import dataclass

WIDTH = 800
PADDING = 20


@dataclass(frozen=True)
class MapPoint:
    # Strings: a float in a template would be localised ("285,1" in French), which SVG refuses.
    x: str
    y: str
    label: str
    url: str
    number: int


def _rings(geometry):
    if not geometry:
        return []
    if geometry.get("type") == "Polygon":
        return [geometry["coordinates"][0]]
    if geometry.get("type") == "MultiPolygon":
        return [polygon[0] for polygon in geometry["coordinates"]]
    return []


def map_build(*, contributions, districts) -> dict | None:
    """Projected outlines and points fitting an 800-wide SVG, or None when nothing has a location."""
    located = [c for c in contributions if c.has_location]
    if not located:
        return None
    lons = [float(c.longitude) for c in located]
    lats = [float(c.latitude) for c in located]
    outlines = [(d, ring) for d in districts for ring in _rings(d.outline)]
    for _district, ring in outlines:
        lons += [p[0] for p in ring]
        lats += [p[1] for p in ring]
    min_lon, max_lon, min_lat, max_lat = min(lons), max(lons), min(lats), max(lats)
    # Equirectangular projection corrected by the cosine of the mean latitude: true enough for a city.
    k = math.cos(math.radians((min_lat + max_lat) / 2))
    span_x = max((max_lon - min_lon) * k, 1e-4)
    span_y = max(max_lat - min_lat, 1e-4)
    scale = (WIDTH - 2 * PADDING) / max(span_x, span_y)
    height = span_y * scale + 2 * PADDING
    width = span_x * scale + 2 * PADDING

    def project(lon, lat):
        return (round(PADDING + (lon - min_lon) * k * scale, 1), round(PADDING + (max_lat - lat) * scale, 1))

    shapes = []
    for district, ring in outlines:
        projected = [project(p[0], p[1]) for p in ring]
        points = " ".join(f"{x},{y}" for x, y in projected)
        centre_x = round(sum(x for x, _y in projected[:-1]) / max(len(projected) - 1, 1), 1)
        centre_y = round(sum(y for _x, y in projected[:-1]) / max(len(projected) - 1, 1), 1)
        shapes.append({"name": district.name, "points": points, "label_x": f"{centre_x}", "label_y": f"{centre_y}"})
    points = []
    for number, contribution in enumerate(located, start=1):
        x, y = project(float(contribution.longitude), float(contribution.latitude))
        points.append(MapPoint(f"{x}", f"{y}", contribution.title, contribution.get_absolute_url(), number))
    return {"width": f"{round(width)}", "height": f"{round(height)}", "shapes": shapes, "points": points}
