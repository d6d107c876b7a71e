package demo

// IndustryWords lists every industry word names may end in.
func IndustryWords() []string {
	var out []string
	for _, in := range industries {
		out = append(out, in.words...)
	}
	return out
}
