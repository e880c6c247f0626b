"""District outlines (GeoJSON) and the district of a point, without a GIS extension.

Outlines are a handful of polygons per city: a ray-casting test in Python is exact enough and keeps
PostgreSQL free of PostGIS. Coordinates follow GeoJSON: [longitude, latitude].
"""

import json

from django.utils.translation import gettext as _

from shared_apps.core.errors import Invalid

MAX_GEOJSON_BYTES = 5 * 1024 * 1024


def _ring_contains(ring, x: float, y: float) -> bool:
    inside = False
    n = len(ring)
    for i in range(n):
        x1, y1 = ring[i][0], ring[i][1]
        x2, y2 = ring[(i + 1) % n][0], ring[(i + 1) % n][1]
        if (y1 > y) != (y2 > y):
            x_cross = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if x < x_cross:
                inside = not inside
    return inside


def _polygon_contains(rings, x: float, y: float) -> bool:
    # The first ring is the outline, the others are holes.
    return bool(rings) and _ring_contains(rings[0], x, y) and not any(_ring_contains(h, x, y) for h in rings[1:])


def geometry_contains(geometry: dict | None, *, latitude: float, longitude: float) -> bool:
    if not geometry:
        return False
    x, y = float(longitude), float(latitude)
    if geometry.get("type") == "Polygon":
        return _polygon_contains(geometry["coordinates"], x, y)
    if geometry.get("type") == "MultiPolygon":
        return any(_polygon_contains(polygon, x, y) for polygon in geometry["coordinates"])
    return False


def _valid_position(position) -> bool:
    return (isinstance(position, list | tuple) and len(position) >= 2
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in position[:2])
            and -180 <= position[0] <= 180 and -90 <= position[1] <= 90)


def _valid_polygon(rings) -> bool:
    return (isinstance(rings, list) and len(rings) >= 1
            and all(isinstance(r, list) and len(r) >= 4 and all(_valid_position(p) for p in r) for r in rings))


def geometry_clean(geometry) -> dict:
    """A Polygon or MultiPolygon with valid positions, or Invalid with the reason."""
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        raise Invalid("geometry_type", _("A district outline must be a Polygon or a MultiPolygon."))
    coordinates = geometry.get("coordinates")
    ok = (_valid_polygon(coordinates) if geometry["type"] == "Polygon"
          else isinstance(coordinates, list) and bool(coordinates) and all(_valid_polygon(p) for p in coordinates))
    if not ok:
        raise Invalid("geometry_coordinates",
                      _("The outline's coordinates are not valid (longitude, latitude; closed rings)."))
    return {"type": geometry["type"], "coordinates": coordinates}


def geojson_features_parse(raw: str | bytes | dict, *, name_property: str = "nom") -> list[tuple[str, dict]]:
    """(name, geometry) for each feature of a GeoJSON FeatureCollection (name from `name_property` or "name")."""
    if isinstance(raw, bytes | str):
        if len(raw) > MAX_GEOJSON_BYTES:
            raise Invalid("geojson_too_large", _("The file is too large (5 MB at most)."))
        try:
            raw = json.loads(raw)
        except ValueError:
            raise Invalid("geojson_syntax", _("The file is not valid GeoJSON.")) from None
    if not isinstance(raw, dict) or raw.get("type") != "FeatureCollection" or not isinstance(raw.get("features"), list):
        raise Invalid("geojson_type", _("The file must be a GeoJSON FeatureCollection."))
    result = []
    for index, feature in enumerate(raw["features"], start=1):
        if not isinstance(feature, dict):
            raise Invalid("geojson_feature", _("Feature %(n)s is not a GeoJSON Feature.") % {"n": index})
        properties = feature.get("properties")
        properties = properties if isinstance(properties, dict) else {}
        name = str(properties.get(name_property) or properties.get("name") or "").strip()
        if not name:
            raise Invalid("geojson_name", _("Feature %(n)s has no name.") % {"n": index})
        result.append((name[:120], geometry_clean(feature.get("geometry"))))
    return result
