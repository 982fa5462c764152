// Copyright ©2026 The rgflow Authors. All rights reserved.

#include <stdio.h>
#include <string.h>
#include "shim.h"

// The text of the last HDF5 failure on this thread. The library reports an
// API failure to the "auto" function at the API boundary, before any later
// call clears the error stack; rg_auto copies the stack here so the Go side
// can put HDF5's own words into its error.
static __thread char rg_err[4096];
static __thread size_t rg_errlen;

static herr_t rg_walk(unsigned n, const H5E_error2_t *e, void *data) {
	char maj[160] = "", min[160] = "";
	(void)data;
	if (rg_errlen >= sizeof rg_err - 1) {
		return 0;
	}
	H5Eget_msg(e->maj_num, NULL, maj, sizeof maj);
	H5Eget_msg(e->min_num, NULL, min, sizeof min);
	int w = snprintf(rg_err + rg_errlen, sizeof rg_err - rg_errlen, "%s#%u %s(): %s [%s: %s]",
		rg_errlen ? "; " : "", n, e->func_name ? e->func_name : "?", e->desc ? e->desc : "", maj, min);
	if (w > 0) {
		rg_errlen += (size_t)w;
		if (rg_errlen >= sizeof rg_err) {
			rg_errlen = sizeof rg_err - 1;
		}
	}
	return 0;
}

static herr_t rg_auto(hid_t estack, void *data) {
	(void)data;
	rg_errlen = 0;
	rg_err[0] = 0;
	H5Ewalk2(estack, H5E_WALK_DOWNWARD, rg_walk, NULL);
	return 0;
}

void rg_install_error_handler(void) { H5Eset_auto2(H5E_DEFAULT, rg_auto, NULL); }
const char *rg_last_error(void) { return rg_err; }
void rg_clear_error(void) {
	rg_errlen = 0;
	rg_err[0] = 0;
}

int rg_is_threadsafe(void) {
	hbool_t ts = 0;
	if (H5is_library_threadsafe(&ts) < 0) {
		return -1;
	}
	return ts ? 1 : 0;
}

// Complex numbers are stored as h5py and numpy expect them: a compound of
// two doubles named r and i. Booleans as h5py expects: an int8 enum
// {FALSE=0, TRUE=1}. Callers must H5Tclose what rg_create_memtype returns.
hid_t rg_create_memtype(int kind) {
	switch (kind) {
	case RG_C128: {
		hid_t t = H5Tcreate(H5T_COMPOUND, 16);
		if (t < 0) return t;
		if (H5Tinsert(t, "r", 0, H5T_NATIVE_DOUBLE) < 0 || H5Tinsert(t, "i", 8, H5T_NATIVE_DOUBLE) < 0) {
			H5Tclose(t);
			return -1;
		}
		return t;
	}
	case RG_BOOL: {
		hid_t t = H5Tenum_create(H5T_NATIVE_INT8);
		int8_t v = 0;
		if (t < 0) return t;
		if (H5Tenum_insert(t, "FALSE", &v) < 0) { H5Tclose(t); return -1; }
		v = 1;
		if (H5Tenum_insert(t, "TRUE", &v) < 0) { H5Tclose(t); return -1; }
		return t;
	}
	}
	return H5Tcopy(rg_memtype(kind));
}

hid_t rg_memtype(int kind) {
	switch (kind) {
	case RG_F64: return H5T_NATIVE_DOUBLE;
	case RG_F32: return H5T_NATIVE_FLOAT;
	case RG_I64: return H5T_NATIVE_INT64;
	case RG_I32: return H5T_NATIVE_INT32;
	case RG_U64: return H5T_NATIVE_UINT64;
	case RG_U8: return H5T_NATIVE_UINT8;
	}
	return -1;
}

// rg_type_kind classifies a stored datatype. It returns 0 for a type the Go
// side does not map (strings, other compounds, …), so reads refuse it.
int rg_type_kind(hid_t t) {
	H5T_class_t c = H5Tget_class(t);
	size_t sz = H5Tget_size(t);
	switch (c) {
	case H5T_FLOAT:
		if (sz == 8) return RG_F64;
		if (sz == 4) return RG_F32;
		return 0;
	case H5T_INTEGER: {
		H5T_sign_t s = H5Tget_sign(t);
		if (s == H5T_SGN_2 && sz == 8) return RG_I64;
		if (s == H5T_SGN_2 && sz == 4) return RG_I32;
		if (s == H5T_SGN_NONE && sz == 8) return RG_U64;
		if (s == H5T_SGN_NONE && sz == 1) return RG_U8;
		return 0;
	}
	case H5T_COMPOUND: {
		if (sz != 16 || H5Tget_nmembers(t) != 2) return 0;
		int ok = 1;
		for (unsigned i = 0; i < 2 && ok; i++) {
			char *name = H5Tget_member_name(t, i);
			hid_t mt = H5Tget_member_type(t, i);
			ok = name && strcmp(name, i == 0 ? "r" : "i") == 0 && H5Tget_member_offset(t, i) == 8 * i &&
				H5Tget_class(mt) == H5T_FLOAT && H5Tget_size(mt) == 8;
			if (name) H5free_memory(name);
			if (mt >= 0) H5Tclose(mt);
		}
		return ok ? RG_C128 : 0;
	}
	case H5T_ENUM: {
		hid_t base = H5Tget_super(t);
		int ok = base >= 0 && H5Tget_size(base) == 1 && H5Tget_nmembers(t) == 2;
		if (base >= 0) H5Tclose(base);
		return ok ? RG_BOOL : 0;
	}
	default:
		return 0;
	}
}

int rg_dataset_kind(hid_t dset) {
	hid_t t = H5Dget_type(dset);
	if (t < 0) return -1;
	int k = rg_type_kind(t);
	H5Tclose(t);
	return k;
}

herr_t rg_set_extent(hid_t dset, int rank, const hsize_t *dims) {
	(void)rank;
	return H5Dset_extent(dset, dims);
}

herr_t rg_extent(hid_t dset, int *rank, hsize_t *dims, hsize_t *maxdims) {
	hid_t sp = H5Dget_space(dset);
	if (sp < 0) return -1;
	int r = H5Sget_simple_extent_ndims(sp);
	if (r < 0 || r > 32) {
		H5Sclose(sp);
		return -1;
	}
	*rank = r;
	if (H5Sget_simple_extent_dims(sp, dims, maxdims) < 0) {
		H5Sclose(sp);
		return -1;
	}
	return H5Sclose(sp);
}

static herr_t rg_slab(hid_t dset, int kind, int rank, const hsize_t *start, const hsize_t *count, void *buf,
	int write) {
	herr_t rc = -1;
	hid_t mt = -1, fs = -1, ms = -1;
	mt = rg_create_memtype(kind);
	if (mt < 0) goto done;
	fs = H5Dget_space(dset);
	if (fs < 0) goto done;
	if (rank > 0) {
		if (H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL) < 0) goto done;
		ms = H5Screate_simple(rank, count, NULL);
	} else {
		ms = H5Screate(H5S_SCALAR);
	}
	if (ms < 0) goto done;
	if (write) {
		rc = H5Dwrite(dset, mt, ms, fs, H5P_DEFAULT, buf);
	} else {
		rc = H5Dread(dset, mt, ms, fs, H5P_DEFAULT, buf);
	}
done:
	if (ms >= 0) H5Sclose(ms);
	if (fs >= 0) H5Sclose(fs);
	if (mt >= 0) H5Tclose(mt);
	return rc;
}

herr_t rg_write_slab(hid_t dset, int kind, int rank, const hsize_t *start, const hsize_t *count, const void *buf) {
	return rg_slab(dset, kind, rank, start, count, (void *)buf, 1);
}

herr_t rg_read_slab(hid_t dset, int kind, int rank, const hsize_t *start, const hsize_t *count, void *buf) {
	return rg_slab(dset, kind, rank, start, count, buf, 0);
}

// rg_exists reports whether every component of the relative or absolute path
// exists: 1 yes, 0 no, -1 error. H5Lexists fails on a missing intermediate
// group, so the path is walked one component at a time.
int rg_exists(hid_t loc, const char *path) {
	size_t n = strlen(path);
	char *buf = malloc(n + 1);
	if (!buf) return -1;
	memcpy(buf, path, n + 1);
	int res = 1;
	for (size_t i = 1; i <= n; i++) {
		if (buf[i] == '/' || buf[i] == 0) {
			char c = buf[i];
			buf[i] = 0;
			if (strcmp(buf, "/") != 0 && buf[0] != 0) {
				htri_t e = H5Lexists(loc, buf, H5P_DEFAULT);
				if (e <= 0) {
					res = e < 0 ? -1 : 0;
					buf[i] = c;
					break;
				}
			}
			buf[i] = c;
		}
	}
	free(buf);
	return res;
}

herr_t rg_delete(hid_t loc, const char *path) { return H5Ldelete(loc, path, H5P_DEFAULT); }

int rg_attr_exists(hid_t loc, const char *name) { return H5Aexists(loc, name); }

static herr_t rg_attr_replace(hid_t loc, const char *name, hid_t type, hid_t space, const void *buf) {
	htri_t e = H5Aexists(loc, name);
	if (e < 0) return -1;
	if (e > 0 && H5Adelete(loc, name) < 0) return -1;
	hid_t a = H5Acreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
	if (a < 0) return -1;
	herr_t rc = H5Awrite(a, type, buf);
	if (H5Aclose(a) < 0) rc = -1;
	return rc;
}

// Strings are scalar, variable-length, UTF-8: h5py returns them as str.
herr_t rg_attr_write_str(hid_t loc, const char *name, const char *s, size_t n) {
	herr_t rc = -1;
	hid_t t = -1, sp = -1;
	char *c = malloc(n + 1);
	if (!c) return -1;
	memcpy(c, s, n);
	c[n] = 0;
	t = H5Tcopy(H5T_C_S1);
	if (t < 0 || H5Tset_size(t, H5T_VARIABLE) < 0 || H5Tset_cset(t, H5T_CSET_UTF8) < 0) goto done;
	sp = H5Screate(H5S_SCALAR);
	if (sp < 0) goto done;
	rc = rg_attr_replace(loc, name, t, sp, &c);
done:
	if (sp >= 0) H5Sclose(sp);
	if (t >= 0) H5Tclose(t);
	free(c);
	return rc;
}

herr_t rg_attr_write(hid_t loc, const char *name, int kind, int rank, const hsize_t *dims, const void *buf) {
	herr_t rc = -1;
	hid_t t = rg_create_memtype(kind), sp = -1;
	if (t < 0) return -1;
	sp = rank == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(rank, dims, NULL);
	if (sp >= 0) rc = rg_attr_replace(loc, name, t, sp, buf);
	if (sp >= 0) H5Sclose(sp);
	H5Tclose(t);
	return rc;
}

herr_t rg_attr_info(hid_t loc, const char *name, int *kind, int *isstr, int *rank, hsize_t *dims) {
	herr_t rc = -1;
	hid_t a = H5Aopen(loc, name, H5P_DEFAULT), t = -1, sp = -1;
	if (a < 0) return -1;
	t = H5Aget_type(a);
	sp = H5Aget_space(a);
	if (t < 0 || sp < 0) goto done;
	*isstr = H5Tget_class(t) == H5T_STRING;
	*kind = *isstr ? 0 : rg_type_kind(t);
	int r = H5Sget_simple_extent_ndims(sp);
	if (r < 0 || r > 32) goto done;
	*rank = r;
	if (r > 0 && H5Sget_simple_extent_dims(sp, dims, NULL) < 0) goto done;
	rc = 0;
done:
	if (sp >= 0) H5Sclose(sp);
	if (t >= 0) H5Tclose(t);
	H5Aclose(a);
	return rc;
}

herr_t rg_attr_read(hid_t loc, const char *name, int kind, void *buf) {
	hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
	if (a < 0) return -1;
	hid_t mt = rg_create_memtype(kind);
	herr_t rc = mt < 0 ? -1 : H5Aread(a, mt, buf);
	if (mt >= 0) H5Tclose(mt);
	H5Aclose(a);
	return rc;
}

// rg_attr_read_str returns a malloc'd copy (free with free) of a scalar
// string attribute, fixed- or variable-length, and its length in *n.
char *rg_attr_read_str(hid_t loc, const char *name, size_t *n) {
	char *out = NULL;
	hid_t a = H5Aopen(loc, name, H5P_DEFAULT), t = -1, sp = -1, mt = -1;
	if (a < 0) return NULL;
	t = H5Aget_type(a);
	sp = H5Aget_space(a);
	if (t < 0 || sp < 0 || H5Tget_class(t) != H5T_STRING || H5Sget_simple_extent_npoints(sp) != 1) goto done;
	if (H5Tis_variable_str(t) > 0) {
		char *s = NULL;
		mt = H5Tcopy(H5T_C_S1);
		if (mt < 0 || H5Tset_size(mt, H5T_VARIABLE) < 0 || H5Tset_cset(mt, H5Tget_cset(t)) < 0) goto done;
		if (H5Aread(a, mt, &s) < 0) goto done;
		size_t l = s ? strlen(s) : 0;
		out = malloc(l + 1);
		if (out) {
			if (l) memcpy(out, s, l);
			out[l] = 0;
			*n = l;
		}
		if (s) H5free_memory(s);
	} else {
		size_t sz = H5Tget_size(t);
		out = calloc(sz + 1, 1);
		if (!out) goto done;
		if (H5Aread(a, t, out) < 0) {
			free(out);
			out = NULL;
			goto done;
		}
		*n = strnlen(out, sz);
	}
done:
	if (mt >= 0) H5Tclose(mt);
	if (sp >= 0) H5Sclose(sp);
	if (t >= 0) H5Tclose(t);
	H5Aclose(a);
	return out;
}

herr_t rg_set_scale(hid_t dset, const char *name) { return H5DSset_scale(dset, name); }
herr_t rg_attach_scale(hid_t dset, hid_t scale, unsigned idx) { return H5DSattach_scale(dset, scale, idx); }
herr_t rg_set_label(hid_t dset, unsigned idx, const char *label) { return H5DSset_label(dset, idx, label); }
int rg_is_scale(hid_t dset) { return H5DSis_scale(dset); }
int rg_num_scales(hid_t dset, unsigned idx) { return H5DSget_num_scales(dset, idx); }
herr_t rg_label(hid_t dset, unsigned idx, char *buf, size_t n) {
	return H5DSget_label(dset, idx, buf, n) < 0 ? -1 : 0;
}

// The text that netCDF-4 puts at the start of the NAME attribute of a
// dimension scale that is a dimension and not a variable (netCDF-C
// libhdf5/nc4hdf.c, DIM_WITHOUT_VARIABLE; h5netcdf's NOT_A_VARIABLE).
#define RG_NOT_A_VARIABLE "This is a netCDF dimension but not a netCDF variable."

// rg_create_dim creates name in loc as netCDF-C creates a dimension without
// a coordinate variable: a 1-D big-endian float32 dataset that is never
// written, of fixed length len, or (unlimited) of current length len,
// growing without bound and chunked one element per chunk; made a dimension
// scale whose NAME is RG_NOT_A_VARIABLE followed by the length printed
// right-aligned in 10 columns ("%10d"). The caller closes the result.
hid_t rg_create_dim(hid_t loc, const char *name, hsize_t len, int unlimited) {
	hid_t dcpl = -1, sp = -1, d = -1;
	hsize_t dims[1] = {len}, maxd[1] = {unlimited ? H5S_UNLIMITED : len}, chunk[1] = {1};
	char nm[sizeof RG_NOT_A_VARIABLE + 32];
	dcpl = H5Pcreate(H5P_DATASET_CREATE);
	if (dcpl < 0) goto fail;
	if (unlimited && H5Pset_chunk(dcpl, 1, chunk) < 0) goto fail;
	sp = H5Screate_simple(1, dims, maxd);
	if (sp < 0) goto fail;
	d = H5Dcreate2(loc, name, H5T_IEEE_F32BE, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
	if (d < 0) goto fail;
	snprintf(nm, sizeof nm, "%s%10d", RG_NOT_A_VARIABLE, (int)len);
	if (H5DSset_scale(d, nm) < 0) goto fail;
	H5Sclose(sp);
	H5Pclose(dcpl);
	return d;
fail:
	if (d >= 0) H5Dclose(d);
	if (sp >= 0) H5Sclose(sp);
	if (dcpl >= 0) H5Pclose(dcpl);
	return -1;
}

// rg_is_dim_only reports whether dset is a dimension scale whose NAME marks
// it as a netCDF dimension without a variable: 1 yes, 0 no, -1 error.
int rg_is_dim_only(hid_t dset) {
	char buf[sizeof RG_NOT_A_VARIABLE + 32];
	htri_t s = H5DSis_scale(dset);
	if (s <= 0) return s < 0 ? -1 : 0;
	memset(buf, 0, sizeof buf);
	if (H5DSget_scale_name(dset, buf, sizeof buf) < 0) return 0;
	return strncmp(buf, RG_NOT_A_VARIABLE, strlen(RG_NOT_A_VARIABLE)) == 0;
}

struct rg_scale_name {
	char *buf;
	size_t n;
	ssize_t len;
};

static herr_t rg_scale_visitor(hid_t dset, unsigned dim, hid_t scale, void *data) {
	struct rg_scale_name *s = data;
	(void)dset;
	(void)dim;
	s->len = H5Iget_name(scale, s->buf, s->n);
	return 0; // go on: the last attached scale wins, as in netCDF-C and h5netcdf
}

// rg_scale_path writes the path of the last dimension scale attached to
// axis idx of dset into buf and returns its length: 0 when there is none,
// -1 on error.
ssize_t rg_scale_path(hid_t dset, unsigned idx, char *buf, size_t n) {
	struct rg_scale_name s = {buf, n, 0};
	int k = H5DSget_num_scales(dset, idx);
	if (k < 0) return -1;
	if (n > 0) buf[0] = 0;
	if (k == 0) return 0;
	if (H5DSiterate_scales(dset, idx, NULL, rg_scale_visitor, &s) < 0) return -1;
	return s.len;
}

herr_t rg_external_link(hid_t loc, const char *name, const char *file, const char *obj) {
	return H5Lcreate_external(file, obj, loc, name, H5P_DEFAULT, H5P_DEFAULT);
}

// rg_create_vds creates the virtual dataset name of shape vdims (rank
// srank+1) whose slab i along the leading axis maps to the whole dataset src
// of shape sdims in files[i].
hid_t rg_create_vds(hid_t loc, const char *name, int kind, int rank, const hsize_t *vdims,
	int nsrc, const char *const *files, const char *src, int srank, const hsize_t *sdims) {
	hid_t dcpl = -1, vs = -1, ss = -1, t = -1, d = -1;
	hsize_t start[33], count[33];
	if (rank != srank + 1 || rank > 33) return -1;
	t = rg_create_memtype(kind);
	dcpl = H5Pcreate(H5P_DATASET_CREATE);
	vs = H5Screate_simple(rank, vdims, NULL);
	ss = H5Screate_simple(srank, sdims, NULL);
	if (t < 0 || dcpl < 0 || vs < 0 || ss < 0) goto done;
	for (int i = 0; i < nsrc; i++) {
		start[0] = (hsize_t)i;
		count[0] = 1;
		for (int j = 0; j < srank; j++) {
			start[j + 1] = 0;
			count[j + 1] = sdims[j];
		}
		if (H5Sselect_hyperslab(vs, H5S_SELECT_SET, start, NULL, count, NULL) < 0) goto done;
		if (H5Pset_virtual(dcpl, vs, files[i], src, ss) < 0) goto done;
	}
	// A missing or short source reads as the fill value, NaN for floats, so
	// a task that failed to write shows as NaN rather than as zeros.
	if (kind == RG_F64) {
		double nan = __builtin_nan("");
		if (H5Pset_fill_value(dcpl, H5T_NATIVE_DOUBLE, &nan) < 0) goto done;
	} else if (kind == RG_F32) {
		float nan = __builtin_nanf("");
		if (H5Pset_fill_value(dcpl, H5T_NATIVE_FLOAT, &nan) < 0) goto done;
	}
	if (H5Sselect_all(vs) < 0) goto done;
	d = H5Dcreate2(loc, name, t, vs, H5P_DEFAULT, dcpl, H5P_DEFAULT);
done:
	if (ss >= 0) H5Sclose(ss);
	if (vs >= 0) H5Sclose(vs);
	if (dcpl >= 0) H5Pclose(dcpl);
	if (t >= 0) H5Tclose(t);
	return d;
}

// rg_create_file creates (truncating) a plain HDF5 file for the XDMF
// sidecar's views, without rgflow's root attributes.
hid_t rg_create_file(const char *path) { return H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT); }

// rg_open_file opens a plain HDF5 file for writing.
hid_t rg_open_file(const char *path) { return H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT); }

// rg_close_file closes a file made by rg_create_file.
herr_t rg_close_file(hid_t f) { return H5Fclose(f); }

// rg_vds_slice creates at loc/name (making the groups above it) a virtual
// dataset of shape vdims that maps, element for element in row-major
// order, the slab of the source dataset src (shape sdims) in the file
// srcfile that starts at start and spans one index of each of the first
// srank − nlat axes and the whole of the last nlat, whose extents must
// multiply to vdims's. It gives the XDMF sidecar one plain dataset per
// grid, which every XDMF reader loads, without copying data.
hid_t rg_vds_slice(hid_t loc, const char *name, int kind, int vrank, const hsize_t *vdims,
	const char *srcfile, const char *src, int srank, const hsize_t *sdims, const hsize_t *start, int nlat) {
	hid_t dcpl = -1, lcpl = -1, vs = -1, ss = -1, t = -1, d = -1;
	hsize_t count[32];
	if (srank > 32 || nlat > srank) return -1;
	for (int i = 0; i < srank; i++) count[i] = i < srank - nlat ? 1 : sdims[i];
	t = rg_create_memtype(kind);
	dcpl = H5Pcreate(H5P_DATASET_CREATE);
	lcpl = H5Pcreate(H5P_LINK_CREATE);
	vs = H5Screate_simple(vrank, vdims, NULL);
	ss = H5Screate_simple(srank, sdims, NULL);
	if (t < 0 || dcpl < 0 || lcpl < 0 || vs < 0 || ss < 0) goto done;
	if (H5Pset_create_intermediate_group(lcpl, 1) < 0) goto done;
	if (H5Sselect_hyperslab(ss, H5S_SELECT_SET, start, NULL, count, NULL) < 0) goto done;
	if (H5Sselect_all(vs) < 0) goto done;
	if (H5Pset_virtual(dcpl, vs, srcfile, src, ss) < 0) goto done;
	d = H5Dcreate2(loc, name, t, vs, lcpl, dcpl, H5P_DEFAULT);
done:
	if (ss >= 0) H5Sclose(ss);
	if (vs >= 0) H5Sclose(vs);
	if (lcpl >= 0) H5Pclose(lcpl);
	if (dcpl >= 0) H5Pclose(dcpl);
	if (t >= 0) H5Tclose(t);
	return d;
}

hid_t rg_open(hid_t loc, const char *path) { return H5Oopen(loc, path, H5P_DEFAULT); }
herr_t rg_close(hid_t obj) { return H5Oclose(obj); }

// rg_obj_type returns 1 for a group, 2 for a dataset, 0 for another object
// and -1 when the path cannot be resolved.
int rg_obj_type(hid_t loc, const char *path) {
	H5O_info_t info;
	if (H5Oget_info_by_name(loc, path, &info, H5P_DEFAULT) < 0) return -1;
	if (info.type == H5O_TYPE_GROUP) return 1;
	if (info.type == H5O_TYPE_DATASET) return 2;
	return 0;
}

struct rg_list {
	char *buf;
	size_t len, cap;
};

static herr_t rg_visit(hid_t obj, const char *name, const H5O_info_t *info, void *data) {
	struct rg_list *l = data;
	(void)obj;
	if (info->type != H5O_TYPE_DATASET) return 0;
	size_t n = strlen(name);
	if (l->len + n + 3 > l->cap) {
		size_t cap = 2 * l->cap + n + 3;
		char *b = realloc(l->buf, cap);
		if (!b) return -1;
		l->buf = b;
		l->cap = cap;
	}
	l->buf[l->len++] = '/';
	memcpy(l->buf + l->len, name, n);
	l->len += n;
	l->buf[l->len++] = '\n';
	l->buf[l->len] = 0;
	return 0;
}

static int rg_list_add(struct rg_list *l, char kind, const char *name) {
	size_t n = strlen(name);
	if (l->len + n + 5 > l->cap) {
		size_t cap = 2 * l->cap + n + 5;
		char *b = realloc(l->buf, cap);
		if (!b) return -1;
		l->buf = b;
		l->cap = cap;
	}
	if (kind) {
		l->buf[l->len++] = kind;
		l->buf[l->len++] = '\t';
	}
	memcpy(l->buf + l->len, name, n);
	l->len += n;
	l->buf[l->len++] = '\n';
	l->buf[l->len] = 0;
	return 0;
}

static herr_t rg_visit_all(hid_t obj, const char *name, const H5O_info_t *info, void *data) {
	(void)obj;
	if (info->type == H5O_TYPE_GROUP) return rg_list_add(data, 'G', name);
	if (info->type == H5O_TYPE_DATASET) return rg_list_add(data, 'D', name);
	return 0;
}

// rg_list_objects returns every group and dataset of the file, one per line
// as "G<TAB>path" or "D<TAB>path" (paths relative to the root, the root
// itself as "."), in a malloc'd string (NULL on error).
char *rg_list_objects(hid_t loc, size_t *n) {
	struct rg_list l = {malloc(256), 0, 256};
	if (!l.buf) return NULL;
	l.buf[0] = 0;
	if (H5Ovisit(loc, H5_INDEX_NAME, H5_ITER_INC, rg_visit_all, &l) < 0) {
		free(l.buf);
		return NULL;
	}
	*n = l.len;
	return l.buf;
}

static herr_t rg_visit_attr(hid_t loc, const char *name, const H5A_info_t *info, void *data) {
	(void)loc;
	(void)info;
	return rg_list_add(data, 0, name);
}

// rg_attr_names returns the names of the attributes of the object loc, one
// per line, in a malloc'd string (NULL on error).
char *rg_attr_names(hid_t loc, size_t *n) {
	struct rg_list l = {malloc(256), 0, 256};
	if (!l.buf) return NULL;
	l.buf[0] = 0;
	hsize_t idx = 0;
	if (H5Aiterate2(loc, H5_INDEX_NAME, H5_ITER_INC, &idx, rg_visit_attr, &l) < 0) {
		free(l.buf);
		return NULL;
	}
	*n = l.len;
	return l.buf;
}

// rg_list_datasets returns the absolute paths of every dataset in the file,
// one per line, in a malloc'd string (NULL on error).
char *rg_list_datasets(hid_t loc, size_t *n) {
	struct rg_list l = {malloc(256), 0, 256};
	if (!l.buf) return NULL;
	l.buf[0] = 0;
	if (H5Ovisit(loc, H5_INDEX_NAME, H5_ITER_INC, rg_visit, &l) < 0) {
		free(l.buf);
		return NULL;
	}
	*n = l.len;
	return l.buf;
}

#include <zlib.h>

// rg_chunk_mode returns RG_DIRECT_RAW for a chunked dataset without filters
// whose chunk is one whole row (1, n1, n2, …) and whose stored type is the
// native type of kind (so the bytes in memory are the bytes on disk), and
// RG_DIRECT_DEFLATE with *level set when the only filter is deflate.
// Anything else is RG_DIRECT_NONE and goes through H5Dwrite.
int rg_chunk_mode(hid_t dset, int kind, int *level, int *fletcher) {
	int mode = RG_DIRECT_NONE;
	hid_t dcpl = -1, sp = -1, ft = -1;
	hid_t mt = rg_memtype(kind);
	if (mt < 0) return mode;
	dcpl = H5Dget_create_plist(dset);
	sp = H5Dget_space(dset);
	ft = H5Dget_type(dset);
	if (dcpl < 0 || sp < 0 || ft < 0) goto done;
	if (H5Tequal(ft, mt) <= 0 || H5Pget_layout(dcpl) != H5D_CHUNKED) goto done;
	int rank = H5Sget_simple_extent_ndims(sp);
	hsize_t dims[32], chunk[32];
	if (rank < 1 || rank > 32 || H5Sget_simple_extent_dims(sp, dims, NULL) < 0) goto done;
	if (H5Pget_chunk(dcpl, rank, chunk) != rank || chunk[0] != 1) goto done;
	for (int i = 1; i < rank; i++) {
		if (chunk[i] != dims[i]) goto done;
	}
	int nf = H5Pget_nfilters(dcpl);
	*fletcher = 0;
	if (nf == 2) {
		unsigned flags = 0, cd[4] = {0};
		size_t ncd = 4;
		char name[32];
		unsigned conf;
		if (H5Pget_filter2(dcpl, 1, &flags, &ncd, cd, sizeof name, name, &conf) == H5Z_FILTER_FLETCHER32) {
			*fletcher = 1;
			nf = 1;
		}
	}
	if (nf == 0) {
		mode = RG_DIRECT_RAW;
	} else if (nf == 1) {
		unsigned flags = 0, cd[4] = {0};
		size_t ncd = 4;
		char name[32];
		unsigned conf;
		H5Z_filter_t id = H5Pget_filter2(dcpl, 0, &flags, &ncd, cd, sizeof name, name, &conf);
		if (id == H5Z_FILTER_DEFLATE && ncd >= 1) {
			*level = (int)cd[0];
			mode = RG_DIRECT_DEFLATE;
		}
	}
done:
	if (ft >= 0) H5Tclose(ft);
	if (sp >= 0) H5Sclose(sp);
	if (dcpl >= 0) H5Pclose(dcpl);
	return mode;
}

size_t rg_deflate_bound(size_t n) { return compressBound(n); }

// rg_deflate compresses exactly as HDF5's deflate filter does (a zlib
// stream from compress2). It touches no HDF5 state, so any goroutine may
// call it. It returns 0 on failure.
size_t rg_deflate(int level, const void *src, size_t n, void *dst, size_t cap) {
	uLongf dl = cap;
	if (compress2(dst, &dl, src, n, level) != Z_OK) return 0;
	return dl;
}

// H5_checksum_fletcher32 is the checksum HDF5's Fletcher-32 filter stores
// (little-endian, after the chunk's bytes); libhdf5 exports it though no
// public header declares it.
uint32_t H5_checksum_fletcher32(const void *data, size_t len);

uint32_t rg_fletcher32(const void *buf, size_t n) { return H5_checksum_fletcher32(buf, n); }

herr_t rg_set_fletcher32(hid_t dcpl) { return H5Pset_fletcher32(dcpl); }

// rg_verify checks the Fletcher-32 checksum of every stored chunk of a
// dataset whose last filter is Fletcher-32, reading the chunks' stored
// bytes (H5Dread_chunk: nothing is decompressed or converted). It returns 0
// when every chunk checks, 1 with bad set to the offset of the first chunk
// that does not, and -1 on failure.
int rg_verify(hid_t dset, hsize_t *bad) {
	int rc = -1;
	hid_t dcpl = -1, sp = -1;
	unsigned char *buf = NULL;
	size_t cap = 0;
	int rank, nf;
	hsize_t dims[32], chunk[32], off[32];
	dcpl = H5Dget_create_plist(dset);
	sp = H5Dget_space(dset);
	if (dcpl < 0 || sp < 0) goto done;
	if (H5Pget_layout(dcpl) != H5D_CHUNKED) { rc = 0; goto done; } // scalars, contiguous, virtual
	rank = H5Sget_simple_extent_ndims(sp);
	if (rank < 1 || rank > 32 || H5Sget_simple_extent_dims(sp, dims, NULL) < 0) goto done;
	nf = H5Pget_nfilters(dcpl);
	if (H5Pget_layout(dcpl) != H5D_CHUNKED || H5Pget_chunk(dcpl, rank, chunk) != rank || nf < 1) { rc = 0; goto done; }
	{
		unsigned flags = 0, cd[8] = {0}, conf;
		size_t ncd = 8;
		char name[32];
		if (H5Pget_filter2(dcpl, (unsigned)(nf - 1), &flags, &ncd, cd, sizeof name, name, &conf) != H5Z_FILTER_FLETCHER32) { rc = 0; goto done; }
	}
	for (int i = 0; i < rank; i++) {
		if (dims[i] == 0) { rc = 0; goto done; }
		off[i] = 0;
	}
	for (;;) {
		hsize_t size = 0;
		if (H5Dget_chunk_storage_size(dset, off, &size) < 0) goto done;
		if (size > 0) {
			if (size > cap) {
				free(buf);
				cap = size;
				buf = malloc(cap);
				if (!buf) goto done;
			}
			uint32_t mask = 0;
			if (H5Dread_chunk(dset, H5P_DEFAULT, off, &mask, buf) < 0) goto done;
			if (!(mask & (1u << (nf - 1)))) {
				uint32_t sum = size < 4 ? 0 : H5_checksum_fletcher32(buf, size - 4);
				uint32_t stored = size < 4 ? 1 : (uint32_t)buf[size-4] | (uint32_t)buf[size-3] << 8 | (uint32_t)buf[size-2] << 16 | (uint32_t)buf[size-1] << 24;
				if (sum != stored) {
					for (int i = 0; i < rank; i++) bad[i] = off[i];
					rc = 1;
					goto done;
				}
			}
		}
		int i = rank - 1;
		for (; i >= 0; i--) {
			off[i] += chunk[i];
			if (off[i] < dims[i]) break;
			off[i] = 0;
		}
		if (i < 0) break;
	}
	rc = 0;
done:
	free(buf);
	if (sp >= 0) H5Sclose(sp);
	if (dcpl >= 0) H5Pclose(dcpl);
	return rc;
}

herr_t rg_write_chunk(hid_t dset, unsigned mask, const hsize_t *off, size_t n, const void *buf) {
	return H5Dwrite_chunk(dset, H5P_DEFAULT, mask, off, n, buf);
}

// rg_hold_metadata turns the metadata cache's evictions off (hold = 1), so
// that dirty metadata reaches the file only at H5Fflush and a process killed
// between flushes leaves the on-disk metadata exactly as the last flush
// wrote it, or back on (hold = 0). Without evictions the cache must not
// resize itself either.
herr_t rg_hold_metadata(hid_t file, int hold) {
	H5AC_cache_config_t c;
	memset(&c, 0, sizeof c);
	c.version = H5AC__CURR_CACHE_CONFIG_VERSION;
	if (H5Fget_mdc_config(file, &c) < 0) return -1;
	if (hold) {
		c.evictions_enabled = 0;
		c.incr_mode = H5C_incr__off;
		c.flash_incr_mode = H5C_flash_incr__off;
		c.decr_mode = H5C_decr__off;
	} else {
		c.evictions_enabled = 1;
		c.incr_mode = H5C_incr__threshold;
		c.flash_incr_mode = H5C_flash_incr__add_space;
		c.decr_mode = H5C_decr__age_out_with_threshold;
	}
	return H5Fset_mdc_config(file, &c);
}

// rg_metadata_bytes returns the bytes the metadata cache holds, or -1.
long long rg_metadata_bytes(hid_t file) {
	size_t max = 0, minclean = 0, cur = 0;
	int n = 0;
	if (H5Fget_mdc_size(file, &max, &minclean, &cur, &n) < 0) return -1;
	return (long long)cur;
}

#include <limits.h>

// A reusable deflate stream: compress2 sets up and tears down ~256 KiB of
// zlib state per call; deflateReset on a kept stream gives the same bytes
// (same level, window and memory level as compress2) without that cost.
void *rg_zs_new(int level) {
	z_stream *s = calloc(1, sizeof *s);
	if (!s) return NULL;
	if (deflateInit(s, level) != Z_OK) {
		free(s);
		return NULL;
	}
	return s;
}

void rg_zs_free(void *z) {
	deflateEnd(z);
	free(z);
}

size_t rg_zs_deflate(void *z, const void *src, size_t n, void *dst, size_t cap) {
	z_stream *s = z;
	if (n > UINT_MAX || cap > UINT_MAX || deflateReset(s) != Z_OK) return 0;
	s->next_in = (Bytef *)src;
	s->avail_in = (uInt)n;
	s->next_out = dst;
	s->avail_out = (uInt)cap;
	if (deflate(s, Z_FINISH) != Z_STREAM_END) return 0;
	return cap - s->avail_out;
}
