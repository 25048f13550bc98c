package importer

import "fmt"

// Check reads a whole file of the kind and hands each rejection to emit: a
// dry run that needs no knowledge of the record types. A HeaderError or
// FileError means the file as a whole cannot be read.
func Check(kind Kind, src Source, opts Options, emit func(Rejection) error) (Stats, error) {
	switch kind {
	case KindRegions:
		return drain(NewRegionDecoder(src, opts))(emit)
	case KindHouseholds:
		return drain(NewHouseholdDecoder(src, opts))(emit)
	case KindMembers:
		return drain(NewMemberDecoder(src, opts))(emit)
	case KindPayments:
		return drain(NewPaymentDecoder(src, opts))(emit)
	case KindJobs:
		return drain(NewJobDecoder(src, opts))(emit)
	case KindCadres:
		return drain(NewCadreDecoder(src, opts))(emit)
	case KindPairings:
		return drain(NewPairingDecoder(src, opts))(emit)
	}
	return Stats{}, fmt.Errorf("importer: unknown kind %q", kind)
}

func drain[T any](d *Decoder[T], err error) func(func(Rejection) error) (Stats, error) {
	return func(emit func(Rejection) error) (Stats, error) {
		if err != nil {
			return Stats{}, err
		}
		for d.Next() {
			_, rej := d.Record()
			for _, r := range rej {
				if err := emit(r); err != nil {
					return d.Stats(), err
				}
			}
		}
		return d.Stats(), d.Err()
	}
}
