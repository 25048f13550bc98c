package visits

import (
	"math"

	"github.com/xiangbang/xiangbang/model"
)

// earthRadiusM is the mean Earth radius; at village distances the sphere is
// accurate to well under a metre.
const earthRadiusM = 6371008.8

// distanceM is the great-circle (haversine) distance in metres.
func distanceM(lat1, lng1, lat2, lng2 float64) float64 {
	rad := math.Pi / 180
	dLat := (lat2 - lat1) * rad
	dLng := (lng2 - lng1) * rad
	a := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLng/2)*math.Sin(dLng/2)
	return 2 * earthRadiusM * math.Asin(math.Min(1, math.Sqrt(a)))
}

// locate judges where a visit was recorded against the household's
// registered location. A phone with no fix often reports 0,0: that counts
// as missing, not as a visit in the Gulf of Guinea.
func locate(h model.Household, lat, lng *float64, farMetres int) (flag string, dist *float64) {
	switch {
	case lat == nil || lng == nil || (*lat == 0 && *lng == 0):
		return model.LocationMissing, nil
	case h.Latitude == nil || h.Longitude == nil:
		return model.LocationUnknown, nil
	}
	d := math.Round(distanceM(*lat, *lng, *h.Latitude, *h.Longitude))
	if d > float64(farMetres) {
		return model.LocationFar, &d
	}
	return model.LocationOK, &d
}
