package importer

// invalid is why a value cannot be taken, in words the clerk who made the
// file understands. Parsers return it as their error.
type invalid string

func (e invalid) Error() string { return string(e) }
