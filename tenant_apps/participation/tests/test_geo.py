"""District outlines: GeoJSON checked on input; the district of a point found without GIS (no database)."""

import json

import pytest

from shared_apps.core.errors import Invalid
from tenant_apps.participation.geo import geojson_features_parse, geometry_clean, geometry_contains


def square(west, south, east, north):
    return [[west, south], [east, south], [east, north], [west, north], [west, south]]


# Around Paris: [longitude, latitude], as GeoJSON orders them.
CENTRE = {"type": "Polygon", "coordinates": [square(2.30, 48.80, 2.40, 48.90)]}
WITH_HOLE = {"type": "Polygon", "coordinates": [square(2.30, 48.80, 2.40, 48.90), square(2.34, 48.84, 2.36, 48.86)]}
ISLANDS = {"type": "MultiPolygon", "coordinates": [[square(2.30, 48.80, 2.31, 48.81)],
                                                   [square(2.50, 48.90, 2.51, 48.91)]]}


def test_a_point_inside_a_polygon():
    assert geometry_contains(CENTRE, latitude=48.85, longitude=2.35)
    assert not geometry_contains(CENTRE, latitude=48.95, longitude=2.35)
    # Latitude and longitude are not swapped: (2.35, 48.85) read the wrong way round is far away.
    assert not geometry_contains(CENTRE, latitude=2.35, longitude=48.85)


def test_a_point_in_the_hole_of_a_polygon_is_outside():
    assert not geometry_contains(WITH_HOLE, latitude=48.85, longitude=2.35)
    assert geometry_contains(WITH_HOLE, latitude=48.82, longitude=2.32)


def test_a_point_in_any_part_of_a_multipolygon():
    assert geometry_contains(ISLANDS, latitude=48.805, longitude=2.305)
    assert geometry_contains(ISLANDS, latitude=48.905, longitude=2.505)
    assert not geometry_contains(ISLANDS, latitude=48.85, longitude=2.40)


def test_a_concave_outline():
    # An L shape: the notch at the top right is outside.
    l_shape = {"type": "Polygon", "coordinates": [[[0, 0], [2, 0], [2, 1], [1, 1], [1, 2], [0, 2], [0, 0]]]}
    assert geometry_contains(l_shape, latitude=1.5, longitude=0.5)
    assert not geometry_contains(l_shape, latitude=1.5, longitude=1.5)


def test_no_outline_contains_nothing():
    assert not geometry_contains(None, latitude=48.85, longitude=2.35)
    assert not geometry_contains({"type": "Point", "coordinates": [2.35, 48.85]}, latitude=48.85, longitude=2.35)


def test_valid_outlines_are_kept_as_given():
    assert geometry_clean(dict(WITH_HOLE, properties={"x": 1})) == WITH_HOLE
    assert geometry_clean(ISLANDS) == ISLANDS


@pytest.mark.parametrize(("geometry", "code"), [
    ({"type": "Point", "coordinates": [2.35, 48.85]}, "geometry_type"),
    ("Polygon", "geometry_type"),
    (None, "geometry_type"),
    ({"type": "Polygon", "coordinates": [square(2.30, 48.80, 200, 48.90)]}, "geometry_coordinates"),  # lon > 180
    ({"type": "Polygon", "coordinates": [square(2.30, -95, 2.40, 48.90)]}, "geometry_coordinates"),  # lat < -90
    ({"type": "Polygon", "coordinates": [[[2.3, 48.8], [2.4, 48.8], [2.3, 48.8]]]}, "geometry_coordinates"),
    ({"type": "Polygon", "coordinates": [[["2.3", 48.8], [2.4, 48.8], [2.4, 48.9], ["2.3", 48.8]]]},
     "geometry_coordinates"),
    ({"type": "Polygon", "coordinates": [[[True, 48.8], [2.4, 48.8], [2.4, 48.9], [True, 48.8]]]},
     "geometry_coordinates"),
    ({"type": "Polygon", "coordinates": []}, "geometry_coordinates"),
    ({"type": "MultiPolygon", "coordinates": []}, "geometry_coordinates"),
    ({"type": "MultiPolygon", "coordinates": [square(2.30, 48.80, 2.40, 48.90)]}, "geometry_coordinates"),
    ({"type": "Polygon", "coordinates": [square(float("nan"), 48.80, 2.40, 48.90)]}, "geometry_coordinates"),
])
def test_invalid_outlines_are_refused_with_the_reason(geometry, code):
    with pytest.raises(Invalid) as refused:
        geometry_clean(geometry)
    assert refused.value.code == code and refused.value.message


def _collection(*features):
    return {"type": "FeatureCollection", "features": list(features)}


def test_a_feature_collection_gives_names_and_outlines():
    raw = json.dumps(_collection(
        {"type": "Feature", "properties": {"nom": " Centre "}, "geometry": CENTRE},
        {"type": "Feature", "properties": {"name": "Les Îles"}, "geometry": ISLANDS},
    ))
    assert geojson_features_parse(raw) == [("Centre", CENTRE), ("Les Îles", ISLANDS)]
    assert geojson_features_parse(raw.encode()) == [("Centre", CENTRE), ("Les Îles", ISLANDS)]
    custom = _collection({"properties": {"libelle": "Gare", "nom": "ignoré"}, "geometry": CENTRE})
    assert geojson_features_parse(custom, name_property="libelle") == [("Gare", CENTRE)]


@pytest.mark.parametrize(("raw", "code"), [
    ("{not json", "geojson_syntax"),
    (b"\xff\xfe", "geojson_syntax"),
    (json.dumps({"type": "Feature", "properties": {"nom": "A"}, "geometry": CENTRE}), "geojson_type"),
    (json.dumps([1, 2]), "geojson_type"),
    (json.dumps({"type": "FeatureCollection", "features": {}}), "geojson_type"),
    (json.dumps(_collection({"properties": {"nom": "A"}, "geometry": CENTRE}, {"properties": {}, "geometry": CENTRE})),
     "geojson_name"),
    (json.dumps(_collection({"properties": {"nom": "A"}, "geometry": {"type": "Point", "coordinates": [0, 0]}})),
     "geometry_type"),
    (json.dumps(_collection("not a feature")), "geojson_feature"),
    (json.dumps(_collection({"properties": ["nom", "A"], "geometry": CENTRE})), "geojson_name"),
])
def test_a_bad_geojson_file_is_refused_with_a_clear_message(raw, code):
    with pytest.raises(Invalid) as refused:
        geojson_features_parse(raw)
    assert refused.value.code == code and refused.value.message


def test_the_message_names_the_feature_without_a_name():
    raw = _collection({"properties": {"nom": "A"}, "geometry": CENTRE},
                      {"properties": {"nom": " "}, "geometry": CENTRE})
    with pytest.raises(Invalid) as refused:
        geojson_features_parse(raw)
    assert "2" in refused.value.message
