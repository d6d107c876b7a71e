//go:build race

package main

// relRace: the test binary has the race detector, so the binary the
// subprocess tests build has it too (and reuses the compiled packages).
const relRace = true
