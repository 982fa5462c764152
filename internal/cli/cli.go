// Copyright ©2026 The rgflow Authors. All rights reserved.

package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/signal"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/pflag"
	"golang.org/x/term"

	"rgflow/internal/buildinfo"
	"rgflow/internal/config"
	"rgflow/internal/h5io"
)

// Exit codes of Main.
const (
	ExitOK          = 0
	ExitFailed      = 1
	ExitUsage       = 2
	ExitInterrupted = 3
)

// ErrInterrupted is returned by Run.SafePoint when the run was asked to
// stop; an experiment returns it (possibly wrapped) to end the run there.
var ErrInterrupted = errors.New("interrupted")

// Experiment describes one experiment program.
type Experiment[T any] struct {
	Name    string // program name, e.g. "freefield"
	Summary string // one line: what the program does
	Doc     string // longer help text (paragraphs), printed by --help
	// Defaults is the configuration with every default filled in. T must
	// be a struct that embeds config.Run with `mapstructure:",squash"`.
	Defaults T
	// Run does the work. It must stop soon after ctx is cancelled,
	// returning the error of Run.SafePoint.
	Run func(ctx context.Context, r *Run, cfg T) error
	// Presets are named variants of Defaults, chosen with --preset NAME
	// (a preset called "quick" also gets the shorthand flag --quick). A
	// preset changes the defaults only: files, the environment and --set
	// still override it, and the resolved configuration stored in the file
	// holds every value, so a run is repeatable without knowing its preset.
	Presets []Preset[T]
	// Memory, if set, estimates the bytes a run with cfg holds at its
	// peak; Main refuses (exit 2) a configuration that needs more than the
	// process may use, before anything is written. Without it, a
	// configuration with lattice.dims is checked against a floor (see
	// memory.go).
	Memory func(cfg T) int64
}

// Preset is a named variant of an experiment's defaults.
type Preset[T any] struct {
	Name    string
	Summary string // one line for --help
	Apply   func(cfg *T)
}

// withPreset returns the defaults changed by the preset called name ("" for
// none), or an error listing the presets that exist.
func withPreset[T any](exp Experiment[T], name string) (T, error) {
	d := exp.Defaults
	if name == "" {
		return d, nil
	}
	var names []string
	for _, p := range exp.Presets {
		if p.Name == name {
			p.Apply(&d)
			return d, nil
		}
		names = append(names, p.Name)
	}
	if len(names) == 0 {
		return d, fmt.Errorf("invalid setting: --preset %q: %s has no presets", name, exp.Name)
	}
	return d, fmt.Errorf("invalid setting: --preset %q: allowed %s", name, strings.Join(names, ", "))
}

type options struct {
	configs      []string
	sets         []string
	out          string
	seed         uint64
	from         string
	resume       bool
	force        bool
	printConfig  bool
	quiet        bool
	logFormat    string
	plots        bool
	plotFormat   string
	ckEvery      time.Duration
	help         bool
	version      bool
	preset       string
	quick        bool
	task         int
	listTasks    bool
	cpuProfile   string
	terminalHint *bool // tests: override terminal detection
}

func (o *options) flags(name string, presets []string) *pflag.FlagSet {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SortFlags = false
	if len(presets) > 0 {
		fs.StringVar(&o.preset, "preset", "", "start from a named variant of the defaults: "+strings.Join(presets, ", "))
		for _, p := range presets {
			if p == "quick" {
				fs.BoolVar(&o.quick, "quick", false, "shorthand for --preset quick: a small run that exercises every stage in seconds")
			}
		}
	}
	fs.StringArrayVar(&o.configs, "config", nil, "read settings from this YAML (.yaml, .yml) or TOML (.toml) file; repeat to layer files")
	fs.StringArrayVar(&o.sets, "set", nil, "set one configuration key, e.g. --set lattice.dims=[32,32]; repeatable, wins over files and environment")
	fs.StringVar(&o.out, "out", "", "HDF5 file to write (shorthand for --set out=PATH)")
	fs.Uint64Var(&o.seed, "seed", 0, "run seed (shorthand for --set seed=N); 0 draws one at random and records it")
	fs.StringVar(&o.from, "from", "", "repeat a run: start from the configuration stored in this HDF5 file")
	fs.BoolVar(&o.resume, "resume", false, "continue the interrupted or killed run in the --out file from its last checkpoint")
	fs.BoolVar(&o.force, "force", false, "overwrite an existing --out file")
	o.sweepFlags(fs)
	fs.BoolVar(&o.printConfig, "print-config", false, "print the resolved configuration as YAML and exit")
	fs.BoolVarP(&o.quiet, "quiet", "q", false, "log only warnings and errors; no progress")
	fs.StringVar(&o.logFormat, "log-format", "auto", "log format: auto (short text on a terminal, slog text otherwise), text or json")
	fs.BoolVar(&o.plots, "plots", true, "write plots beside the HDF5 file, batch runs included (--plots=false: none)")
	fs.StringVar(&o.plotFormat, "plot-format", "png+svg", "formats of every plot, joined by +: png, svg, pdf, eps (e.g. png+pdf)")
	fs.DurationVar(&o.ckEvery, "checkpoint-every", 5*time.Minute, "save a checkpoint at the first safe point after this interval (it is also saved on SIGINT, SIGTERM, SIGUSR1)")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the run to this file (read it with go tool pprof)")
	fs.BoolVar(&o.version, "version", false, "print the rgflow version and source revision and exit")
	fs.BoolVarP(&o.help, "help", "h", false, "show this help and exit")
	return fs
}

// Main runs the experiment exp with the command-line arguments args (without
// the program name) and returns the process exit code. ctx may carry a
// deadline or cancellation of its own; SIGINT, SIGTERM and SIGUSR1 are
// handled here.
func Main[T any](ctx context.Context, args []string, stdout, stderr io.Writer, exp Experiment[T]) int {
	return mainWith(ctx, args, stdout, stderr, exp, nil)
}

func mainWith[T any](ctx context.Context, args []string, stdout, stderr io.Writer, exp Experiment[T], terminal *bool) (code int) {
	if _, ok := any(&exp.Defaults).(interface{ RunSettings() *config.Run }); !ok {
		panic(fmt.Sprintf("cli: configuration %T of %s does not embed config.Run", exp.Defaults, exp.Name))
	}
	o := options{terminalHint: terminal}
	usage := func(err error) int {
		fmt.Fprintf(stderr, "%s: %v\nRun '%s --help' for usage.\n", exp.Name, err, exp.Name)
		return ExitUsage
	}
	fs, defaults, code, done := parseArgs(&o, args, stdout, exp, usage)
	if done {
		return code
	}
	src, err := o.sources(fs, exp.Name)
	if err != nil {
		return usage(err)
	}
	tk, code, done := prepareTask(&o, fs, exp, &defaults, &src, stdout, stderr, usage)
	if done {
		return code
	}
	cfg, warnings, err := resolve(&o, exp, defaults, src)
	if err != nil {
		return usage(err)
	}
	rs := any(&cfg).(interface{ RunSettings() *config.Run }).RunSettings()
	if o.printConfig {
		yml, err := config.YAML(cfg)
		if err != nil {
			return usage(err)
		}
		fmt.Fprint(stdout, yml)
		return ExitOK
	}
	if rs.Seed == 0 && !o.resume {
		rs.Seed = rand.Uint64()
		if rs.Seed == 0 {
			rs.Seed = 1
		}
	}
	yml, err := config.YAML(cfg)
	if err != nil {
		return usage(err)
	}
	if err := checkOut(rs.Out, o.resume, o.force); err != nil {
		return usage(err)
	}
	if err := fitsMemory(&o, exp, defaults, src, cfg); err != nil {
		return usage(err)
	}

	isTerm := isTerminal(stderr)
	if o.terminalHint != nil {
		isTerm = *o.terminalHint
	}
	log, err := newLogger(stderr, o.logFormat, o.quiet, isTerm)
	if err != nil {
		return usage(err)
	}
	if err := checkPlotFormat(o.plotFormat); err != nil {
		return usage(err)
	}
	for _, w := range warnings {
		log.Warn(w)
	}
	if o.cpuProfile != "" {
		stopProfile, err := startCPUProfile(o.cpuProfile)
		if err != nil {
			return usage(err)
		}
		defer stopProfile()
	}
	ctx, stop := watchSignals(ctx, log)
	defer stop()

	f, err := openOut(&o, exp.Name, rs, yml, tk)
	if err != nil {
		log.Error("cannot open the output file", "err", err)
		return ExitFailed
	}
	run := &Run{
		File: f, Log: log.log, Seed: rs.Seed, Out: rs.Out, Plots: o.plots, PlotFormat: o.plotFormat, Stdout: stdout,
		term: log, ckEvery: o.ckEvery, lastCk: time.Now(),
	}
	run.restored, run.Resumed = f.Restored()
	if tk != nil {
		log.Info("sweep task", "task", tk.point.Task, "of", tk.spec.Len(), "point", tk.point.Index, "replica", tk.point.Replica, "set", strings.Join(tk.point.Overrides(), " "))
	}
	if o.resume {
		log.Info("resuming", "file", rs.Out, "checkpoint_step", run.restored.Step, "has_checkpoint", run.Resumed)
	} else {
		log.Info("starting", "experiment", exp.Name, "file", rs.Out, "seed", rs.Seed, "version", buildinfo.Version, "revision", buildinfo.Revision)
	}
	start := time.Now()
	err = protect(func() error { return exp.Run(ctx, run, cfg) })
	run.endProgress()
	return finish(f, log, err, ctx, rs.Out, time.Since(start))
}

// parseArgs parses the command line into o and checks the flags that
// exclude each other; it returns the flag set and the defaults with the
// chosen preset applied. done says that Main must return code now (help,
// version, bad usage).
func parseArgs[T any](o *options, args []string, stdout io.Writer, exp Experiment[T], usage func(error) int) (fs *pflag.FlagSet, defaults T, code int, done bool) {
	var presets []string
	for _, p := range exp.Presets {
		presets = append(presets, p.Name)
	}
	fs = o.flags(exp.Name, presets)
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			printHelp(stdout, fs, exp)
			return fs, defaults, ExitOK, true
		}
		return fs, defaults, usage(err), true
	}
	var err error
	switch {
	case o.help:
		printHelp(stdout, fs, exp)
		return fs, defaults, ExitOK, true
	case o.version:
		fmt.Fprintf(stdout, "%s (rgflow %s, revision %s)\n", exp.Name, buildinfo.Version, buildinfo.Revision)
		return fs, defaults, ExitOK, true
	case fs.NArg() > 0:
		err = fmt.Errorf("unexpected argument %q: settings are flags (--set key=value)", fs.Arg(0))
	case o.from != "" && o.resume:
		err = errors.New("--from and --resume exclude each other: --from starts a new run, --resume continues one")
	default:
		err = o.checkTaskFlags(fs)
	}
	if err == nil && o.quick {
		if o.preset != "" && o.preset != "quick" {
			err = fmt.Errorf("--quick and --preset %s exclude each other", o.preset)
		}
		o.preset = "quick"
	}
	if err == nil {
		defaults, err = withPreset(exp, o.preset)
	}
	if err != nil {
		return fs, defaults, usage(err), true
	}
	return fs, defaults, 0, false
}

// sources are the configuration sources of the command line: the --config
// files, --set, --out and --seed, and the configuration stored in the
// --from file.
func (o *options) sources(fs *pflag.FlagSet, name string) (config.Sources, error) {
	src := config.Sources{Files: o.configs, Sets: append([]string(nil), o.sets...), Sections: []string{SweepSection}}
	if fs.Changed("out") {
		src.Sets = append(src.Sets, "out="+o.out)
	}
	if fs.Changed("seed") {
		src.Sets = append(src.Sets, fmt.Sprintf("seed=%d", o.seed))
	}
	if o.from != "" {
		in, err := storedInfo(o.from, name)
		if err != nil {
			return src, fmt.Errorf("--from: %w", err)
		}
		src.Base = []byte(in.Config)
	}
	return src, nil
}

// resolve loads the configuration of the run from defaults and src, or,
// with --resume, the one stored in the output file; it returns the
// warnings of the configuration loader.
func resolve[T any](o *options, exp Experiment[T], defaults T, src config.Sources) (T, []string, error) {
	res, err := config.Load(defaults, src)
	if err != nil {
		return defaults, nil, err
	}
	cfg := res.Config
	rs := any(&cfg).(interface{ RunSettings() *config.Run }).RunSettings()
	if o.resume {
		if cfg, err = resumeConfig(exp, defaults, o.preset != "", src, rs.Out); err != nil {
			return cfg, nil, err
		}
		rs = any(&cfg).(interface{ RunSettings() *config.Run }).RunSettings()
	}
	if rs.Out == "" {
		return cfg, nil, errors.New("invalid setting: out = \"\": an output file is required (--out PATH)")
	}
	return cfg, res.Warnings, nil
}

// watchSignals returns a context that SIGINT, SIGTERM and SIGUSR1 cancel
// with a cause naming the signal (the run stops at its next safe point); a
// second signal ends the process at once with the signal's default action.
// stop releases the signals.
func watchSignals(ctx context.Context, log *logger) (_ context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGUSR1)
	finished := make(chan struct{})
	go func() {
		select {
		case s := <-sigs:
			log.Warn("signal received: stopping at the next safe point (send it again to exit at once)", "signal", s.String())
			cancel(fmt.Errorf("%w by signal %v", ErrInterrupted, s))
		case <-ctx.Done():
			return
		}
		select {
		case s := <-sigs:
			// A second signal: leave now, with the signal's default action.
			// The file keeps everything up to its last flush (status running).
			log.Error("second signal: exiting at once without a checkpoint", "signal", s.String())
			signal.Reset(s)
			if sig, ok := s.(syscall.Signal); ok {
				syscall.Kill(syscall.Getpid(), sig)
			}
		case <-finished:
		}
	}()
	return ctx, func() {
		close(finished)
		signal.Stop(sigs)
		cancel(nil)
	}
}

// openOut creates the output file, recording the configuration yml and,
// for a sweep task, its place in the sweep, or reopens it with --resume.
func openOut(o *options, name string, rs *config.Run, yml string, tk *task) (*h5io.File, error) {
	if o.resume {
		return h5io.Resume(rs.Out)
	}
	f, err := h5io.Create(rs.Out, h5io.Meta{Experiment: name, Config: yml, Seed: rs.Seed}, h5io.CreateOptions{Replace: o.force})
	if err == nil && tk != nil {
		if err = tk.writeAttrs(f); err != nil {
			f.Close()
		}
	}
	return f, err
}

// protect turns a panic in the experiment into an error carrying the stack,
// so the file is still marked failed.
func protect(fn func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	return fn()
}

// finish records how the run ended in its file, commits a forced run's
// file over the previous one when complete, closes it and returns the exit
// code.
func finish(f *h5io.File, log *logger, err error, ctx context.Context, out string, took time.Duration) int {
	code := ExitOK
	status := h5io.StatusComplete
	switch {
	case err == nil:
	case errors.Is(err, ErrInterrupted) || (errors.Is(err, context.Canceled) && ctx.Err() != nil):
		code, status = ExitInterrupted, h5io.StatusInterrupted
	default:
		code, status = ExitFailed, h5io.StatusFailed
		f.SetAttr("/", "error", err.Error())
	}
	serr := f.SetStatus(status)
	if serr == nil && status == h5io.StatusComplete {
		serr = f.Commit()
	}
	cerr := f.Close()
	switch code {
	case ExitOK:
		log.Info("complete", "file", f.Path(), "elapsed_s", round4(took.Seconds()))
	case ExitInterrupted:
		log.Warn("interrupted after a checkpoint; continue with the same command plus --resume", "file", f.Path(), "cause", context.Cause(ctx))
		if f.Path() != out {
			log.Warn("the forced run keeps its file beside the previous one, which it replaces only when complete", "partial", f.Path(), "file", out)
		}
	default:
		log.Error("run failed", "err", err, "file", f.Path())
		if f.Path() != out {
			log.Error("the previous file is left as it was", "file", out)
		}
	}
	if serr != nil || cerr != nil {
		log.Error("could not finalise the output file", "err", errors.Join(serr, cerr))
		return ExitFailed
	}
	return code
}

// storedInfo reads the root of the run file path, which the experiment
// called name must have written.
func storedInfo(path, name string) (h5io.Info, error) {
	f, err := h5io.Open(path)
	if err != nil {
		return h5io.Info{}, err
	}
	defer f.Close()
	in, err := f.Info()
	if err != nil {
		return in, err
	}
	if in.Experiment != name {
		return in, fmt.Errorf("%s was written by %s, not by %s (run %s with it)", path, in.Experiment, name, in.Experiment)
	}
	return in, nil
}

// resumeConfig returns the configuration stored in the file to resume, after
// checking that the command line asks for the same one. A command with a
// preset is the command that started the run: its configuration (the
// preset, files, environment, --set) must be the stored one, except a seed
// it leaves at 0 (drawn at random then). A command without one fills what
// it does not set from the stored configuration. The file is the one given
// by out, wherever the run had it (--out is not compared): the configuration
// returned has out = out.
func resumeConfig[T any](exp Experiment[T], defaults T, preset bool, src config.Sources, out string) (T, error) {
	var zero T
	if out == "" {
		return zero, errors.New("--resume: no output file given (--out PATH)")
	}
	in, err := storedInfo(h5io.ResumePath(out), exp.Name)
	if err != nil {
		return zero, fmt.Errorf("--resume: %w", err)
	}
	if in.Status == h5io.StatusComplete {
		return zero, fmt.Errorf("--resume: %s is already complete: nothing to continue", out)
	}
	stored, err := config.Load(exp.Defaults, config.Sources{Base: []byte(in.Config), Environ: []string{}})
	if err != nil {
		return zero, fmt.Errorf("--resume: the configuration stored in %s: %w", out, err)
	}
	if !preset {
		src.Base = []byte(in.Config)
	}
	asked, err := config.Load(defaults, src)
	if err != nil {
		return zero, err
	}
	srs := any(&stored.Config).(interface{ RunSettings() *config.Run }).RunSettings()
	ars := any(&asked.Config).(interface{ RunSettings() *config.Run }).RunSettings()
	if ars.Seed == 0 {
		ars.Seed = srs.Seed
	}
	ars.Out, srs.Out = out, out
	if diff := diffConfig(stored.Config, asked.Config); diff != "" {
		return zero, fmt.Errorf("--resume: the command asks for a different configuration than the run stored in %s:%s\n(resume with the original settings, or start a new run with another --out)", out, diff)
	}
	return stored.Config, nil
}

func diffConfig[T any](a, b T) string {
	ka, kb := config.Keys(a), config.Keys(b)
	var s strings.Builder
	for i := range ka {
		if !reflect.DeepEqual(ka[i].Default, kb[i].Default) {
			fmt.Fprintf(&s, "\n  %s: stored %v, now %v", ka[i].Name, ka[i].Default, kb[i].Default)
		}
	}
	return s.String()
}

// checkOut checks that the output file can be written: its directory can be
// created, and it does not exist unless resuming or forced.
func checkOut(out string, resume, force bool) error {
	dir := filepath.Dir(out)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("invalid setting: out = %q: cannot create its directory: %v", out, err)
	}
	st, err := os.Stat(out)
	if resume {
		st, err = os.Stat(h5io.ResumePath(out))
	}
	switch {
	case err == nil && st.IsDir():
		return fmt.Errorf("invalid setting: out = %q: is a directory; give a file name such as %s", out, filepath.Join(out, "run.h5"))
	case err == nil && !resume && !force:
		return fmt.Errorf("invalid setting: out = %q: the file exists (continue it with --resume, overwrite it with --force, or choose another --out)", out)
	case err != nil && resume:
		return fmt.Errorf("--resume: %v", err)
	}
	if !resume {
		probe, err := os.CreateTemp(dir, ".rgflow-probe-*")
		if err != nil {
			return fmt.Errorf("invalid setting: out = %q: cannot write in %s: %v", out, dir, err)
		}
		probe.Close()
		os.Remove(probe.Name())
	}
	return nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func printHelp[T any](w io.Writer, fs *pflag.FlagSet, exp Experiment[T]) {
	fmt.Fprintf(w, "%s — %s\n\nUsage:\n  %s [flags]\n\n", exp.Name, exp.Summary, exp.Name)
	if exp.Doc != "" {
		fmt.Fprintf(w, "%s\n\n", strings.TrimSpace(exp.Doc))
	}
	fmt.Fprintf(w, "Flags:\n%s\n", fs.FlagUsagesWrapped(100))
	if len(exp.Presets) > 0 {
		fmt.Fprintf(w, "Presets (--preset NAME; they change defaults, which files, environment and --set override):\n")
		for _, p := range exp.Presets {
			fmt.Fprintf(w, "  %-12s %s\n", p.Name, p.Summary)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "Configuration keys, with their defaults. Set them in a --config file, in the\n"+
		"environment as %s_<KEY> (dots become underscores), or with --set key=value:\n", config.EnvPrefix)
	keys := config.Keys(exp.Defaults)
	width := 0
	for _, k := range keys {
		width = max(width, len(k.Name))
	}
	for _, k := range keys {
		def := fmt.Sprintf("%v", k.Default)
		if s, ok := k.Default.(string); ok {
			def = fmt.Sprintf("%q", s)
		}
		fmt.Fprintf(w, "  %-*s  %s (default %s)\n", width, k.Name, k.Help, def)
	}
	fmt.Fprintf(w, "\nExit status: 0 done; 1 run failed; 2 bad usage or configuration; 3 interrupted\n"+
		"(SIGINT, SIGTERM, SIGUSR1) after a checkpoint: rerun the same command with --resume.\n"+
		"See docs/cli.md, sections \"Command line\" and \"Configuration\".\n")
}

// MainTerminal is Main as if stderr were a terminal (progress bars, plots
// on by default), for tests and for callers that render to a terminal
// emulator of their own.
func MainTerminal[T any](ctx context.Context, args []string, stdout, stderr io.Writer, exp Experiment[T]) int {
	yes := true
	return mainWith(ctx, args, stdout, stderr, exp, &yes)
}

// startCPUProfile starts the --cpuprofile profile; the function it returns
// stops it and closes the file.
func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("--cpuprofile %s: %w", path, err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
