/*
 * store_fault.c — in test builds (FM_FAULT_INJECTION) only: an SQLite VFS
 * over the default one that fails the store's writes or syncs from a
 * chosen one on, as a full or a failing disk does, for the fault-injection
 * suite (tests/cli/store_faults.sh).  FAIRMATCH_FAULT says which:
 *   sqlite-full:N    the write after the first N, and every later one: SQLITE_FULL
 *   sqlite-ioerr:N   the same with SQLITE_IOERR_WRITE (EIO)
 *   sqlite-fsync:N   the sync after the first N, and every later one: SQLITE_IOERR_FSYNC
 * Writes and syncs of every file SQLite opens count: the database, its
 * WAL, temporary files, a VACUUM INTO target.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store_fault.h"

#ifdef FM_FAULT_INJECTION

/* A file of the fault VFS: the default VFS's file follows it in the same allocation. */
struct fault_file {
	sqlite3_file	 base;		/* pMethods = &fault_io */
	sqlite3_file	*real;		/* the default VFS's */
};

static sqlite3_vfs	*real_vfs;
static sqlite3_vfs	 fault_vfs;
static int		 fault_rc;	/* what a failed call returns */
static int		 fault_on_sync;	/* syncs fail, not writes */
static long		 fault_after;	/* calls that succeed first */
static atomic_long	 fault_calls;

#define REAL(f)	(((struct fault_file *)(f))->real)

/* Whether this write (or sync) is one that fails. */
static int
fault_now(void)
{
	return atomic_fetch_add(&fault_calls, 1) >= fault_after;
}

static int
f_close(sqlite3_file *f)
{
	return REAL(f)->pMethods->xClose(REAL(f));
}

static int
f_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
	return REAL(f)->pMethods->xRead(REAL(f), buf, n, off);
}

static int
f_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
	if (!fault_on_sync && fault_now())
		return fault_rc;
	return REAL(f)->pMethods->xWrite(REAL(f), buf, n, off);
}

static int
f_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	return REAL(f)->pMethods->xTruncate(REAL(f), size);
}

static int
f_sync(sqlite3_file *f, int flags)
{
	if (fault_on_sync && fault_now())
		return fault_rc;
	return REAL(f)->pMethods->xSync(REAL(f), flags);
}

static int
f_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return REAL(f)->pMethods->xFileSize(REAL(f), size);
}

static int
f_lock(sqlite3_file *f, int lock)
{
	return REAL(f)->pMethods->xLock(REAL(f), lock);
}

static int
f_unlock(sqlite3_file *f, int lock)
{
	return REAL(f)->pMethods->xUnlock(REAL(f), lock);
}

static int
f_reserved(sqlite3_file *f, int *out)
{
	return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int
f_control(sqlite3_file *f, int op, void *arg)
{
	return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

static int
f_sector(sqlite3_file *f)
{
	return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int
f_device(sqlite3_file *f)
{
	return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int
f_shm_map(sqlite3_file *f, int page, int size, int extend, void volatile **out)
{
	return REAL(f)->pMethods->xShmMap(REAL(f), page, size, extend, out);
}

static int
f_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
	return REAL(f)->pMethods->xShmLock(REAL(f), offset, n, flags);
}

static void
f_shm_barrier(sqlite3_file *f)
{
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int
f_shm_unmap(sqlite3_file *f, int delete)
{
	return REAL(f)->pMethods->xShmUnmap(REAL(f), delete);
}

static int
f_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **out)
{
	return REAL(f)->pMethods->xFetch(REAL(f), off, n, out);
}

static int
f_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	return REAL(f)->pMethods->xUnfetch(REAL(f), off, p);
}

static const sqlite3_io_methods fault_io = {
	3, f_close, f_read, f_write, f_truncate, f_sync, f_size, f_lock, f_unlock, f_reserved,
	f_control, f_sector, f_device, f_shm_map, f_shm_lock, f_shm_barrier, f_shm_unmap,
	f_fetch, f_unfetch
};

/* Opens through the default VFS, then puts the fault methods in front. */
static int
fault_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out)
{
	struct fault_file *ff = (struct fault_file *)f;
	int rc;

	ff->real = (sqlite3_file *)(ff + 1);
	rc = real_vfs->xOpen(real_vfs, name, ff->real, flags, out);
	ff->base.pMethods = ff->real->pMethods != NULL ? &fault_io : NULL;
	return rc;
}

/* Reads FAIRMATCH_FAULT and makes the fault VFS the default if it asks for one. */
static void
fault_install_once(void)
{
	static const struct { const char *prefix; int rc, on_sync; } modes[] = {
		{ "sqlite-full:", SQLITE_FULL, 0 },
		{ "sqlite-ioerr:", SQLITE_IOERR_WRITE, 0 },
		{ "sqlite-fsync:", SQLITE_IOERR_FSYNC, 1 },
	};
	const char *spec = getenv("FAIRMATCH_FAULT");

	if (spec == NULL || (real_vfs = sqlite3_vfs_find(NULL)) == NULL)
		return;
	for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
		size_t n = strlen(modes[i].prefix);

		if (strncmp(spec, modes[i].prefix, n) != 0)
			continue;
		fault_rc = modes[i].rc;
		fault_on_sync = modes[i].on_sync;
		fault_after = strtol(spec + n, NULL, 10);
		fault_vfs = *real_vfs;
		fault_vfs.zName = "fairmatch-fault";
		fault_vfs.szOsFile = (int)sizeof(struct fault_file) + real_vfs->szOsFile;
		fault_vfs.xOpen = fault_open;
		fault_vfs.pNext = NULL;
		sqlite3_vfs_register(&fault_vfs, 1);
		return;
	}
}

void
store_fault_install(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, fault_install_once);
}

#else

void
store_fault_install(void)
{
}

#endif
