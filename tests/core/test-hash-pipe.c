/* test-hash-pipe.c — PrHashPipe writes every byte where it belongs and
 * delivers the right digest, however the data is fed
 *
 * The pipe copies what it is fed into a ring of 128 KiB slots; a helper
 * thread hashes them, and the slots are written with pwrite() by either
 * thread. Sizes and chunk sizes below are chosen around the slot, half-ring
 * and ring boundaries. Every file is a slice of one buffer of random bytes
 * (fixed seed), so a slot written at the wrong offset, twice or not at all
 * shows; the expected digests come from GChecksum, not from pr-sha256.
 *
 * What is checked against pr-hash-pipe.h: data on disk and digests in place
 * at the latest when _wait() returns (also in the middle of a file), _abort()
 * leaves a prefix of the file and hashes nothing of it, _free() lets queued
 * work land, every descriptor handed over is closed, the first write or close
 * failure is reported with its errno and name and stays.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pr-test-util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "pr-hash-pipe.h"

/* The ring of pr-hash-pipe.c: eight slots of 128 KiB, the helper wakes per
 * half ring */
#define SLOT      (128 * 1024)
#define RING      (8 * SLOT)
#define HALF_RING (RING / 2)

#define SOURCE_SIZE (6 * 1024 * 1024)
#define SEED        0x5eed2026

typedef char Hex[PR_SHA256_HEX_LEN + 1];

/* Random bytes, the same in every run: each file is a slice of them */
static guint8 *source;

typedef struct {
  char  *dir;
  GRand *rand;
  guint  fds_at_start;
} Fixture;

/* Descriptors open in this process (with the one that lists them) */
static guint
count_open_fds (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, &error);
  guint n = 0;

  g_assert_no_error (error);
  while (g_dir_read_name (dir) != NULL)   /* ends: a finite listing */
    n++;
  return n;
}

static void
setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("pr-hash-pipe-XXXXXX", &error);
  g_assert_no_error (error);
  f->rand = g_rand_new_with_seed (SEED);
  f->fds_at_start = count_open_fds ();
}

static void
teardown (Fixture *f, gconstpointer data)
{
  /* every descriptor handed to a pipe was closed by it */
  g_assert_cmpuint (count_open_fds (), ==, f->fds_at_start);
  pr_test_remove_tree (f->dir);
  g_rand_free (f->rand);
  g_free (f->dir);
}

static int
create_file (Fixture    *f,
             const char *name,
             char      **path_out)
{
  g_autofree char *path = g_build_filename (f->dir, name, NULL);
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

  g_assert_cmpint (fd, >=, 0);
  if (path_out)
    *path_out = g_steal_pointer (&path);
  return fd;
}

/* Where two buffers first differ, so a failure says which slot was wrong */
static void
assert_same_bytes (const guint8 *got,
                   const guint8 *want,
                   gsize         len)
{
  gsize i;

  if (memcmp (got, want, len) == 0)
    return;
  for (i = 0; i < len && got[i] == want[i]; i++)
    ;
  g_assert_cmpuint (i, ==, len);   /* fails: i is the first wrong byte */
}

/* The file holds exactly the @len bytes at @want */
static void
assert_file_equals (const char   *path,
                    const guint8 *want,
                    gsize         len)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize got = 0;

  g_file_get_contents (path, &contents, &got, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (got, ==, len);
  assert_same_bytes ((const guint8 *) contents, want, len);
}

/* The file holds the first bytes of the @fed_len at @fed, and no more;
 * returns how many */
static gsize
assert_file_is_prefix (const char   *path,
                       const guint8 *fed,
                       gsize         fed_len)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize got = 0;

  g_file_get_contents (path, &contents, &got, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (got, <=, fed_len);
  assert_same_bytes ((const guint8 *) contents, fed, got);
  return got;
}

static void
assert_digest (const char   *hex,
               const guint8 *data,
               gsize         len)
{
  g_autofree char *want = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, len);

  g_assert_cmpstr (hex, ==, want);
}

/* A chunk size as the importer's callers produce them: a few bytes (a
 * header), a few KiB, libarchive's 64 KiB block, exactly a slot, or anything
 * up to three slots */
static gsize
pick_chunk (GRand *rand)
{
  switch (g_rand_int_range (rand, 0, 8))
    {
    case 0:
      return g_rand_int_range (rand, 1, 65);
    case 1:
    case 2:
      return g_rand_int_range (rand, 1, 8193);
    case 3:
      return 65536;
    case 4:
      return SLOT;
    default:
      return g_rand_int_range (rand, 1, 3 * SLOT);
    }
}

/* Feeds @len bytes in chunks of random sizes; with @may_wait, waits now and
 * then in between (and the wait must succeed) */
static void
feed (PrHashPipe   *pipe,
      GRand        *rand,
      const guint8 *data,
      gsize         len,
      gboolean      may_wait)
{
  gsize done = 0;

  while (done < len)   /* ends: every turn feeds at least one byte */
    {
      gsize chunk = pick_chunk (rand);   /* not inside MIN (): evaluated once */
      gsize n = MIN (len - done, chunk);

      g_assert_true (pr_hash_pipe_update (pipe, data + done, n));
      done += n;
      if (may_wait && g_rand_int_range (rand, 0, 32) == 0)
        g_assert_true (pr_hash_pipe_wait (pipe));
    }
}

/* Empty, tiny, one byte either side of a slot boundary (4 slots are half a
 * ring, 8 a ring), or anything up to 6 MiB */
static gsize
pick_size (GRand *rand)
{
  switch (g_rand_int_range (rand, 0, 10))
    {
    case 0:
      return 0;
    case 1:
      return g_rand_int_range (rand, 1, 300);
    case 2:
    case 3:
      return (gsize) SLOT * g_rand_int_range (rand, 1, 17) + g_rand_int_range (rand, -1, 2);
    default:
      return g_rand_int_range (rand, 0, SOURCE_SIZE + 1);
    }
}

typedef struct {
  char  *path;      /* NULL: hashed only (fd -1) */
  gsize  start;     /* in source */
  gsize  size;
  Hex    hex;
} Expected;

#define N_ROUNDS  8
#define MAX_FILES 16

/* (1) Many files of random sizes, fed in random chunks, some only hashed,
 * with waits now and then: each file on disk is its input and each digest
 * that of GChecksum */
static void
test_random_files (Fixture *f, gconstpointer data)
{
  for (guint round = 0; round < N_ROUNDS; round++)
    {
      g_autoptr(PrHashPipe) pipe = pr_hash_pipe_new ();
      guint n_files = g_rand_int_range (f->rand, 1, MAX_FILES + 1);
      g_autofree Expected *files = g_new0 (Expected, n_files);

      for (guint i = 0; i < n_files; i++)
        {
          Expected *e = &files[i];
          int fd = -1;

          e->size = pick_size (f->rand);
          e->start = g_rand_int_range (f->rand, 0, SOURCE_SIZE - e->size + 1);
          if (g_rand_int_range (f->rand, 0, 8) != 0)
            {
              g_autofree char *name = g_strdup_printf ("round%u-file%u", round, i);

              fd = create_file (f, name, &e->path);
            }
          pr_hash_pipe_begin (pipe, fd, e->path ? e->path : "hashed only");
          feed (pipe, f->rand, source + e->start, e->size, TRUE);
          pr_hash_pipe_finish_to (pipe, e->hex);
          if (g_rand_int_range (f->rand, 0, 6) == 0)
            g_assert_true (pr_hash_pipe_wait (pipe));
        }
      g_assert_true (pr_hash_pipe_wait (pipe));

      /* every file closed by now */
      g_assert_cmpuint (count_open_fds (), ==, f->fds_at_start);
      for (guint i = 0; i < n_files; i++)
        {
          Expected *e = &files[i];

          g_test_message ("round %u file %u: %" G_GSIZE_FORMAT " bytes%s",
                          round, i, e->size, e->path ? "" : ", hashed only");
          assert_digest (e->hex, source + e->start, e->size);
          if (e->path)
            {
              assert_file_equals (e->path, source + e->start, e->size);
              g_assert_cmpint (g_unlink (e->path), ==, 0);
              g_free (e->path);
            }
        }
    }
}

/* (2) A file given up after any amount of data: it holds a prefix of what
 * was fed (what was written stays), nothing of it reaches the next digest,
 * its descriptor is closed, and it is no failure */
static void
test_abort_mid_file (Fixture *f, gconstpointer data)
{
  /* nothing, part of a slot, slots exactly, past half a ring, past the ring */
  static const gsize cuts[] = { 0, 100, SLOT - 1, SLOT, 2 * SLOT + 5, HALF_RING + 1,
                                RING + 3 * SLOT + 7, 2 * RING + 11 };
  g_autoptr(PrHashPipe) pipe = pr_hash_pipe_new ();
  Hex hex[G_N_ELEMENTS (cuts)];
  char *aborted[G_N_ELEMENTS (cuts)];
  char *next[G_N_ELEMENTS (cuts)];
  gsize next_size[G_N_ELEMENTS (cuts)];
  Hex hashed_only;

  for (guint i = 0; i < G_N_ELEMENTS (cuts); i++)
    {
      g_autofree char *name = g_strdup_printf ("aborted%u", i);
      g_autofree char *next_name = g_strdup_printf ("next%u", i);
      int fd = create_file (f, name, &aborted[i]);

      pr_hash_pipe_begin (pipe, fd, aborted[i]);
      feed (pipe, f->rand, source + i * 1000, cuts[i], FALSE);
      pr_hash_pipe_abort (pipe);

      /* at once the next file, from elsewhere in the source */
      next_size[i] = i * (SLOT / 3) + 17;
      fd = create_file (f, next_name, &next[i]);
      pr_hash_pipe_begin (pipe, fd, next[i]);
      feed (pipe, f->rand, source + SOURCE_SIZE / 2 + i, next_size[i], FALSE);
      pr_hash_pipe_finish_to (pipe, hex[i]);
    }
  /* between files: nothing to give up, the last digest still comes */
  pr_hash_pipe_abort (pipe);

  /* hashed only: a file given up after a ring and a half, then another */
  pr_hash_pipe_begin (pipe, -1, "hashed only, aborted");
  feed (pipe, f->rand, source, RING + HALF_RING + 3, FALSE);
  pr_hash_pipe_abort (pipe);
  pr_hash_pipe_begin (pipe, -1, "hashed only");
  feed (pipe, f->rand, source + 12345, SLOT + 1, FALSE);
  pr_hash_pipe_finish_to (pipe, hashed_only);

  g_assert_true (pr_hash_pipe_wait (pipe));
  g_assert_cmpuint (count_open_fds (), ==, f->fds_at_start);
  for (guint i = 0; i < G_N_ELEMENTS (cuts); i++)
    {
      g_test_message ("aborted after %" G_GSIZE_FORMAT " bytes", cuts[i]);
      assert_file_is_prefix (aborted[i], source + i * 1000, cuts[i]);
      assert_file_equals (next[i], source + SOURCE_SIZE / 2 + i, next_size[i]);
      assert_digest (hex[i], source + SOURCE_SIZE / 2 + i, next_size[i]);
      g_free (aborted[i]);
      g_free (next[i]);
    }
  assert_digest (hashed_only, source + 12345, SLOT + 1);

  /* a pipe that never had a file: nothing to give up */
  {
    g_autoptr(PrHashPipe) idle = pr_hash_pipe_new ();

    pr_hash_pipe_abort (idle);
    g_assert_true (pr_hash_pipe_wait (idle));
  }
}

/* (2)+(3) What a wait put on disk stays when the file is then given up */
static void
test_abort_after_wait (Fixture *f, gconstpointer data)
{
  static const gsize before[] = { 1, SLOT + 1, HALF_RING, RING + 5 };
  g_autoptr(PrHashPipe) pipe = pr_hash_pipe_new ();
  g_autofree char *next = NULL;
  Hex hex;
  int fd;

  for (guint i = 0; i < G_N_ELEMENTS (before); i++)
    {
      g_autofree char *name = g_strdup_printf ("aborted%u", i);
      g_autofree char *path = NULL;
      gsize more = SLOT * 2 + i;
      gsize kept;

      fd = create_file (f, name, &path);
      pr_hash_pipe_begin (pipe, fd, path);
      feed (pipe, f->rand, source + i, before[i], FALSE);
      g_assert_true (pr_hash_pipe_wait (pipe));
      assert_file_equals (path, source + i, before[i]);
      feed (pipe, f->rand, source + i + before[i], more, FALSE);
      pr_hash_pipe_abort (pipe);
      g_assert_true (pr_hash_pipe_wait (pipe));

      kept = assert_file_is_prefix (path, source + i, before[i] + more);
      g_assert_cmpuint (kept, >=, before[i]);
    }

  /* and the pipe goes on */
  fd = create_file (f, "next", &next);
  pr_hash_pipe_begin (pipe, fd, next);
  feed (pipe, f->rand, source + 99, RING + 1, FALSE);
  pr_hash_pipe_finish_to (pipe, hex);
  g_assert_true (pr_hash_pipe_wait (pipe));
  assert_file_equals (next, source + 99, RING + 1);
  assert_digest (hex, source + 99, RING + 1);
}

/* (3) A wait in the middle of a file puts all that was fed on disk, and the
 * digest and the data of the file before it in place; the file then goes on
 * where it was */
static void
test_wait_mid_file (Fixture *f, gconstpointer data)
{
  static const gsize cuts[] = { 1, SLOT - 1, SLOT, SLOT + 1, HALF_RING, RING, RING + 1,
                                3 * RING + 5 };
  g_autoptr(PrHashPipe) pipe = pr_hash_pipe_new ();
  Hex hex[G_N_ELEMENTS (cuts)];
  char *paths[G_N_ELEMENTS (cuts)];
  gsize sizes[G_N_ELEMENTS (cuts)];

  for (guint i = 0; i < G_N_ELEMENTS (cuts); i++)
    {
      g_autofree char *name = g_strdup_printf ("file%u", i);
      const guint8 *start = source + i * 4096;
      int fd = create_file (f, name, &paths[i]);

      sizes[i] = cuts[i] + g_rand_int_range (f->rand, 0, RING);
      pr_hash_pipe_begin (pipe, fd, paths[i]);
      feed (pipe, f->rand, start, cuts[i], FALSE);
      g_test_message ("file %u: wait after %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " bytes",
                      i, cuts[i], sizes[i]);
      g_assert_true (pr_hash_pipe_wait (pipe));
      g_assert_true (pr_hash_pipe_wait (pipe));   /* again: nothing new, returns */
      assert_file_equals (paths[i], start, cuts[i]);
      /* only this file's descriptor is still open */
      g_assert_cmpuint (count_open_fds (), ==, f->fds_at_start + 1);
      if (i > 0)
        {
          assert_digest (hex[i - 1], source + (i - 1) * 4096, sizes[i - 1]);
          assert_file_equals (paths[i - 1], source + (i - 1) * 4096, sizes[i - 1]);
        }
      feed (pipe, f->rand, start + cuts[i], sizes[i] - cuts[i], FALSE);
      pr_hash_pipe_finish_to (pipe, hex[i]);
    }
  /* at the end */
  g_assert_true (pr_hash_pipe_wait (pipe));
  g_assert_cmpuint (count_open_fds (), ==, f->fds_at_start);
  for (guint i = 0; i < G_N_ELEMENTS (cuts); i++)
    {
      assert_digest (hex[i], source + i * 4096, sizes[i]);
      assert_file_equals (paths[i], source + i * 4096, sizes[i]);
      g_free (paths[i]);
    }
}

/* (3) Waits with nothing to do; an empty file; no error before a failure */
static void
test_wait_edges (Fixture *f, gconstpointer data)
{
  g_autoptr(PrHashPipe) pipe = pr_hash_pipe_new ();
  g_autofree char *path = NULL;
  const char *name = "unset";
  int saved = -1;
  Hex hex;
  int fd;

  g_assert_true (pr_hash_pipe_wait (pipe));
  g_assert_true (pr_hash_pipe_wait (pipe));

  fd = create_file (f, "empty", &path);
  pr_hash_pipe_begin (pipe, fd, path);
  g_assert_true (pr_hash_pipe_wait (pipe));       /* begun, nothing fed */
  g_assert_true (pr_hash_pipe_update (pipe, "", 0));
  pr_hash_pipe_finish_to (pipe, hex);
  g_assert_true (pr_hash_pipe_wait (pipe));
  g_assert_cmpuint (count_open_fds (), ==, f->fds_at_start);
  assert_digest (hex, (const guint8 *) "", 0);
  assert_file_equals (path, (const guint8 *) "", 0);

  g_assert_false (pr_hash_pipe_get_error (pipe, &saved, &name));
  g_assert_cmpint (saved, ==, 0);
  g_assert_null (name);
}

/* (3) A name seen twice: the importer waits, then truncates the file and
 * writes the later entry. Nothing of the first may land after the wait */
static void
test_wait_then_same_name (Fixture *f, gconstpointer data)
{
  g_autoptr(PrHashPipe) pipe = pr_hash_pipe_new ();
  g_autofree char *path = NULL;
  Hex first, second;
  int fd;

  fd = create_file (f, "sip.ld", &path);
  pr_hash_pipe_begin (pipe, fd, path);
  feed (pipe, f->rand, source, 2 * RING + HALF_RING + 3, FALSE);
  pr_hash_pipe_finish_to (pipe, first);
  g_assert_true (pr_hash_pipe_wait (pipe));

  fd = open (path, O_WRONLY | O_TRUNC | O_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  pr_hash_pipe_begin (pipe, fd, path);
  feed (pipe, f->rand, source + SOURCE_SIZE / 3, SLOT - 7, FALSE);
  pr_hash_pipe_finish_to (pipe, second);
  g_assert_true (pr_hash_pipe_wait (pipe));

  assert_digest (first, source, 2 * RING + HALF_RING + 3);
  assert_digest (second, source + SOURCE_SIZE / 3, SLOT - 7);
  assert_file_equals (path, source + SOURCE_SIZE / 3, SLOT - 7);
}

/* (4) Freeing the pipe with files finished but not waited for, and one half
 * fed: what was queued lands (digests, data), every descriptor is closed,
 * the unfinished file holds a prefix. ASan checks that nothing leaks and
 * nothing is touched after the free. */
static void
test_free_with_work_queued (Fixture *f, gconstpointer data)
{
  static const gsize sizes[] = { RING + SLOT / 2, 3, 2 * RING + 1, 0, HALF_RING };
  const gsize unfinished = 2 * SLOT + 77;
  /* on the heap, so a digest written after the free shows under ASan */
  Hex *hex = g_new0 (Hex, G_N_ELEMENTS (sizes));
  char *paths[G_N_ELEMENTS (sizes)];
  g_autofree char *last = NULL;
  PrHashPipe *pipe = pr_hash_pipe_new ();
  int fd;

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree char *name = g_strdup_printf ("file%u", i);

      fd = create_file (f, name, &paths[i]);
      pr_hash_pipe_begin (pipe, fd, paths[i]);
      feed (pipe, f->rand, source + i * 777, sizes[i], FALSE);
      pr_hash_pipe_finish_to (pipe, hex[i]);
    }
  fd = create_file (f, "unfinished", &last);
  pr_hash_pipe_begin (pipe, fd, last);
  feed (pipe, f->rand, source + 5, unfinished, FALSE);
  pr_hash_pipe_free (pipe);

  g_assert_cmpuint (count_open_fds (), ==, f->fds_at_start);
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      assert_digest (hex[i], source + i * 777, sizes[i]);
      assert_file_equals (paths[i], source + i * 777, sizes[i]);
      g_free (paths[i]);
    }
  assert_file_is_prefix (last, source + 5, unfinished);
  g_free (hex);
}

/* (4) Freeing at other moments */
static void
test_free_edges (Fixture *f, gconstpointer data)
{
  PrHashPipe *pipe;
  Hex hex;

  /* never used */
  pipe = pr_hash_pipe_new ();
  pr_hash_pipe_free (pipe);

  /* begun, nothing fed */
  pipe = pr_hash_pipe_new ();
  pr_hash_pipe_begin (pipe, create_file (f, "begun", NULL), "begun");
  pr_hash_pipe_free (pipe);
  g_assert_cmpuint (count_open_fds (), ==, f->fds_at_start);

  /* a full ring and more queued, hashed only, in the middle of a file */
  pipe = pr_hash_pipe_new ();
  pr_hash_pipe_begin (pipe, -1, "hashed only");
  feed (pipe, f->rand, source, 2 * RING + SLOT / 2, FALSE);
  pr_hash_pipe_free (pipe);

  /* a finished file not waited for, through g_autoptr */
  {
    g_autoptr(PrHashPipe) scoped = pr_hash_pipe_new ();

    pr_hash_pipe_begin (scoped, -1, "hashed only");
    feed (scoped, f->rand, source + 1, RING - 1, FALSE);
    pr_hash_pipe_finish_to (scoped, hex);
  }
  assert_digest (hex, source + 1, RING - 1);
}

/* (5) Where writes fail */
typedef enum {
  SINK_DEV_FULL,     /* ENOSPC */
  SINK_READ_ONLY,    /* a regular file opened for reading: EBADF */
  SINK_PIPE,         /* pwrite() on a pipe, its read end closed: ESPIPE */
} Sink;

static int
open_sink (Fixture *f,
           Sink     sink,
           int     *errno_out)
{
  int fd = -1;

  switch (sink)
    {
    case SINK_DEV_FULL:
      fd = open ("/dev/full", O_WRONLY | O_CLOEXEC);
      *errno_out = ENOSPC;
      break;
    case SINK_READ_ONLY:
      {
        g_autofree char *path = NULL;

        close (create_file (f, "read-only", &path));
        fd = open (path, O_RDONLY | O_CLOEXEC);
        *errno_out = EBADF;
      }
      break;
    case SINK_PIPE:
      {
        int ends[2];

        g_assert_cmpint (pipe2 (ends, O_CLOEXEC), ==, 0);
        close (ends[0]);
        fd = ends[1];
        *errno_out = ESPIPE;
      }
      break;
    }
  g_assert_cmpint (fd, >=, 0);
  return fd;
}

/* A write fails in the middle of a file: _update() says so from then on (not
 * necessarily at once: the helper writes late), _wait() says so, the error
 * is the system's errno with the name given to _begin(). It is the pipe's
 * first failure and stays: a later file is refused and a later failure does
 * not replace it. Files
 * finished and waited for before are untouched; every descriptor is closed. */
static void
test_write_error (Fixture *f, gconstpointer data)
{
  Sink sink = GPOINTER_TO_INT (data);
  g_autoptr(PrHashPipe) pipe = pr_hash_pipe_new ();
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gboolean refused = FALSE;
  const char *name = NULL;
  int want_errno = 0;
  int saved = 0;
  Hex hex_before, hex_after;
  gsize done;
  int fd;

  fd = create_file (f, "before", &before);
  pr_hash_pipe_begin (pipe, fd, before);
  feed (pipe, f->rand, source, RING + SLOT + 3, FALSE);
  pr_hash_pipe_finish_to (pipe, hex_before);
  g_assert_true (pr_hash_pipe_wait (pipe));

  pr_hash_pipe_begin (pipe, open_sink (f, sink, &want_errno), "the sink");
  /* three rings: the helper has to write some of it before the feeder can go on */
  for (done = 0; done < 3 * RING; done += 65536)
    {
      gboolean ok = pr_hash_pipe_update (pipe, source + done, 65536);

      if (refused)
        g_assert_false (ok);   /* once FALSE, FALSE from then on */
      refused = refused || !ok;
    }
  g_assert_false (pr_hash_pipe_wait (pipe));
  g_assert_false (pr_hash_pipe_update (pipe, source, 1));
  g_assert_true (pr_hash_pipe_get_error (pipe, &saved, &name));
  g_assert_cmpint (saved, ==, want_errno);
  g_assert_cmpstr (name, ==, "the sink");
  pr_hash_pipe_abort (pipe);

  /* the next file: the failure stays, the first error is kept */
  fd = create_file (f, "after", &after);
  pr_hash_pipe_begin (pipe, fd, after);
  g_assert_false (pr_hash_pipe_update (pipe, source, SLOT + 1));
  pr_hash_pipe_finish_to (pipe, hex_after);
  /* and a later failure (a close, see below) does not replace the first */
  pr_hash_pipe_begin (pipe, INT_MAX, "not open");
  pr_hash_pipe_finish_to (pipe, hex_after);
  g_assert_false (pr_hash_pipe_wait (pipe));
  g_assert_true (pr_hash_pipe_get_error (pipe, &saved, &name));
  g_assert_cmpint (saved, ==, want_errno);
  g_assert_cmpstr (name, ==, "the sink");

  g_assert_cmpuint (count_open_fds (), ==, f->fds_at_start);
  assert_digest (hex_before, source, RING + SLOT + 3);
  assert_file_equals (before, source, RING + SLOT + 3);
}

/* A write failure in one file leaves the files queued before it whole: the
 * earlier file is finished but not waited for when the sink's writes fail */
static void
test_error_keeps_earlier_files (Fixture *f, gconstpointer data)
{
  g_autoptr(PrHashPipe) pipe = pr_hash_pipe_new ();
  g_autofree char *path = NULL;
  int want_errno = 0;
  Hex hex;
  gsize done;

  pr_hash_pipe_begin (pipe, create_file (f, "earlier", &path), "earlier");
  g_assert_true (pr_hash_pipe_update (pipe, source, 5 * SLOT + 100));
  pr_hash_pipe_finish_to (pipe, hex);
  pr_hash_pipe_begin (pipe, open_sink (f, SINK_DEV_FULL, &want_errno), "the sink");
  for (done = 0; done < 2 * RING; done += SLOT)
    pr_hash_pipe_update (pipe, source + done, SLOT);
  pr_hash_pipe_abort (pipe);
  g_assert_false (pr_hash_pipe_wait (pipe));

  assert_digest (hex, source, 5 * SLOT + 100);
  assert_file_equals (path, source, 5 * SLOT + 100);
}

/* (5) A close that fails (as it may on NFS) is a failure too: here a
 * descriptor that is not open, with nothing to write. The digest still
 * comes. */
static void
test_close_error (Fixture *f, gconstpointer data)
{
  g_autoptr(PrHashPipe) pipe = pr_hash_pipe_new ();
  const char *name = NULL;
  int saved = 0;
  Hex hex;

  pr_hash_pipe_begin (pipe, INT_MAX, "not open");
  pr_hash_pipe_finish_to (pipe, hex);
  g_assert_false (pr_hash_pipe_wait (pipe));
  g_assert_true (pr_hash_pipe_get_error (pipe, &saved, &name));
  g_assert_cmpint (saved, ==, EBADF);
  g_assert_cmpstr (name, ==, "not open");
  assert_digest (hex, (const guint8 *) "", 0);
}

int
main (int argc, char **argv)
{
  GRand *rand;
  int ret;

  g_test_init (&argc, &argv, NULL);
  /* pwrite() on a pipe fails with ESPIPE before writing; should any write
   * reach a pipe without a reader, fail with EPIPE rather than die */
  signal (SIGPIPE, SIG_IGN);

  rand = g_rand_new_with_seed (SEED);
  source = g_malloc (SOURCE_SIZE);
  for (gsize i = 0; i < SOURCE_SIZE; i += 4)
    {
      guint32 word = g_rand_int (rand);

      memcpy (source + i, &word, 4);
    }
  g_rand_free (rand);

  g_test_add ("/hash-pipe/random-files", Fixture, NULL, setup, test_random_files, teardown);
  g_test_add ("/hash-pipe/abort/mid-file", Fixture, NULL, setup, test_abort_mid_file, teardown);
  g_test_add ("/hash-pipe/abort/after-wait", Fixture, NULL, setup, test_abort_after_wait, teardown);
  g_test_add ("/hash-pipe/wait/mid-file", Fixture, NULL, setup, test_wait_mid_file, teardown);
  g_test_add ("/hash-pipe/wait/edges", Fixture, NULL, setup, test_wait_edges, teardown);
  g_test_add ("/hash-pipe/wait/same-name", Fixture, NULL, setup, test_wait_then_same_name, teardown);
  g_test_add ("/hash-pipe/free/work-queued", Fixture, NULL, setup, test_free_with_work_queued, teardown);
  g_test_add ("/hash-pipe/free/edges", Fixture, NULL, setup, test_free_edges, teardown);
  g_test_add ("/hash-pipe/error/dev-full", Fixture, GINT_TO_POINTER (SINK_DEV_FULL),
              setup, test_write_error, teardown);
  g_test_add ("/hash-pipe/error/read-only", Fixture, GINT_TO_POINTER (SINK_READ_ONLY),
              setup, test_write_error, teardown);
  g_test_add ("/hash-pipe/error/pipe", Fixture, GINT_TO_POINTER (SINK_PIPE),
              setup, test_write_error, teardown);
  g_test_add ("/hash-pipe/error/keeps-earlier-files", Fixture, NULL, setup, test_error_keeps_earlier_files, teardown);
  g_test_add ("/hash-pipe/error/close", Fixture, NULL, setup, test_close_error, teardown);

  ret = g_test_run ();
  g_free (source);
  return ret;
}
