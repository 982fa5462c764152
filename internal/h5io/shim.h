// Copyright ©2026 The rgflow Authors. All rights reserved.

// The small C shim over libhdf5 for what gonum.org/v1/hdf5 lacks: extendible
// datasets, typed hyperslab I/O with an explicit memory type, string and
// typed attributes, dimension scales, external links, virtual datasets, the
// thread-safety query and the error-stack capture. Every function takes raw
// hid_t values obtained through gonum's Identifier.ID().
#ifndef RGFLOW_H5IO_SHIM_H
#define RGFLOW_H5IO_SHIM_H

#include <stdlib.h>
#include <stdint.h>
#include "hdf5.h"
#include "hdf5_hl.h"

// Element types the Go side knows, in one enum so Go never holds H5T_NATIVE_*
// macros (they expand to function calls after H5open).
enum {
	RG_F64 = 1,
	RG_F32,
	RG_I64,
	RG_I32,
	RG_U64,
	RG_U8,
	RG_C128,
	RG_BOOL,
};

void rg_install_error_handler(void);
const char *rg_last_error(void);
void rg_clear_error(void);

hid_t rg_memtype(int kind);
int rg_type_kind(hid_t type);
hid_t rg_create_memtype(int kind);
int rg_dataset_kind(hid_t dset);

int rg_is_threadsafe(void);

herr_t rg_set_extent(hid_t dset, int rank, const hsize_t *dims);
herr_t rg_extent(hid_t dset, int *rank, hsize_t *dims, hsize_t *maxdims);
herr_t rg_write_slab(hid_t dset, int kind, int rank, const hsize_t *start, const hsize_t *count, const void *buf);
herr_t rg_read_slab(hid_t dset, int kind, int rank, const hsize_t *start, const hsize_t *count, void *buf);

int rg_exists(hid_t loc, const char *path);
herr_t rg_delete(hid_t loc, const char *path);

herr_t rg_attr_write_str(hid_t loc, const char *name, const char *s, size_t n);
herr_t rg_attr_write(hid_t loc, const char *name, int kind, int rank, const hsize_t *dims, const void *buf);
int rg_attr_exists(hid_t loc, const char *name);
herr_t rg_attr_info(hid_t loc, const char *name, int *kind, int *isstr, int *rank, hsize_t *dims);
herr_t rg_attr_read(hid_t loc, const char *name, int kind, void *buf);
char *rg_attr_read_str(hid_t loc, const char *name, size_t *n);

herr_t rg_set_scale(hid_t dset, const char *name);
herr_t rg_attach_scale(hid_t dset, hid_t scale, unsigned idx);
herr_t rg_set_label(hid_t dset, unsigned idx, const char *label);
int rg_is_scale(hid_t dset);
herr_t rg_label(hid_t dset, unsigned idx, char *buf, size_t n);
int rg_num_scales(hid_t dset, unsigned idx);

// netCDF-4 dimensions without a variable (see netcdf.go).
hid_t rg_create_dim(hid_t loc, const char *name, hsize_t len, int unlimited);
int rg_is_dim_only(hid_t dset);
ssize_t rg_scale_path(hid_t dset, unsigned idx, char *buf, size_t n);

herr_t rg_external_link(hid_t loc, const char *name, const char *file, const char *obj);
hid_t rg_create_vds(hid_t loc, const char *name, int kind, int rank, const hsize_t *vdims,
	int nsrc, const char *const *files, const char *src, int srank, const hsize_t *sdims);



hid_t rg_create_file(const char *path);
hid_t rg_open_file(const char *path);
herr_t rg_close_file(hid_t f);
hid_t rg_vds_slice(hid_t loc, const char *name, int kind, int vrank, const hsize_t *vdims,
	const char *srcfile, const char *src, int srank, const hsize_t *sdims, const hsize_t *start, int nlat);

hid_t rg_open(hid_t loc, const char *path);
herr_t rg_close(hid_t obj);
int rg_obj_type(hid_t loc, const char *path);

char *rg_list_datasets(hid_t loc, size_t *n);
char *rg_list_objects(hid_t loc, size_t *n);
char *rg_attr_names(hid_t loc, size_t *n);

// Direct chunk writes, which bypass HDF5's selection, conversion and filter
// pipeline: rg_chunk_mode says whether a dataset qualifies.
enum { RG_DIRECT_NONE = 0, RG_DIRECT_RAW = 1, RG_DIRECT_DEFLATE = 2 };
// Fletcher-32: rg_chunk_mode sets *fletcher when the deflate filter is
// followed by Fletcher-32, rg_fletcher32 computes HDF5's checksum,
// rg_set_fletcher32 adds the filter, rg_verify checks every stored chunk.
uint32_t rg_fletcher32(const void *buf, size_t n);
herr_t rg_set_fletcher32(hid_t dcpl);
int rg_verify(hid_t dset, hsize_t *bad);
int rg_chunk_mode(hid_t dset, int kind, int *level, int *fletcher);
size_t rg_deflate_bound(size_t n);
size_t rg_deflate(int level, const void *src, size_t n, void *dst, size_t cap);
herr_t rg_write_chunk(hid_t dset, unsigned mask, const hsize_t *off, size_t n, const void *buf);

herr_t rg_hold_metadata(hid_t file, int hold);
long long rg_metadata_bytes(hid_t file);

void *rg_zs_new(int level);
void rg_zs_free(void *z);
size_t rg_zs_deflate(void *z, const void *src, size_t n, void *dst, size_t cap);
#endif
