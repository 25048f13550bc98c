package visits

// DistanceM exposes the haversine distance to the tests.
var DistanceM = distanceM
