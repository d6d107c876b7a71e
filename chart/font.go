package chart

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/golang/freetype/truetype"
	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"
)

// Renderer draws charts with one CJK font. It holds no mutable state: a single
// Renderer may be used from many goroutines at once.
type Renderer struct {
	font     *truetype.Font
	fontPath string
}

// FontPath is the file the Renderer's font was loaded from.
func (r *Renderer) FontPath() string { return r.fontPath }

// maxFontBytes bounds how much of a font file is read.
const maxFontBytes = 64 << 20

// SystemFontPaths lists, in search order, the font files NewRenderer tries when no
// path is given. Only TrueType-outline fonts are useful (the rasteriser cannot read
// CFF/OpenType-PostScript outlines, which rules out Noto Sans CJK .ttc/.otf and
// PingFang); for a .ttc collection the first face is used.
func SystemFontPaths() []string {
	paths := []string{
		// WenQuanYi Micro Hei: Debian/Ubuntu fonts-wqy-microhei (what CI installs),
		// Fedora wqy-microhei-fonts, Arch wqy-microhei.
		"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
		"/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
		"/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc",
		// WenQuanYi Zen Hei: Debian/Ubuntu fonts-wqy-zenhei, Fedora, Alpine, Arch.
		"/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
		"/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
		"/usr/share/fonts/wenquanyi/wqy-zenhei/wqy-zenhei.ttc",
		// Droid Sans Fallback Full has Latin digits (plain DroidSansFallback.ttf does not).
		"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
		// macOS: TrueType-outline CJK fonts (PingFang and Hiragino are CFF).
		"/System/Library/Fonts/STHeiti Medium.ttc",
		"/System/Library/Fonts/STHeiti Light.ttc",
		"/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
		"/Library/Fonts/Arial Unicode.ttf",
	}
	if runtime.GOOS == "windows" {
		dir := os.Getenv("WINDIR")
		if dir == "" {
			dir = `C:\Windows`
		}
		for _, name := range []string{"msyh.ttc", "msyh.ttf", "simhei.ttf", "simsun.ttc"} {
			paths = append(paths, filepath.Join(dir, "Fonts", name))
		}
	}
	return paths
}

// NewRenderer loads the CJK font for charts. With a non-empty fontPath that file must
// be usable; otherwise SystemFontPaths are tried in order and the first usable one
// wins. A font is usable when it is TrueType (a .ttc uses its first face) and has
// glyphs for Chinese characters, Latin letters and digits.
//
// When nothing usable is found the error wraps ErrNoCJKFont; callers then send the
// numbers as text.
func NewRenderer(fontPath string) (*Renderer, error) {
	if fontPath != "" {
		f, err := loadFont(fontPath)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrNoCJKFont, fontPath, err)
		}
		return &Renderer{font: f, fontPath: fontPath}, nil
	}
	for _, p := range SystemFontPaths() {
		f, err := loadFont(p)
		if err != nil {
			continue // missing or unusable: try the next one
		}
		return &Renderer{font: f, fontPath: p}, nil
	}
	return nil, fmt.Errorf("%w (tried %s; install fonts-wqy-microhei or pass a font path)",
		ErrNoCJKFont, strings.Join(SystemFontPaths(), ", "))
}

// loadFont reads, parses and checks one font file.
func loadFont(path string) (*truetype.Font, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, maxFontBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxFontBytes {
		return nil, fmt.Errorf("larger than %d MiB", maxFontBytes>>20)
	}
	if len(data) >= 4 && string(data[:4]) == "OTTO" {
		return nil, errors.New("CFF (OpenType PostScript) outlines are not supported; use a TrueType font")
	}
	f, err := truetype.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("not a usable TrueType font (CFF-based .otf/.ttc are not supported): %w", err)
	}
	if err := checkGlyphs(f); err != nil {
		return nil, err
	}
	return f, nil
}

// checkGlyphs makes sure the font can draw what charts need.
func checkGlyphs(f *truetype.Font) error {
	var buf truetype.GlyphBuf
	for _, r := range "中文销售额0123456789AZaz%,." {
		idx := f.Index(r)
		if idx == 0 {
			return fmt.Errorf("font has no glyph for %q", r)
		}
		if err := buf.Load(f, fixed.I(12), idx, font.HintingNone); err != nil {
			return fmt.Errorf("cannot load glyph for %q: %w", r, err)
		}
		if r == '中' && len(buf.Points) == 0 {
			return errors.New("font has an empty glyph for '中' (unsupported outline format)")
		}
	}
	return nil
}
