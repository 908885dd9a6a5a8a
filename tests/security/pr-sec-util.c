/* pr-sec-util.c — helpers for the security and fault suites
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pr-sec-util.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

PrSecTally pr_sec_tally;

const char *
pr_sec_cli (void)
{
  return g_getenv ("PHONE_RESCUE_CLI");
}

/* Server */

static void
child_setup (gpointer data)
{
  /* no server outlives the test */
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static gboolean
parse_port (const char *text, guint16 *port)
{
  const char *listening = strstr (text, "\"event\":\"listening\"");
  const char *p;

  if (listening == NULL || (p = strstr (listening, "\"port\":")) == NULL)
    return FALSE;
  *port = (guint16) atoi (p + strlen ("\"port\":"));
  return *port != 0;
}

PrSecServer *
pr_sec_server_start (const char        *log_dir,
                     const char        *store,
                     const char        *uploads,
                     const char        *address,
                     const char *const *extra_args,
                     GError           **error)
{
  static guint counter;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  PrSecServer *server = g_new0 (PrSecServer, 1);
  g_autofree char *out_name = g_strdup_printf ("serve-%u.out", ++counter);
  g_autofree char *err_name = g_strdup_printf ("serve-%u.err", counter);
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  g_return_val_if_fail (pr_sec_cli () != NULL, NULL);
  server->address = g_strdup (address != NULL ? address : "127.0.0.1");
  server->out_path = g_build_filename (log_dir, out_name, NULL);
  server->err_path = g_build_filename (log_dir, err_name, NULL);
  server->exit_status = -1;

  g_ptr_array_add (argv, (gpointer) pr_sec_cli ());
  g_ptr_array_add (argv, "serve");
  g_ptr_array_add (argv, "--json");
  g_ptr_array_add (argv, "--address");
  g_ptr_array_add (argv, server->address);
  g_ptr_array_add (argv, "--port");
  g_ptr_array_add (argv, "0");
  g_ptr_array_add (argv, "--store");
  g_ptr_array_add (argv, (gpointer) store);
  g_ptr_array_add (argv, "--uploads");
  g_ptr_array_add (argv, (gpointer) uploads);
  for (guint i = 0; extra_args != NULL && extra_args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) extra_args[i]);
  g_ptr_array_add (argv, NULL);

  if (PR_SEC_SANITIZED)
    {
      /* memory figures of the server, not of ASan's quarantine of freed blocks */
      const char *options = g_getenv ("ASAN_OPTIONS");
      g_autofree char *small = g_strdup_printf ("%s%squarantine_size_mb=4:thread_local_quarantine_size_kb=256",
                                                options != NULL ? options : "", options != NULL ? ":" : "");
      g_subprocess_launcher_setenv (launcher, "ASAN_OPTIONS", small, TRUE);
    }
  g_subprocess_launcher_set_stdout_file_path (launcher, server->out_path);
  g_subprocess_launcher_set_stderr_file_path (launcher, server->err_path);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  server->process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, error);
  if (server->process == NULL)
    {
      pr_sec_server_free (server);
      return NULL;
    }
  server->pid = atoi (g_subprocess_get_identifier (server->process));

  while (g_get_monotonic_time () < deadline)
    {
      g_autofree char *out = pr_sec_server_stdout (server);

      if (out != NULL && parse_port (out, &server->port))
        return server;
      if (!pr_sec_server_alive (server))
        break;
      g_usleep (20 * 1000);
    }

  {
    g_autofree char *err = pr_sec_server_stderr (server);
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "phone-rescue-cli serve did not start listening: %s",
                 err != NULL ? err : "");
  }
  pr_sec_server_stop (server);
  pr_sec_server_free (server);
  return NULL;
}

gboolean
pr_sec_server_alive (PrSecServer *server)
{
  g_autofree char *path = NULL;
  g_autofree char *stat = NULL;
  const char *paren;

  if (server->process == NULL || g_subprocess_get_identifier (server->process) == NULL)
    return FALSE;
  path = g_strdup_printf ("/proc/%d/stat", server->pid);
  if (!g_file_get_contents (path, &stat, NULL, NULL))
    return FALSE;
  paren = strrchr (stat, ')');
  return paren != NULL && paren[1] == ' ' && paren[2] != 'Z' && paren[2] != 'X';
}

gboolean
pr_sec_server_stop (PrSecServer *server)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  if (server->process == NULL)
    return FALSE;
  if (g_subprocess_get_identifier (server->process) != NULL)
    g_subprocess_send_signal (server->process, SIGTERM);
  while (g_subprocess_get_identifier (server->process) != NULL && g_get_monotonic_time () < deadline)
    g_usleep (20 * 1000);
  if (g_subprocess_get_identifier (server->process) != NULL)
    g_subprocess_force_exit (server->process);
  g_subprocess_wait (server->process, NULL, NULL);
  if (g_subprocess_get_if_exited (server->process))
    server->exit_status = g_subprocess_get_exit_status (server->process);
  else
    server->exit_status = 128 + g_subprocess_get_term_sig (server->process);
  if (server->exit_status != 0)
    {
      g_autofree char *err = pr_sec_server_stderr (server);
      g_test_message ("phone-rescue-cli exited with status %d; its stderr:\n%s", server->exit_status,
                      err != NULL ? err : "");
    }
  return server->exit_status == 0;
}

void
pr_sec_server_free (PrSecServer *server)
{
  if (server == NULL)
    return;
  if (server->process != NULL && g_subprocess_get_identifier (server->process) != NULL)
    {
      g_subprocess_force_exit (server->process);
      g_subprocess_wait (server->process, NULL, NULL);
    }
  g_clear_object (&server->process);
  g_free (server->address);
  g_free (server->out_path);
  g_free (server->err_path);
  g_free (server);
}

char *
pr_sec_server_stdout (PrSecServer *server)
{
  char *text = NULL;

  g_file_get_contents (server->out_path, &text, NULL, NULL);
  return text;
}

char *
pr_sec_server_stderr (PrSecServer *server)
{
  char *text = NULL;

  g_file_get_contents (server->err_path, &text, NULL, NULL);
  return text;
}

guint
pr_sec_server_count_events (PrSecServer *server,
                            const char  *needle)
{
  g_autofree char *out = pr_sec_server_stdout (server);
  g_auto(GStrv) lines = NULL;
  guint n = 0;

  if (out == NULL)
    return 0;
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], needle) != NULL)
      n++;
  return n;
}

int
pr_sec_run (const char *const *argv,
            char             **out,
            char             **err)
{
  g_autoptr(GError) error = NULL;
  int status = -1;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, out, err, &status, &error))
    {
      g_test_message ("cannot run %s: %s", argv[0], error->message);
      return -1;
    }
  if (WIFEXITED (status))
    return WEXITSTATUS (status);
  return 128 + WTERMSIG (status);
}

/* /proc */

guint
pr_sec_count_fds (int pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/fd", pid);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  while (dir != NULL && g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

void
pr_sec_count_fds_by_kind (int pid, const char *store, PrSecFds *out)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/fd", pid);
  g_autofree char *prefix = g_strconcat (store, "/", NULL);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  memset (out, 0, sizeof *out);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *link = g_build_filename (path, name, NULL);
      g_autofree char *target = g_file_read_link (link, NULL);

      if (target != NULL && g_str_has_prefix (target, "socket:"))
        out->sockets++;
      else if (target != NULL && g_str_has_prefix (target, prefix))
        out->store_files++;
      else
        out->other++;
    }
}

char *
pr_sec_describe_fds (int pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/fd", pid);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  GString *out = g_string_new (NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *link = g_build_filename (path, name, NULL);
      g_autofree char *target = g_file_read_link (link, NULL);

      g_string_append_printf (out, "%s -> %s\n", name, target != NULL ? target : "?");
    }
  return g_string_free (out, FALSE);
}

gint64
pr_sec_status_kib (int pid, const char *field)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", pid);
  g_autofree char *text = NULL;
  g_autofree char *needle = g_strdup_printf ("\n%s:", field);
  const char *line;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return -1;
  line = strstr (text, needle);
  if (line == NULL)
    return -1;
  return g_ascii_strtoll (line + strlen (needle), NULL, 10);
}

/* Sockets */

int
pr_sec_connect (const char *address,
                guint16     port,
                int         rcvbuf,
                int        *saved_errno)
{
  struct sockaddr_in6 sin6 = { 0 };
  struct sockaddr_in sin = { 0 };
  struct sockaddr *sa;
  socklen_t sa_len;
  struct timeval tv = { .tv_sec = 10 };
  int family, fd;

  if (inet_pton (AF_INET, address, &sin.sin_addr) == 1)
    {
      family = AF_INET;
      sin.sin_family = AF_INET;
      sin.sin_port = htons (port);
      sa = (struct sockaddr *) &sin;
      sa_len = sizeof sin;
    }
  else if (inet_pton (AF_INET6, address, &sin6.sin6_addr) == 1)
    {
      family = AF_INET6;
      sin6.sin6_family = AF_INET6;
      sin6.sin6_port = htons (port);
      sa = (struct sockaddr *) &sin6;
      sa_len = sizeof sin6;
    }
  else
    {
      if (saved_errno)
        *saved_errno = EINVAL;
      return -1;
    }

  fd = socket (family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    {
      if (saved_errno)
        *saved_errno = errno;
      return -1;
    }
  if (rcvbuf > 0)
    setsockopt (fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  setsockopt (fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (connect (fd, sa, sa_len) != 0)
    {
      if (saved_errno)
        *saved_errno = errno;
      close (fd);
      return -1;
    }
  if (saved_errno)
    *saved_errno = 0;
  return fd;
}

gboolean
pr_sec_send_all (int fd, const void *data, gsize len)
{
  const char *p = data;

  while (len > 0)
    {
      ssize_t n = send (fd, p, len, MSG_NOSIGNAL);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      p += n;
      len -= n;
    }
  return TRUE;
}

void
pr_sec_response_free (PrSecResponse *response)
{
  if (response == NULL)
    return;
  g_string_free (response->raw, TRUE);
  g_free (response);
}

static void
parse_head (PrSecResponse *r)
{
  const char *end;
  g_autofree char *length = NULL;

  if (r->header_len > 0)
    return;
  end = g_strstr_len (r->raw->str, r->raw->len, "\r\n\r\n");
  if (end == NULL)
    return;
  r->header_len = end + 4 - r->raw->str;
  if (g_str_has_prefix (r->raw->str, "HTTP/1.") && r->raw->len > 12)
    r->status = atoi (r->raw->str + 9);
  length = pr_sec_header (r, "Content-Length");
  r->content_length = length != NULL ? g_ascii_strtoll (length, NULL, 10) : -1;
}

PrSecResponse *
pr_sec_read_response (int fd, gboolean head, guint timeout_ms)
{
  PrSecResponse *r = g_new0 (PrSecResponse, 1);
  gint64 start = g_get_monotonic_time ();
  gint64 deadline = start + (gint64) timeout_ms * 1000;
  char buffer[65536];

  r->raw = g_string_new (NULL);
  r->content_length = -1;
  for (;;)
    {
      struct pollfd pfd = { .fd = fd, .events = POLLIN };
      gint64 now = g_get_monotonic_time ();
      ssize_t n;
      int ready;

      if (r->header_len > 0 && r->status >= 200 &&
          (head || (r->content_length >= 0 && r->raw->len >= r->header_len + (gsize) r->content_length)))
        break;
      if (now >= deadline)
        {
          r->timed_out = TRUE;
          break;
        }
      ready = poll (&pfd, 1, (int) MAX (1, (deadline - now) / 1000));
      if (ready < 0 && errno == EINTR)
        continue;
      if (ready <= 0)
        continue;
      n = recv (fd, buffer, sizeof buffer, 0);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          r->closed = TRUE;
          r->reset = n < 0;
          break;
        }
      g_string_append_len (r->raw, buffer, n);
      parse_head (r);
      /* a 100 Continue is not the answer */
      if (r->header_len > 0 && r->status == 100)
        {
          g_string_erase (r->raw, 0, r->header_len);
          r->header_len = 0;
          r->status = 0;
          parse_head (r);
        }
    }
  r->seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  return r;
}

PrSecResponse *
pr_sec_exchange (const char *address,
                 guint16     port,
                 const void *request,
                 gsize       len,
                 guint       flags,
                 guint       timeout_ms)
{
  PrSecResponse *r;
  int err = 0;
  int fd = pr_sec_connect (address, port, 0, &err);

  pr_sec_tally.requests++;
  if (fd < 0)
    {
      r = g_new0 (PrSecResponse, 1);
      r->raw = g_string_new (NULL);
      r->content_length = -1;
      r->closed = r->reset = TRUE;
      return r;
    }
  /* A server that refuses early may close before everything is sent */
  pr_sec_send_all (fd, request, len);
  if (flags & PR_SEC_HALF_CLOSE)
    shutdown (fd, SHUT_WR);
  r = pr_sec_read_response (fd, (flags & PR_SEC_HEAD) != 0, timeout_ms);
  close (fd);
  return r;
}

const char *
pr_sec_body (PrSecResponse *r, gsize *len)
{
  if (r->header_len == 0)
    {
      *len = 0;
      return "";
    }
  *len = r->raw->len - r->header_len;
  return r->raw->str + r->header_len;
}

char *
pr_sec_header (PrSecResponse *r, const char *name)
{
  g_autofree char *head = NULL;
  g_auto(GStrv) lines = NULL;

  if (r->header_len == 0)
    return NULL;
  head = g_strndup (r->raw->str, r->header_len);
  lines = g_strsplit (head, "\r\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      const char *colon = strchr (lines[i], ':');

      if (colon != NULL && (gsize) (colon - lines[i]) == strlen (name) &&
          g_ascii_strncasecmp (lines[i], name, strlen (name)) == 0)
        return g_strstrip (g_strdup (colon + 1));
    }
  return NULL;
}

char *
pr_sec_simple_request (const char *method,
                       const char *target,
                       const char *extra_headers)
{
  return g_strdup_printf ("%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          "User-Agent: FileTransport PolycomSoundPointIP-SPIP_321-UA/4.2.3.0003\r\n"
                          "Connection: close\r\n%s\r\n",
                          method, target, extra_headers != NULL ? extra_headers : "");
}

gboolean
pr_sec_memmem (const void *haystack, gsize len, const char *needle)
{
  return memmem (haystack, len, needle, strlen (needle)) != NULL;
}

/* Files */

char *
pr_sec_make_tmp_dir (const char *prefix)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *template = g_strdup_printf ("%s-XXXXXX", prefix);
  char *dir = g_dir_make_tmp (template, &error);

  g_assert_no_error (error);
  return dir;
}

void
pr_sec_rm_rf (const char *path)
{
  const char *argv[] = { "rm", "-rf", "--", path, NULL };

  if (path != NULL)
    pr_sec_run (argv, NULL, NULL);
}

GBytes *
pr_sec_random_bytes (gsize size, guint32 seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  guint8 *data = g_malloc (size);

  for (gsize i = 0; i < size; i++)
    data[i] = g_rand_int (rand) & 0xff;
  return g_bytes_new_take (data, size);
}

void
pr_sec_write_file (const char *path, const void *data, gsize len)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, data, len, &error);
  g_assert_no_error (error);
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static void
hash_tree_into (GString *out, const char *root, const char *relative)
{
  g_autofree char *path = relative[0] != '\0' ? g_build_filename (root, relative, NULL) : g_strdup (root);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  struct stat st;
  DIR *dir;
  struct dirent *entry;

  if (lstat (path, &st) != 0)
    {
      g_string_append_printf (out, "%s missing\n", relative);
      return;
    }
  g_string_append_printf (out, "%s mode=%o size=%jd", relative, (unsigned) st.st_mode, (intmax_t) (S_ISDIR (st.st_mode) ? 0 : st.st_size));
  if (S_ISLNK (st.st_mode))
    {
      g_autofree char *target = g_file_read_link (path, NULL);
      g_string_append_printf (out, " -> %s\n", target != NULL ? target : "?");
      return;
    }
  if (S_ISREG (st.st_mode))
    {
      g_autofree char *data = NULL;
      gsize len = 0;
      g_autofree char *sum = NULL;

      if (g_file_get_contents (path, &data, &len, NULL))
        sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) data, len);
      g_string_append_printf (out, " sha256=%s\n", sum != NULL ? sum : "unreadable");
      return;
    }
  g_string_append_c (out, '\n');
  if (!S_ISDIR (st.st_mode) || (dir = opendir (path)) == NULL)
    return;
  while ((entry = readdir (dir)) != NULL)
    if (strcmp (entry->d_name, ".") != 0 && strcmp (entry->d_name, "..") != 0)
      g_ptr_array_add (names, g_strdup (entry->d_name));
  closedir (dir);
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *child = relative[0] != '\0' ? g_build_filename (relative, names->pdata[i], NULL)
                                                   : g_strdup (names->pdata[i]);
      hash_tree_into (out, root, child);
    }
}

char *
pr_sec_hash_tree (const char *root)
{
  GString *out = g_string_new (NULL);

  hash_tree_into (out, root, "");
  return g_string_free (out, FALSE);
}

guint
pr_sec_count_matching (const char *root, const char *glob)
{
  g_autoptr(GDir) dir = g_dir_open (root, 0, NULL);
  const char *name;
  guint n = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (root, name, NULL);

      if (fnmatch (glob, name, 0) == 0)
        n++;
      if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        n += pr_sec_count_matching (path, glob);
    }
  return n;
}
