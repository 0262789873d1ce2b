/*
 * serve_file.c — writing and reading the serving layer's file.  Loading
 * reads the file twice: once for its CRC, then to make the layer, so that
 * no corrupted count ever reaches serve_read.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "serve_file.h"
#include "tokenize.h"
#include "util.h"

#define SERVE_FILE_MAGIC	"FMSERVE"	/* and its NUL: 8 bytes */
#define IO_BUF			(1 << 20)

struct serve_file_head {
	char		magic[8];
	uint32_t	format;		/* SERVE_FILE_FORMAT */
	uint32_t	tokenizer;	/* TOKENIZE_VERSION */
	int64_t		seq;		/* the log position the layer reflects */
	uint64_t	bytes;		/* the payload, after this header */
	uint32_t	crc;		/* CRC-32 (zlib) of the payload */
	uint32_t	zero;
};

/* Where serve_write's bytes go, or serve_read's come from. */
struct file_io {
	FILE		*f;
	uint64_t	 bytes;		/* written, or left to read */
	uLong		 crc;
};

static int
file_write(void *arg, const void *p, size_t n)
{
	struct file_io *io = arg;

	if (fwrite(p, 1, n, io->f) != n)
		return -1;
	io->bytes += n;
	for (size_t done = 0; done < n; ) {	/* crc32 takes an unsigned length */
		size_t k = n - done > (1u << 30) ? (1u << 30) : n - done;

		io->crc = crc32(io->crc, (const Bytef *)p + done, (uInt)k);
		done += k;
	}
	return 0;
}

static int
file_read(void *arg, void *p, size_t n)
{
	struct file_io *io = arg;

	if (n > io->bytes || fread(p, 1, n, io->f) != n)
		return -1;
	io->bytes -= n;
	return 0;
}

static char *
io_error(const char *what, const char *path)
{
	return xasprintf("无法%s服务层文件 %s：%s / cannot %s the serving layer's file %s: %s",
	    strcmp(what, "write") == 0 ? "写入" : "读取", path, strerror(errno), what, path,
	    strerror(errno));
}

int
serve_file_save(struct serve *sv, const char *path, char **cause)
{
	char *tmp = xasprintf("%s.tmp", path), *dir = xstrdup(path), *slash;
	struct serve_file_head h = { SERVE_FILE_MAGIC, SERVE_FILE_FORMAT, TOKENIZE_VERSION,
	    serve_seq(sv), 0, 0, 0 };
	struct file_io io = { fopen(tmp, "wb"), 0, crc32(0L, Z_NULL, 0) };
	int rc = -1;

	if (io.f == NULL) {
		*cause = io_error("write", tmp);
		goto done;
	}
	setvbuf(io.f, NULL, _IOFBF, IO_BUF);
	errno = 0;
	if (fwrite(&h, sizeof h, 1, io.f) != 1 || serve_write(sv, file_write, &io) != 0) {
		*cause = errno != 0 ? io_error("write", tmp) : xasprintf("服务层已更新，不能保存 /"
		    " the serving layer has been updated since its build: not saved");
		goto done;
	}
	h.bytes = io.bytes;
	h.crc = (uint32_t)io.crc;
	if (fseek(io.f, 0, SEEK_SET) != 0 || fwrite(&h, sizeof h, 1, io.f) != 1 ||
	    fflush(io.f) != 0 || fsync(fileno(io.f)) != 0) {
		*cause = io_error("write", tmp);
		goto done;
	}
	if (fclose(io.f) != 0) {
		io.f = NULL;
		*cause = io_error("write", tmp);
		goto done;
	}
	io.f = NULL;
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	else
		strcpy(dir, ".");
	if (rename(tmp, path) != 0 || fsync_path(dir) != 0) {
		*cause = io_error("write", path);
		goto done;
	}
	rc = 0;
done:
	if (io.f != NULL)
		fclose(io.f);
	if (rc != 0)
		unlink(tmp);
	free(tmp);
	free(dir);
	return rc;
}

/* Reads f's header into h: 0, or -1 with *why (not such a file, or another version's). */
static int
head_read(FILE *f, const char *path, struct serve_file_head *h, char **why)
{
	if (fread(h, sizeof *h, 1, f) != 1 || memcmp(h->magic, SERVE_FILE_MAGIC,
	    sizeof h->magic) != 0) {
		*why = xasprintf("%s 不是服务层文件或已截断 / %s is not a serving layer's file, or is"
		    " truncated", path, path);
		return -1;
	}
	if (h->format != SERVE_FILE_FORMAT || h->tokenizer != TOKENIZE_VERSION) {
		*why = xasprintf("%s 由其他版本生成（格式 %u，分词 %u）/ %s was made by another"
		    " version (format %u, tokenizer %u)", path, h->format, h->tokenizer, path,
		    h->format, h->tokenizer);
		return -1;
	}
	return 0;
}

long long
serve_file_seq(const char *path)
{
	struct serve_file_head h;
	FILE *f = fopen(path, "rb");
	char *why = NULL;
	long long seq = -1;

	if (f == NULL)
		return -1;
	if (head_read(f, path, &h, &why) == 0)
		seq = h.seq;
	free(why);
	fclose(f);
	return seq;
}

struct serve *
serve_file_load(const char *path, char **why)
{
	struct serve_file_head h;
	struct file_io io = { fopen(path, "rb"), 0, crc32(0L, Z_NULL, 0) };
	struct serve *sv = NULL;
	struct stat sb;
	char *buf = NULL;

	if (io.f == NULL) {
		*why = io_error("read", path);
		return NULL;
	}
	setvbuf(io.f, NULL, _IOFBF, IO_BUF);
	if (head_read(io.f, path, &h, why) != 0)
		goto done;
	if (fstat(fileno(io.f), &sb) != 0 || (uint64_t)sb.st_size != sizeof h + h.bytes) {
		*why = xasprintf("%s 已截断 / %s is truncated", path, path);
		goto done;
	}
	/* First the CRC of the whole payload; only then is it read as a layer. */
	buf = xmalloc(IO_BUF);
	for (uint64_t left = h.bytes; left > 0; ) {
		size_t n = left < IO_BUF ? (size_t)left : IO_BUF;

		if (fread(buf, 1, n, io.f) != n) {
			*why = io_error("read", path);
			goto done;
		}
		io.crc = crc32(io.crc, (const Bytef *)buf, (uInt)n);
		left -= n;
	}
	if ((uint32_t)io.crc != h.crc) {
		*why = xasprintf("%s 已损坏（校验和不符）/ %s is corrupted (its checksum does not"
		    " match)", path, path);
		goto done;
	}
	io.bytes = h.bytes;
	if (fseek(io.f, (long)sizeof h, SEEK_SET) != 0 ||
	    (sv = serve_read(file_read, &io)) == NULL || io.bytes != 0 || serve_seq(sv) != h.seq) {
		serve_free(sv);
		sv = NULL;
		*why = xasprintf("%s 的内容不是本版本的服务层 / %s does not hold a serving layer of"
		    " this version", path, path);
	}
done:
	free(buf);
	fclose(io.f);
	return sv;
}
