package conversation

import (
	"fmt"
	"strings"
)

// Languages salesbot speaks.
const (
	LangZH = "zh"
	LangEN = "en"
)

// NormalizeLang maps a platform language code ("zh-hans", "en-US") to zh or
// en, falling back to def.
func NormalizeLang(code, def string) string {
	c := strings.ToLower(strings.TrimSpace(code))
	switch {
	case strings.HasPrefix(c, "zh"):
		return LangZH
	case strings.HasPrefix(c, "en"):
		return LangEN
	}
	if def == LangEN {
		return LangEN
	}
	return LangZH
}

// T returns the catalogue text for key in lang, formatted with args.
// An unknown key returns the key itself (a test keeps every key used in the
// code present in both languages).
func T(lang, key string, args ...any) string {
	e, ok := catalogue[key]
	if !ok {
		return key
	}
	s := e.zh
	if lang == LangEN {
		s = e.en
		if one, ok := singular[key]; ok && firstInt(args) == 1 {
			s = one
		}
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// firstInt is the first integer argument (-1 when there is none): the
// count an English text agrees with.
func firstInt(args []any) int64 {
	for _, a := range args {
		switch v := a.(type) {
		case int:
			return int64(v)
		case int64:
			return v
		}
	}
	return -1
}

// HasKey reports whether the catalogue has key.
func HasKey(key string) bool { _, ok := catalogue[key]; return ok }

type entry struct{ zh, en string }
