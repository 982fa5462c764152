// Copyright ©2026 The rgflow Authors. All rights reserved.

package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"strings"
	"sync"
	"time"
)

// logger is the run's slog.Logger plus the terminal state it shares with
// progress bars: on a terminal, a log line first clears the bar and then
// redraws it, so the two never garble each other.
type logger struct {
	log   *slog.Logger
	w     io.Writer
	term  bool
	quiet bool

	mu  sync.Mutex
	bar string // the bar currently drawn (terminal only)
}

func newLogger(w io.Writer, format string, quiet, term bool) (*logger, error) {
	l := &logger{w: w, term: term, quiet: quiet}
	level := slog.LevelInfo
	if quiet {
		level = slog.LevelWarn
	}
	out := io.Writer(w)
	if term {
		out = barWriter{l}
	}
	opts := &slog.HandlerOptions{Level: level}
	switch format {
	case "json":
		l.log = slog.New(slog.NewJSONHandler(out, opts))
	case "text":
		l.log = slog.New(slog.NewTextHandler(out, opts))
	case "auto", "":
		if term {
			opts.ReplaceAttr = func(groups []string, a slog.Attr) slog.Attr {
				if a.Key == slog.TimeKey && len(groups) == 0 {
					return slog.String(slog.TimeKey, a.Value.Time().Format("15:04:05"))
				}
				return a
			}
		}
		l.log = slog.New(slog.NewTextHandler(out, opts))
	default:
		return nil, fmt.Errorf("invalid flag: --log-format %q: allowed auto, text, json", format)
	}
	return l, nil
}

func (l *logger) Info(msg string, args ...any)  { l.log.Info(msg, args...) }
func (l *logger) Warn(msg string, args ...any)  { l.log.Warn(msg, args...) }
func (l *logger) Error(msg string, args ...any) { l.log.Error(msg, args...) }

type barWriter struct{ l *logger }

func (b barWriter) Write(p []byte) (int, error) {
	b.l.mu.Lock()
	defer b.l.mu.Unlock()
	if b.l.bar != "" {
		io.WriteString(b.l.w, "\r\x1b[K")
	}
	n, err := b.l.w.Write(p)
	if b.l.bar != "" {
		io.WriteString(b.l.w, b.l.bar)
	}
	return n, err
}

func (l *logger) draw(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.bar = s
	io.WriteString(l.w, "\r\x1b[K"+s)
}

func (l *logger) clearBar(final string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.bar = ""
	io.WriteString(l.w, "\r\x1b[K"+final+"\n")
}

// Progress reports the advance of one stage. It is safe for concurrent use.
type Progress struct {
	log   *logger
	stage string
	total int64
	unit  string

	mu        sync.Mutex
	start     time.Time
	first     int64 // steps already done when the stage (re)started
	started   bool
	done      int64
	attrs     []any
	lastDraw  time.Time
	lastLog   time.Time
	lastLogAt int64
	finished  bool
}

// Update sets the number of steps done and the figures worth reporting
// with it (slog key-value pairs such as "acceptance", 0.71). The first
// Update of a resumed stage sets where it starts, so rates count only the
// work of this process.
func (p *Progress) Update(done int64, attrs ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.started {
		p.started, p.first, p.start = true, done, time.Now()
	}
	p.done = done
	if len(attrs) > 0 {
		p.attrs = attrs
	}
	p.report(false)
}

// Add advances the stage by n steps.
func (p *Progress) Add(n int64, attrs ...any) {
	p.mu.Lock()
	d := p.done + n
	p.mu.Unlock()
	p.Update(d, attrs...)
}

// Done ends the stage (Main ends any left open).
func (p *Progress) Done(attrs ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(attrs) > 0 {
		p.attrs = attrs
	}
	p.finish()
}

func (p *Progress) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.finish()
}

func (p *Progress) finish() {
	if p.finished {
		return
	}
	p.finished = true
	if p.log.quiet {
		return
	}
	if p.log.term {
		p.log.clearBar(p.line(time.Now()))
		return
	}
	p.logRecord("progress", time.Now())
}

// rate returns steps per second of this process and the ETA.
func (p *Progress) rate(now time.Time) (float64, time.Duration) {
	el := now.Sub(p.start).Seconds()
	if el <= 0 || p.done <= p.first {
		return 0, -1
	}
	r := float64(p.done-p.first) / el
	if p.total <= 0 {
		return r, -1
	}
	eta := time.Duration(float64(p.total-p.done) / r * float64(time.Second))
	return r, eta
}

func (p *Progress) report(force bool) {
	if p.log.quiet || p.finished {
		return
	}
	now := time.Now()
	if p.log.term {
		if force || now.Sub(p.lastDraw) >= 100*time.Millisecond || p.done == p.total {
			p.lastDraw = now
			p.log.draw(p.line(now))
		}
		return
	}
	tenth := p.total / 10
	if tenth < 1 {
		tenth = 1
	}
	if force || p.lastLog.IsZero() || p.done-p.lastLogAt >= tenth || now.Sub(p.lastLog) >= time.Minute {
		p.lastLog, p.lastLogAt = now, p.done
		p.logRecord("progress", now)
	}
}

// logRecord logs a progress record. Its figures are numbers with the unit
// in the key (rate_per_s: steps of unit per second; eta_s, elapsed_s:
// seconds), so that a JSON reader needs no parsing. The last record of a
// bar has final = true and elapsed_s instead of eta_s; the completion of a
// stage of the run ("stage done") is logged by whatever runs the stages,
// once, not by its progress bars.
func (p *Progress) logRecord(msg string, now time.Time) {
	r, eta := p.rate(now)
	args := []any{"stage", p.stage, "step", p.done, "total", p.total, "unit", p.unit, "rate_per_s", round4(r)}
	switch {
	case p.finished:
		args = append(args, "final", true, "elapsed_s", round4(now.Sub(p.start).Seconds()))
	case eta >= 0:
		args = append(args, "eta_s", math.Round(eta.Seconds()))
	}
	p.log.log.Log(context.Background(), slog.LevelInfo, msg, append(args, p.attrs...)...)
}

// line renders the terminal bar: stage, bar, count, rate, ETA and figures.
func (p *Progress) line(now time.Time) string {
	const width = 24
	frac := 0.0
	if p.total > 0 {
		frac = math.Min(1, float64(p.done)/float64(p.total))
	}
	full := int(frac * width)
	bar := strings.Repeat("█", full) + strings.Repeat("░", width-full)
	r, eta := p.rate(now)
	s := fmt.Sprintf("%-10s %s %d/%d  %s %s/s", p.stage, bar, p.done, p.total, human(r), p.unit)
	if p.finished || p.done >= p.total {
		s += fmt.Sprintf("  %s", now.Sub(p.start).Round(100*time.Millisecond))
	} else if eta >= 0 {
		s += fmt.Sprintf("  ETA %s", eta.Round(time.Second))
	}
	for i := 0; i+1 < len(p.attrs); i += 2 {
		switch v := p.attrs[i+1].(type) {
		case float64:
			s += fmt.Sprintf("  %v=%.4g", p.attrs[i], v)
		default:
			s += fmt.Sprintf("  %v=%v", p.attrs[i], v)
		}
	}
	return s
}

// round4 rounds x to 4 significant digits.
func round4(x float64) float64 {
	if x == 0 || math.IsInf(x, 0) || math.IsNaN(x) {
		return x
	}
	e := math.Pow(10, 3-math.Floor(math.Log10(math.Abs(x))))
	return math.Round(x*e) / e
}

func human(x float64) string {
	switch {
	case x >= 1e6:
		return fmt.Sprintf("%.3gM", x/1e6)
	case x >= 1e3:
		return fmt.Sprintf("%.3gk", x/1e3)
	}
	return fmt.Sprintf("%.3g", x)
}
