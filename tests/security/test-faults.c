/* test-faults.c — faults around the real phone-rescue-cli: a full disk during
 * an import or an upload, an uploads folder that cannot be written, the store
 * removed or changed while serving, the chosen address unavailable or going
 * away. Each must give a clear error while the rest keeps working, and
 * nothing half-written may ever be served.
 *
 * A small tmpfs stands in for a full disk. The test process first moves into
 * a private mount namespace (root only), so no mount outlives it or shows
 * outside; without that the tmpfs cases are skipped and RLIMIT_FSIZE covers
 * the import. The address that goes away lives in a private network
 * namespace (unshare(CLONE_NEWNET), on its loopback device).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pr-sec-util.h"

#define MAC      "0004f2aabbcc"
#define LOOPBACK "127.0.0.1"

static gboolean can_mount;

typedef struct {
  char        *dir;
  char        *store;
  char        *uploads;
  PrSecServer *server;
} Fixture;

#define NEED_CLI() G_STMT_START { if (pr_sec_cli () == NULL) { \
    g_test_skip ("PHONE_RESCUE_CLI is not set"); return; } } G_STMT_END

static void
setup (Fixture *f, gconstpointer data)
{
  f->dir = pr_sec_make_tmp_dir ("pr-faults");
  f->store = g_build_filename (f->dir, "store", NULL);
  f->uploads = g_build_filename (f->dir, "uploads", NULL);
  g_assert_cmpint (g_mkdir_with_parents (f->store, 0755), ==, 0);
}

static void
stop_server (Fixture *f)
{
  g_autofree char *err = NULL;

  if (f->server == NULL)
    return;
  g_assert_true (pr_sec_server_alive (f->server));
  g_assert_true (pr_sec_server_stop (f->server));
  err = pr_sec_server_stderr (f->server);
  if (err != NULL && (strstr (err, "CRITICAL") != NULL || strstr (err, "runtime error") != NULL ||
                      strstr (err, "Sanitizer") != NULL))
    g_error ("the server complained on stderr:\n%s", err);
  g_clear_pointer (&f->server, pr_sec_server_free);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_autofree char *disk = g_build_filename (f->dir, "disk", NULL);

  stop_server (f);
  if (can_mount)
    {
      umount2 (disk, MNT_DETACH);
      umount2 (f->uploads, MNT_DETACH);
    }
  pr_sec_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->store);
  g_free (f->uploads);
}

static void
write_in (const char *dir, const char *name, const char *text)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  pr_sec_write_file (path, text, strlen (text));
}

static void
start_server (Fixture *f, const char *const *extra)
{
  g_autoptr(GError) error = NULL;

  f->server = pr_sec_server_start (f->dir, f->store, f->uploads, LOOPBACK, extra, &error);
  g_assert_no_error (error);
}

static PrSecResponse *
get (Fixture *f, const char *target)
{
  g_autofree char *request = pr_sec_simple_request ("GET", target, NULL);

  return pr_sec_exchange (LOOPBACK, f->server->port, request, strlen (request), 0, 10000);
}

static PrSecResponse *
put (Fixture *f, const char *target, gsize size, char fill)
{
  g_autoptr(GString) request = g_string_new (NULL);

  g_string_printf (request, "PUT %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: %" G_GSIZE_FORMAT "\r\n\r\n",
                   target, size);
  for (gsize i = 0; i < size; i++)
    g_string_append_c (request, fill);
  return pr_sec_exchange (LOOPBACK, f->server->port, request->str, request->len, 0, 10000);
}

static gboolean
mount_tmpfs (const char *path, const char *size)
{
  g_autofree char *options = g_strdup_printf ("size=%s,mode=0755", size);

  g_assert_cmpint (g_mkdir_with_parents (path, 0755), ==, 0);
  if (!can_mount)
    return FALSE;
  return mount ("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, options) == 0;
}

/* A vendor-like application zip, written with libarchive (stored, so the
 * image's random bytes take their full size on disk) */
static void
write_bundle (const char *path, gsize image_size, guint32 seed, const char *version)
{
  struct archive *a = archive_write_new ();
  g_autoptr(GBytes) image = pr_sec_random_bytes (image_size, seed);
  const char *names[] = { "sip.ld", "2345-12360-001.sip.ld", "sip.ver" };

  g_assert_cmpint (archive_write_set_format_zip (a), ==, ARCHIVE_OK);
  archive_write_set_options (a, "zip:compression=store");
  g_assert_cmpint (archive_write_open_filename (a, path), ==, ARCHIVE_OK);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      struct archive_entry *entry = archive_entry_new ();
      const void *data = i < 2 ? g_bytes_get_data (image, NULL) : version;
      gsize size = i < 2 ? image_size : strlen (version);

      archive_entry_set_pathname (entry, names[i]);
      archive_entry_set_filetype (entry, AE_IFREG);
      archive_entry_set_perm (entry, 0644);
      archive_entry_set_size (entry, size);
      g_assert_cmpint (archive_write_header (a, entry), ==, ARCHIVE_OK);
      g_assert_cmpint (archive_write_data (a, data, size), ==, (la_ssize_t) size);
      archive_entry_free (entry);
    }
  g_assert_cmpint (archive_write_close (a), ==, ARCHIVE_OK);
  archive_write_free (a);
}

typedef struct {
  rlim_t fsize;
} ImportLimits;

static void
import_child_setup (gpointer data)
{
  ImportLimits *limits = data;

  if (limits != NULL && limits->fsize > 0)
    {
      struct rlimit rl = { limits->fsize, limits->fsize };
      /* a write past the limit fails with EFBIG instead of killing */
      signal (SIGXFSZ, SIG_IGN);
      setrlimit (RLIMIT_FSIZE, &rl);
    }
}

static GSubprocess *
spawn_import (const char *store, const char *bundle, ImportLimits *limits, GError **error)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);

  g_subprocess_launcher_set_child_setup (launcher, import_child_setup, limits, NULL);
  return g_subprocess_launcher_spawn (launcher, error, pr_sec_cli (), "import", "--store", store, bundle, NULL);
}

static int
finish_import (GSubprocess *process, char **out, char **err)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8 (process, NULL, NULL, out, err, &error);
  g_assert_no_error (error);
  return g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process)
                                               : 128 + g_subprocess_get_term_sig (process);
}

static int
run_import (const char *store, const char *bundle, ImportLimits *limits, char **err)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = spawn_import (store, bundle, limits, &error);
  g_autofree char *out = NULL;

  g_assert_no_error (error);
  return finish_import (process, &out, err);
}

/* The store's disk fills up during an import: the import fails with words a
 * person understands, the store is as it was, nothing is left beside it, and
 * a server on that store keeps answering with the old, whole files */
static void
import_until_full (Fixture *f, gboolean tmpfs)
{
  g_autofree char *disk = g_build_filename (f->dir, "disk", NULL);
  g_autofree char *small = g_build_filename (f->dir, "spip_ssip_3_2_3_release_sig_split.zip", NULL);
  g_autofree char *large = g_build_filename (f->dir, "spip_ssip_3_2_4_release_sig_split.zip", NULL);
  g_autofree char *before = NULL, *after = NULL, *err = NULL, *old_image = NULL;
  g_autofree char *image_path = NULL;
  g_autoptr(GSubprocess) import = NULL;
  g_autoptr(GError) error = NULL;
  ImportLimits limits = { .fsize = tmpfs ? 0 : 1024 * 1024 };
  gsize old_size = 0;
  guint served = 0;
  int status;

  if (tmpfs && !mount_tmpfs (disk, "2m"))
    {
      g_test_skip ("cannot mount a tmpfs here (needs root and a private mount namespace)");
      return;
    }
  g_free (f->store);
  f->store = g_build_filename (tmpfs ? disk : f->dir, "store", NULL);
  write_bundle (small, 64 * 1024, 1, "3.2.3\n");
  write_bundle (large, 3 * 1024 * 1024, 2, "3.2.4\n");

  status = run_import (f->store, small, NULL, &err);
  g_assert_cmpint (status, ==, 0);
  g_clear_pointer (&err, g_free);
  image_path = g_build_filename (f->store, "sip.ld", NULL);
  g_assert_true (g_file_get_contents (image_path, &old_image, &old_size, NULL));
  g_assert_cmpuint (old_size, ==, 64 * 1024);
  before = pr_sec_hash_tree (tmpfs ? disk : f->store);

  start_server (f, NULL);
  import = spawn_import (f->store, large, &limits, &error);
  g_assert_no_error (error);
  /* while it runs (and after), the phones get the old image, whole */
  for (guint i = 0; i < 400 && g_subprocess_get_identifier (import) != NULL; i++)
    {
      g_autoptr(PrSecResponse) r = get (f, i % 2 ? "/2345-12360-001.sip.ld" : "/sip.ld");
      gsize len;
      const char *body = pr_sec_body (r, &len);

      g_assert_cmpuint (r->status, ==, 200);
      g_assert_cmpmem (body, len, old_image, old_size);
      served++;
    }
  status = finish_import (import, NULL, &err);
  g_test_message ("import into a %s: exit %d, %u whole downloads of the old image meanwhile; stderr: %s",
                  tmpfs ? "full 2 MiB tmpfs" : "1 MiB RLIMIT_FSIZE", status, served, err);
  g_assert_cmpint (status, ==, 1);
  g_assert_nonnull (strstr (err, "Cannot import"));
  g_assert_true (strstr (err, "disk is full") != NULL || strstr (err, "too large") != NULL ||
                 strstr (err, "No space") != NULL);
  after = pr_sec_hash_tree (tmpfs ? disk : f->store);
  g_assert_cmpstr (after, ==, before);
  {
    g_autoptr(PrSecResponse) r = get (f, "/sip.ld");
    gsize len;
    const char *body = pr_sec_body (r, &len);

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpmem (body, len, old_image, old_size);
  }
  /* and the same import works once there is room */
  if (tmpfs)
    {
      g_clear_pointer (&err, g_free);
      g_assert_cmpint (mount ("tmpfs", disk, "tmpfs", MS_REMOUNT | MS_NOSUID | MS_NODEV, "size=16m"), ==, 0);
      status = run_import (f->store, large, NULL, &err);
      g_assert_cmpint (status, ==, 0);
      {
        g_autoptr(PrSecResponse) r = get (f, "/sip.ld");
        g_assert_cmpuint (r->status, ==, 200);
        g_assert_cmpint (r->content_length, ==, 3 * 1024 * 1024);
      }
    }
}

static void
test_import_disk_full (Fixture *f, gconstpointer data)
{
  NEED_CLI ();
  import_until_full (f, TRUE);
}

static void
test_import_file_size_limit (Fixture *f, gconstpointer data)
{
  NEED_CLI ();
  import_until_full (f, FALSE);
}

/* Uploads: a file where the folder should be (root ignores chmod 000) */
static void
test_uploads_not_a_folder (Fixture *f, gconstpointer data)
{
  g_autofree char *mac_dir = NULL;

  NEED_CLI ();
  pr_sec_write_file (f->uploads, "not a folder", 12);
  write_in (f->store, "sip.cfg", "<sip/>");
  start_server (f, NULL);
  {
    g_autoptr(PrSecResponse) r = put (f, "/" MAC "-boot.log", 100, 'x');
    g_autoptr(PrSecResponse) r2 = get (f, "/sip.cfg");

    g_assert_cmpuint (r->status, ==, 500);
    g_assert_cmpuint (r2->status, ==, 200);
  }
  g_assert_cmpuint (pr_sec_server_count_events (f->server, "\"event\":\"warning\""), >=, 1);
  {
    g_autofree char *err = pr_sec_server_stderr (f->server);
    g_test_message ("uploads path is a file: PUT -> 500; the CLI says: %s", err);
    g_assert_nonnull (strstr (err, "upload was refused"));
  }
  stop_server (f);

  /* the folder of one phone is a file: that phone gets 500, others 201 */
  g_assert_cmpint (g_unlink (f->uploads), ==, 0);
  g_assert_cmpint (g_mkdir (f->uploads, 0755), ==, 0);
  mac_dir = g_build_filename (f->uploads, MAC, NULL);
  pr_sec_write_file (mac_dir, "in the way", 10);
  start_server (f, NULL);
  {
    g_autoptr(PrSecResponse) r = put (f, "/" MAC "-boot.log", 100, 'x');
    g_autoptr(PrSecResponse) r2 = put (f, "/0004f2000001-boot.log", 100, 'y');

    g_assert_cmpuint (r->status, ==, 500);
    g_assert_cmpuint (r2->status, ==, 201);
  }
}

/* Uploads on a full disk: 500 and a warning, the earlier log intact, no
 * temporary file left; once there is room again uploads work */
static void
test_uploads_disk_full (Fixture *f, gconstpointer data)
{
  g_autofree char *log = NULL, *contents = NULL;

  NEED_CLI ();
  if (!mount_tmpfs (f->uploads, "256k"))
    {
      g_test_skip ("cannot mount a tmpfs here (needs root and a private mount namespace)");
      return;
    }
  write_in (f->store, "sip.cfg", "<sip/>");
  start_server (f, NULL);
  log = g_build_filename (f->uploads, MAC, MAC "-boot.log", NULL);
  {
    g_autoptr(PrSecResponse) r = put (f, "/" MAC "-boot.log", 1000, 'a');
    g_assert_cmpuint (r->status, ==, 201);
  }
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(PrSecResponse) r = put (f, "/" MAC "-boot.log", 1024 * 1024, 'b');
      g_autoptr(PrSecResponse) r2 = get (f, "/sip.cfg");

      g_assert_cmpuint (r->status, ==, 500);
      g_assert_cmpuint (r2->status, ==, 200);
    }
  g_assert_true (g_file_get_contents (log, &contents, NULL, NULL));
  g_assert_cmpuint (strlen (contents), ==, 1000);
  g_assert_cmpint (contents[0], ==, 'a');
  g_assert_cmpuint (pr_sec_count_matching (f->uploads, ".upload-*"), ==, 0);
  g_assert_cmpuint (pr_sec_server_count_events (f->server, "\"event\":\"warning\""), >=, 1);
  {
    g_autoptr(PrSecResponse) r = put (f, "/" MAC "-boot.log", 2000, 'c');
    g_assert_cmpuint (r->status, ==, 201);
  }
  {
    g_autofree char *err = pr_sec_server_stderr (f->server);
    g_test_message ("uploads on a full 256 KiB tmpfs: PUT of 1 MiB -> 500; the CLI says: %s", err);
  }
}

/* The store removed while a phone downloads: that download completes with
 * the bytes it started with (or is cut off), never others; then 404; a new
 * store at the same place is served */
static void
test_store_removed (Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) image = pr_sec_random_bytes (4 * 1024 * 1024, 3);
  g_autofree char *path = g_build_filename (f->store, "sip.ld", NULL);
  g_autofree char *request = pr_sec_simple_request ("GET", "/sip.ld", NULL);
  g_autoptr(PrSecResponse) r = NULL;
  int err, fd;
  gsize len;
  const char *got;

  NEED_CLI ();
  pr_sec_write_file (path, g_bytes_get_data (image, NULL), g_bytes_get_size (image));
  start_server (f, NULL);

  fd = pr_sec_connect (LOOPBACK, f->server->port, 16 * 1024, &err);
  g_assert_cmpint (fd, >=, 0);
  g_assert_true (pr_sec_send_all (fd, request, strlen (request)));
  g_usleep (200 * 1000);
  pr_sec_rm_rf (f->store);
  r = pr_sec_read_response (fd, FALSE, 30000);
  close (fd);
  got = pr_sec_body (r, &len);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpuint (len, <=, g_bytes_get_size (image));
  g_assert_cmpmem (got, len, g_bytes_get_data (image, NULL), len);
  g_test_message ("store removed mid-download: %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " bytes arrived, all of them the original's",
                  len, g_bytes_get_size (image));

  {
    g_autoptr(PrSecResponse) r1 = get (f, "/sip.ld");
    g_autoptr(PrSecResponse) r2 = get (f, "/000000000000.cfg");
    g_autoptr(PrSecResponse) r3 = get (f, "/0004f2aabbcc.cfg");

    g_assert_cmpuint (r1->status, ==, 404);
    g_assert_true (r2->status == 404 || r2->status == 200 || r2->status == 503);
    g_assert_true (r3->status == 404 || r3->status == 200 || r3->status == 503);
  }
  g_assert_cmpint (g_mkdir (f->store, 0755), ==, 0);
  pr_sec_write_file (path, "new image", 9);
  {
    g_autoptr(PrSecResponse) r1 = get (f, "/sip.ld");
    got = pr_sec_body (r1, &len);
    g_assert_cmpuint (r1->status, ==, 200);
    g_assert_cmpmem (got, len, "new image", 9);
  }
}

/* A file replaced by rename while served: the download in flight gets the old
 * file whole, the next one the new file. A file truncated in place (someone
 * copying over it by hand): the server survives and the download in flight is
 * cut short, so the phone knows it is incomplete. */
static void
test_store_file_changes (Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) old_image = pr_sec_random_bytes (8 * 1024 * 1024, 4);
  g_autoptr(GBytes) new_image = pr_sec_random_bytes (1024 * 1024, 5);
  g_autofree char *path = g_build_filename (f->store, "sip.ld", NULL);
  g_autofree char *temp = g_build_filename (f->store, "sip.ld.new", NULL);
  g_autofree char *request = pr_sec_simple_request ("GET", "/sip.ld", NULL);
  int err, fd;
  gsize len;
  const char *got;

  NEED_CLI ();
  pr_sec_write_file (path, g_bytes_get_data (old_image, NULL), g_bytes_get_size (old_image));
  start_server (f, NULL);

  /* atomic replacement */
  fd = pr_sec_connect (LOOPBACK, f->server->port, 16 * 1024, &err);
  g_assert_cmpint (fd, >=, 0);
  g_assert_true (pr_sec_send_all (fd, request, strlen (request)));
  g_usleep (200 * 1000);
  pr_sec_write_file (temp, g_bytes_get_data (new_image, NULL), g_bytes_get_size (new_image));
  g_assert_cmpint (g_rename (temp, path), ==, 0);
  {
    g_autoptr(PrSecResponse) in_flight = pr_sec_read_response (fd, FALSE, 30000);
    g_autoptr(PrSecResponse) next = get (f, "/sip.ld");

    close (fd);
    got = pr_sec_body (in_flight, &len);
    g_assert_cmpmem (got, len, g_bytes_get_data (old_image, NULL), g_bytes_get_size (old_image));
    got = pr_sec_body (next, &len);
    g_assert_cmpmem (got, len, g_bytes_get_data (new_image, NULL), g_bytes_get_size (new_image));
  }

  /* truncation in place */
  pr_sec_write_file (temp, g_bytes_get_data (old_image, NULL), g_bytes_get_size (old_image));
  g_assert_cmpint (g_rename (temp, path), ==, 0);
  fd = pr_sec_connect (LOOPBACK, f->server->port, 16 * 1024, &err);
  g_assert_cmpint (fd, >=, 0);
  g_assert_true (pr_sec_send_all (fd, request, strlen (request)));
  g_usleep (200 * 1000);
  g_assert_cmpint (truncate (path, 4096), ==, 0);
  {
    g_autoptr(PrSecResponse) in_flight = pr_sec_read_response (fd, FALSE, 30000);

    close (fd);
    got = pr_sec_body (in_flight, &len);
    g_test_message ("file truncated in place mid-download: %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " bytes arrived, connection %s",
                    len, g_bytes_get_size (old_image), in_flight->closed ? "closed" : "open");
    /* The phone can tell: fewer bytes than announced. (The bytes past the
     * new end are not the original's: an in-place change is visible to a
     * mapped file; see README-security.md, "Hand-filled stores".) */
    g_assert_cmpuint (in_flight->status, ==, 200);
    g_assert_cmpint ((gint64) len, <, in_flight->content_length);
    g_assert_cmpmem (got, MIN (len, 4096), g_bytes_get_data (old_image, NULL), MIN (len, 4096));
  }
  g_assert_true (pr_sec_server_alive (f->server));
  {
    g_autoptr(PrSecResponse) next = get (f, "/sip.ld");
    g_assert_cmpuint (next->status, ==, 200);
    g_assert_cmpint (next->content_length, ==, 4096);
  }
}

/* An address that is not on this machine, a port in use: a clear error, exit
 * 1, and the server that has the port keeps serving */
static void
test_address_unavailable (Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL, *err = NULL, *port = NULL;
  int status;

  NEED_CLI ();
  {
    const char *argv[] = { pr_sec_cli (), "serve", "--json", "--address", "192.0.2.1", "--port", "0",
                           "--store", f->store, "--uploads", f->uploads, NULL };
    status = pr_sec_run (argv, &out, &err);
    g_test_message ("serve --address 192.0.2.1: exit %d, %s", status, err);
    g_assert_cmpint (status, ==, 1);
    g_assert_nonnull (strstr (err, "not on this computer"));
    g_assert_nonnull (strstr (out, "\"event\":\"error\""));
  }
  write_in (f->store, "sip.cfg", "<sip/>");
  start_server (f, NULL);
  port = g_strdup_printf ("%u", f->server->port);
  {
    const char *argv[] = { pr_sec_cli (), "serve", "--json", "--address", LOOPBACK, "--port", port,
                           "--store", f->store, "--uploads", f->uploads, NULL };
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    status = pr_sec_run (argv, &out, &err);
    g_test_message ("a second serve on the same port: exit %d, %s", status, err);
    g_assert_cmpint (status, ==, 1);
    g_assert_nonnull (strstr (err, "already used"));
  }
  {
    g_autoptr(PrSecResponse) r = get (f, "/sip.cfg");
    g_assert_cmpuint (r->status, ==, 200);
  }
}

/* The chosen address goes away while serving (in a private network
 * namespace, on its loopback): the other address keeps serving; the server
 * keeps running and answers again when the address comes back; a new server
 * on the vanished address says so */
static gboolean
ip (const char *args)
{
  g_autofree char *command = g_strdup_printf ("ip %s", args);
  g_auto(GStrv) argv = g_strsplit (command, " ", -1);

  return pr_sec_run ((const char *const *) argv, NULL, NULL) == 0;
}

static void
address_goes_away_child (Fixture *f)
{
  const char *const extra[] = { "--address", "10.9.9.1", NULL };
  g_autofree char *port = NULL, *out = NULL, *err = NULL;
  int fd, e = 0;

  g_assert_cmpint (unshare (CLONE_NEWNET), ==, 0);
  g_assert_true (ip ("link set lo up"));
  g_assert_true (ip ("addr add 10.9.9.1/32 dev lo"));
  write_in (f->store, "sip.cfg", "<sip/>");
  start_server (f, extra);
  g_assert_cmpuint (pr_sec_server_count_events (f->server, "\"event\":\"listening\""), ==, 2);

  {
    g_autofree char *request = pr_sec_simple_request ("GET", "/sip.cfg", NULL);
    g_autoptr(PrSecResponse) r1 = pr_sec_exchange ("10.9.9.1", f->server->port, request, strlen (request), 0, 5000);
    g_autoptr(PrSecResponse) r2 = NULL;
    g_autoptr(PrSecResponse) r3 = NULL;

    g_assert_cmpuint (r1->status, ==, 200);
    g_assert_true (ip ("addr del 10.9.9.1/32 dev lo"));
    fd = pr_sec_connect ("10.9.9.1", f->server->port, 0, &e);
    g_assert_cmpint (fd, <, 0);
    /* (in a subprocess: printed on stderr to show in the log) */
    g_printerr ("address removed: connecting to it fails with \"%s\"; 127.0.0.1 still answers\n", g_strerror (e));
    r2 = get (f, "/sip.cfg");
    g_assert_cmpuint (r2->status, ==, 200);
    g_assert_true (pr_sec_server_alive (f->server));

    port = g_strdup_printf ("%u", f->server->port + 1);
    {
      const char *argv[] = { pr_sec_cli (), "serve", "--json", "--address", "10.9.9.1", "--port", port,
                             "--store", f->store, "--uploads", f->uploads, NULL };
      int status = pr_sec_run (argv, &out, &err);
      g_printerr ("serve on the vanished address: exit %d, %s", status, err);
      g_assert_cmpint (status, ==, 1);
      g_assert_nonnull (strstr (err, "not on this computer"));
    }

    g_assert_true (ip ("addr add 10.9.9.1/32 dev lo"));
    r3 = pr_sec_exchange ("10.9.9.1", f->server->port, request, strlen (request), 0, 5000);
    g_assert_cmpuint (r3->status, ==, 200);
  }
  stop_server (f);
}

static void
test_address_goes_away (Fixture *f, gconstpointer data)
{
  const char *probe[] = { "unshare", "--net", "true", NULL };
  g_autofree char *ip_path = g_find_program_in_path ("ip");

  NEED_CLI ();
  if (ip_path == NULL || pr_sec_run (probe, NULL, NULL) != 0)
    {
      g_test_skip ("no private network namespace here (needs root, unshare and iproute2)");
      return;
    }
  if (g_test_subprocess ())
    {
      address_goes_away_child (f);
      return;
    }
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDOUT | G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  /* A private mount namespace: tmpfs mounts vanish with this process */
  can_mount = getuid () == 0 && unshare (CLONE_NEWNS) == 0 &&
              mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0;

#define ADD(path, fn) g_test_add (path, Fixture, NULL, setup, fn, teardown)
  ADD ("/faults/import-disk-full", test_import_disk_full);
  ADD ("/faults/import-file-size-limit", test_import_file_size_limit);
  ADD ("/faults/uploads-not-a-folder", test_uploads_not_a_folder);
  ADD ("/faults/uploads-disk-full", test_uploads_disk_full);
  ADD ("/faults/store-removed-while-serving", test_store_removed);
  ADD ("/faults/store-file-changes-while-serving", test_store_file_changes);
  ADD ("/faults/address-unavailable", test_address_unavailable);
  ADD ("/faults/address-goes-away", test_address_goes_away);
#undef ADD
  return g_test_run ();
}
