"""Reads a phi4 HDF5 file the way an analyst would (h5py + numpy) and checks
the layout of docs/hdf5-schema.md, the dimension scales, both
parametrisations of the couplings, and the stored statistics against values
recomputed from the stored fields. Usage: check_h5py.py FILE. Exits non-zero
on failure."""
import sys

import h5py
import numpy as np


def config_list(text, section, key):
    """The list of numbers at section.key of the stored YAML configuration
    (flow or block style), without a YAML library."""
    lines = text.splitlines()
    inside = False
    for i, line in enumerate(lines):
        if not line.startswith(" "):
            inside = line.rstrip() == section + ":"
            continue
        if inside and line.strip().startswith(key + ":"):
            rest = line.split(":", 1)[1].strip()
            if rest.startswith("["):
                return [float(v) for v in rest.strip("[]").split(",") if v.strip()]
            out = []
            for nxt in lines[i + 1:]:
                if not nxt.strip().startswith("- "):
                    break
                out.append(float(nxt.strip()[2:]))
            return out
    return []

path = sys.argv[1]
fails = []


def check(ok, what):
    if not ok:
        fails.append(what)


with h5py.File(path, "r") as f:
    a = f.attrs
    check(a["schema_version"] == 1, "schema_version is 1")
    check(a["status"] == "complete", "status is complete, got %r" % a["status"])
    check(a["experiment"] == "phi4", "experiment attribute")
    check("kappa:" in a["config"] and "couplings:" in a["config"], "resolved YAML config stored")
    dims = tuple(int(x) for x in f["lattice"].attrs["dims"])
    d = len(dims)
    V = int(np.prod(dims))

    # Both parametrisations, related as in docs/design.md ("Phi4 parametrisations").
    e = f["ensemble/phi4"].attrs
    kappa, lam, m2, g = e["kappa"], e["lambda"], e["m2"], e["g"]
    check(abs(m2 - ((1 - 2 * lam) / kappa - 2 * d)) < 1e-12 * max(1, abs(m2)), "m² = (1−2λ)/κ − 2d")
    check(abs(g - lam / kappa**2) < 1e-12 * max(1, g), "g = λ/κ²")
    check(abs(e["hopping_scale"] - np.sqrt(2 * kappa)) < 1e-14, "hopping scale √(2κ)")

    # The learned model records the regression target it was trained on.
    want = "force" if "\n    target: force" in a["config"] else "denoising"
    tgt = f["model/learned"].attrs["target"]
    check(tgt.startswith(want + ":"), "model/learned target %r, config says %s" % (tgt, want))

    # Each lattice network records its window of training times; with
    # train.windows the later windows have their own /model/learned_wK.
    windows = config_list(a["config"], "train", "windows")
    edges = [1e-3] + list(windows) + [1.0]
    for k in range(len(edges) - 1):
        name = "model/learned" if k == 0 else "model/learned_w%d" % k
        check(name in f, "%s missing (train.windows = %s)" % (name, windows))
        if name in f:
            w = f[name].attrs["t_window"]
            check(np.allclose(w, edges[k:k + 2]), "%s t_window %s, want %s" % (name, w, edges[k:k + 2]))
    check("model/learned_w%d" % (len(windows) + 1) not in f, "an expert beyond train.windows")
    if windows:
        check("time window" in f["generated/learned"].attrs["description"], "generated/learned does not say it uses the window experts")

    for name in ("phi4", "phi4_heldout", "phi4_reference"):
        grp = f["ensemble/" + name]
        phi = grp["fields"]
        check(phi.shape[1:] == dims, "%s fields shape %s" % (name, phi.shape))
        check([x.label for x in phi.dims] == ["sample"] + ["x%d" % (i + 1) for i in range(d)], "%s axis labels" % name)
        check(phi.shape[0] % grp.attrs["n_chains"] == 0, "%s: whole chains" % name)
        check(grp.attrs["stride"] >= 1 and grp.attrs["acceptance"] > 0.3, "%s: stride and acceptance" % name)
        x = phi[()].reshape(phi.shape[0], -1)
        m = grp["observables/magnetization"][()]
        check(np.allclose(m, x.mean(axis=1), rtol=0, atol=1e-12), "%s magnetization = mean of the stored fields" % name)
        # The action density recomputed in the continuum-like form.
        phi_ = phi[()]
        kin = sum(((np.roll(phi_, -1, axis=mu + 1) - phi_) ** 2) for mu in range(d))
        s = (0.5 * kin + 0.5 * m2 * phi_**2 + 0.25 * g * phi_**4).reshape(phi.shape[0], -1).mean(axis=1)
        check(np.allclose(grp["observables/action_density"][()], s, rtol=1e-10, atol=1e-10), "%s action density recomputed" % name)
        chi = grp["estimates/chi"]
        check(chi.shape == () and "error" in chi.attrs and "tau_int" in chi.attrs, "%s chi estimate attrs" % name)
        check(abs(chi[()] - V * np.mean(m**2)) < 1e-9 * chi[()], "%s χ = V⟨M²⟩" % name)

    spec = f["ensemble/phi4_reference/spectrum"]
    check(spec.dims[0].label == "shell", "spectrum dim label")
    khat2 = spec.dims[0][0][()]
    check(khat2[0] == 0 and np.all(np.diff(khat2) > 0), "shell k̂² scale")

    fl = f["flow/polchinski"]
    t = fl["t"][()]
    check(np.all(np.diff(t) > 0) and t[0] == 0, "flow times")
    for col in ("chi", "binder_u4", "action_density"):
        check(fl[col].shape == t.shape and fl[col].dims[0].label == "t", "flow observable " + col)

    for model in ("learned",) + (("learned_ir",) if "learned_ir" in f["model"] else ()):
        mg = f["model/" + model]
        check(mg.attrs["n_parameters"] > 0 and "architecture" in mg.attrs, model + " model attrs")
        check(len(mg["training/val_loss"]) == len(mg["training/step"]), model + " training curve")
    for method in ("gaussian", "learned"):
        gen = f["generated/" + method]
        check(gen["fields"].shape[1:] == dims, method + " fields")
        check(gen.attrs["samples_per_second"] > 0, method + " samples/s")
        c = f["comparison/" + method]
        check(c.attrs["verdict"].startswith(("pass", "fail")), method + " verdict")
        check(0 <= c.attrs["mirror_p_value"] <= 1, method + " mirror p-value")
        ratio = c["spectrum_ratio"][()]
        check(np.allclose(ratio, c["spectrum_generated"][()] / c["spectrum_reference"][()], rtol=1e-12), method + " ratio consistent")
        names = c["checks"].attrs["names"].split(",")
        check(any(n.startswith(method + ": |z| Binder") for n in names), method + " Binder bar recorded")
        check(len(names) == len(c["checks/value"]), method + " checks table")
        # S/V by term: the terms add up to the action density of both
        # ensembles, and the gradient term recomputed here from the fields
        # (numpy, periodic differences) agrees.
        at = c["action_terms"].attrs
        terms = at["terms"].split(",")
        check(terms == ["gradient", "mass_zero_mode", "mass_fluctuation", "quartic"], method + " action terms named")
        for side, est in (("reference", f["ensemble/phi4_reference/estimates/action_density"][()]), ("generated", gen["estimates/action_density"][()])):
            tot = sum(at[t + "_" + side] for t in terms)
            check(abs(tot - est) < 1e-9 * max(1, abs(est)), "%s %s terms sum to S/V (%.10g vs %.10g)" % (method, side, tot, est))
        # S/V given |M|: the local and global parts add up to the
        # difference of the plain means of S/V, and the bins hold every
        # configuration.
        gm = c["action_given_abs_m"]
        sd_gen = gen["observables/action_density"][()]
        sd_refs = f["ensemble/phi4_reference/observables/action_density"][()]
        check(np.all(np.diff(gm["abs_m_edges"][()]) > 0) and gm["abs_m_edges"][0] == 0, method + " |M| bin edges")
        check(gm["reference_count"][()].sum() == len(sd_refs) and gm["generated_count"][()].sum() == len(sd_gen), method + " |M| bins hold every configuration")
        if np.isfinite(gm.attrs["local"]):
            d = sd_gen.mean() - sd_refs.mean()
            check(abs(gm.attrs["local"] + gm.attrs["global"] - d) < 1e-9 * max(1, abs(d)), "%s local + global = %.10g, difference of the means %.10g" % (method, gm.attrs["local"] + gm.attrs["global"], d))
        phi = gen["fields"][()]
        grad = sum(0.5 * ((np.roll(phi, -1, axis=a) - phi) ** 2).mean() for a in range(1, phi.ndim))
        check(abs(grad - at["gradient_generated"]) < 1e-9 * abs(grad), "%s gradient term %.10g vs numpy %.10g" % (method, at["gradient_generated"], grad))
    # Refined ensembles (refine.method ≠ none): the source's fields moved by
    # a Metropolis-adjusted Langevin flow of the action, which keeps exp(−S):
    # the Gaussian baseline's action density, far from the reference's,
    # must move toward it.
    sd_ref = f["ensemble/phi4_reference/estimates/action_density"][()]
    for method in [m for m in f["generated"] if m.endswith("_mala")]:
        gen = f["generated/" + method]
        src = f[gen.attrs["source"]]
        check(gen["fields"].shape == src["fields"].shape, method + " has its source's shape")
        check(0.3 < gen.attrs["acceptance"] <= 1, method + " MALA acceptance %.3g" % gen.attrs["acceptance"])
        check(not np.array_equal(gen["fields"][()], src["fields"][()]), method + " fields moved")
        check(0 < gen.attrs["samples_per_second"] <= src.attrs["samples_per_second"], method + " cost includes generation")
        check("comparison/" + method in f, method + " compared")
        # The refinement scan: the compare stage's routine at each
        # Langevin time; its first row is the source ensemble, its last
        # the refined one, so their |z| are the compare stage's bars of
        # those ensembles, and the per-segment acceptances, weighted by
        # the segments' steps, give the whole flow's.
        if "scan" in gen:
            sc = gen["scan"]
            ts = sc["t"][()]
            check(ts[0] == 0 and np.all(np.diff(ts) > 0) and abs(ts[-1] - gen.attrs["refine_time"]) < 1e-12, method + " scan times %s" % ts)
            for row, grp in ((0, "comparison/" + src.name.split("/")[-1]), (-1, "comparison/" + method)):
                ch = f[grp + "/checks"]
                names = ch.attrs["names"].split(",")
                for obs, ds in (("AbsM", "abs_magnetization_z"), ("Chi", "chi_z"), ("Binder", "binder_u4_z"), ("ActionDensity", "action_density_z")):
                    i = [k for k, n in enumerate(names) if n.endswith(": |z| " + obs)]
                    check(len(i) == 1 and abs(abs(sc[ds][row]) - ch["value"][i[0]]) < 1e-9 * max(1, ch["value"][i[0]]),
                          "%s scan row %d %s %.6g vs %s's bar %s" % (method, row, ds, sc[ds][row], grp, ch["value"][i[0]] if i else None))
                mine = np.array([n.startswith(grp.split("/")[-1] + ": ") for n in names])
                check(bool(sc["bars_passed"][row]) == bool(np.all(ch["pass"][()][mine])), "%s scan row %d bars_passed vs %s" % (method, row, grp))
            # M correlation of the last row recomputed from the stored
            # source and refined fields (the flow keeps the sample order).
            m0 = src["fields"][()].reshape(src["fields"].shape[0], -1).mean(axis=1)
            m1 = gen["fields"][()].reshape(gen["fields"].shape[0], -1).mean(axis=1)
            rho = np.corrcoef(m0, m1)[0, 1]
            check(sc["m_correlation"][0] == 1 and sc["m_shift_rms"][0] == 0, method + " scan starts at the source's M")
            check(abs(sc["m_correlation"][-1] - rho) < 1e-9, "%s M correlation %.10g vs numpy %.10g" % (method, sc["m_correlation"][-1], rho))
            check(abs(sc["m_shift_rms"][-1] - np.sqrt(np.mean((m1 - m0) ** 2))) < 1e-12, method + " rms change of M")
            acc = sc["acceptance"][()]
            check(np.isnan(acc[0]) and np.all((acc[1:] > 0) & (acc[1:] <= 1)), method + " scan acceptances %s" % acc)
            h = gen.attrs["refine_step"]
            steps = np.maximum(1, np.ceil(np.diff(ts) / h - 1e-9))
            tot = np.sum(acc[1:] * steps) / np.sum(steps)
            check(abs(tot - gen.attrs["acceptance"]) < 1e-9, "%s scan acceptances weighted by steps %.12g vs the flow's %.12g" % (method, tot, gen.attrs["acceptance"]))
    if "generated/gaussian_mala" in f:
        before = f["generated/gaussian/estimates/action_density"][()]
        after = f["generated/gaussian_mala/estimates/action_density"][()]
        check(abs(after - sd_ref) < abs(before - sd_ref), "refinement moves the gaussian S/V toward the reference (%.4g → %.4g, reference %.4g)" % (before, after, sd_ref))
    # Stochastic-quantisation snapshots (when the run asked for them): the
    # Langevin flow starts at the fixed point N(0, 1/(k̂²+m₀²)), whose
    # χ = G(0) = 1/m₀² in closed form, and moves toward the reference.
    if "langevin" in f["flow"]:
        lg = f["flow/langevin"]
        t = lg["t"][()]
        check(t[0] == 0 and np.all(np.diff(t) > 0), "langevin snapshot times")
        check(lg["spectrum"].shape == (len(t), len(f["lattice/shells/khat2"])), "langevin spectrum shape")
        m02 = f["flow/polchinski"].attrs["m0_2"]
        chi, err = lg["chi"][()], lg["chi_error"][()]
        check(abs(chi[0] - 1 / m02) < 5 * err[0], "langevin start χ %.4g ± %.2g = 1/m₀² = %.4g" % (chi[0], err[0], 1 / m02))
        ref = f["ensemble/phi4_reference/estimates/chi"][()]
        check(abs(chi[-1] - ref) < abs(chi[0] - ref), "langevin flow moves χ toward the reference (%.4g → %.4g, reference %.4g)" % (chi[0], chi[-1], ref))
    # The bars judge one learned ensemble (bars.ensemble): checks_passed
    # is its verdict (and the reference's own check), whatever the others'.
    judged = a["checks_judged"]
    check(judged in ("/comparison/learned", "/comparison/learned_mala", "/comparison/learned_fourier-mala") and judged in f, "checks_judged %r" % judged)
    if judged in f:
        # The bars are the checks named "<method>: …" (the others
        # are the comparison routine's generic diagnostics).
        ch = f[judged + "/checks"]
        mine = [n.startswith(judged.split("/")[-1] + ": ") for n in ch.attrs["names"].split(",")]
        check(sum(mine) == 7, "%s: %d bars, want 7" % (judged, sum(mine)))
        ok = bool(np.all(ch["pass"][()][np.array(mine)])) and bool(f["checks/reference"].attrs["all_pass"])
        check(bool(a["checks_passed"]) == ok, "checks_passed %r vs the bars of %s and the reference (%r)" % (a["checks_passed"], judged, ok))
    cost = f["cost"].attrs
    check(cost["hmc_independent_per_second"] > 0 and cost["train_seconds"] >= 0, "cost figures")
    check(abs(cost["hmc_independent_per_second"] - cost["hmc_updates_per_second"] / (2 * cost["hmc_tau_int"])) < 1e-9 * cost["hmc_independent_per_second"], "HMC independent/s = updates/s ÷ 2τ_int")
    check(cost["peak_rss_bytes"] > 0, "peak RSS recorded")

if fails:
    print("h5py check of %s FAILED:" % path)
    for x in fails:
        print("  -", x)
    sys.exit(1)
print("h5py check of %s: ok" % path)
