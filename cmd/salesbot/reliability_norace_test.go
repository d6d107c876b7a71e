//go:build !race

package main

// relRace: the test binary has no race detector.
const relRace = false
