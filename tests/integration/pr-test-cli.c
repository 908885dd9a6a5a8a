/* pr-test-cli.c — the real phone-rescue-cli as a subprocess of a test
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pr-test-cli.h"

#include <signal.h>
#ifdef __linux__
# include <sys/prctl.h>
#endif

#include "json-line.h"

struct _PrTestCli
{
  GObject           parent_instance;

  GSubprocess      *process;
  GDataInputStream *lines;
  GCancellable     *cancellable;
  GPtrArray        *events;
  GPtrArray        *bad_lines;
  char             *url;
  gboolean          stdout_closed;
  gboolean          exited;
};

G_DEFINE_FINAL_TYPE (PrTestCli, pr_test_cli, G_TYPE_OBJECT)

static void read_next_line (PrTestCli *self);

const char *
pr_test_cli_program (void)
{
  return g_getenv ("PHONE_RESCUE_CLI");
}

static void
pr_test_cli_dispose (GObject *object)
{
  PrTestCli *self = PR_TEST_CLI (object);

  g_cancellable_cancel (self->cancellable);
  if (self->process != NULL && !self->exited)
    g_subprocess_force_exit (self->process);
  g_clear_object (&self->lines);
  g_clear_object (&self->process);

  G_OBJECT_CLASS (pr_test_cli_parent_class)->dispose (object);
}

static void
pr_test_cli_finalize (GObject *object)
{
  PrTestCli *self = PR_TEST_CLI (object);

  g_clear_object (&self->cancellable);
  g_ptr_array_unref (self->events);
  g_ptr_array_unref (self->bad_lines);
  g_free (self->url);

  G_OBJECT_CLASS (pr_test_cli_parent_class)->finalize (object);
}

static void
pr_test_cli_class_init (PrTestCliClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pr_test_cli_dispose;
  object_class->finalize = pr_test_cli_finalize;
}

static void
pr_test_cli_init (PrTestCli *self)
{
  self->cancellable = g_cancellable_new ();
  self->events = g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref);
  self->bad_lines = g_ptr_array_new_with_free_func (g_free);
}

static void
take_line (PrTestCli *self,
           char      *line)
{
  g_autoptr(GError) error = NULL;
  GHashTable *event = json_line_parse (line, &error);

  if (event == NULL || !json_line_has (event, "event"))
    {
      g_ptr_array_add (self->bad_lines, line);
      g_clear_pointer (&event, g_hash_table_unref);
      return;
    }

  g_free (line);
  if (self->url == NULL && json_line_is (event, "event", "listening"))
    self->url = g_strdup (json_line_get (event, "url"));
  g_ptr_array_add (self->events, event);
}

static void
on_line_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(PrTestCli) self = user_data;
  g_autoptr(GError) error = NULL;
  char *line;

  line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, NULL, &error);
  if (line == NULL)
    {
      /* end of stdout, or an error: either way no more events */
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_ptr_array_add (self->bad_lines, g_strdup_printf ("(read error: %s)", error->message));
      self->stdout_closed = TRUE;
      return;
    }

  take_line (self, line);
  read_next_line (self);
}

static void
read_next_line (PrTestCli *self)
{
  g_data_input_stream_read_line_async (self->lines, G_PRIORITY_DEFAULT, self->cancellable,
                                       on_line_read, g_object_ref (self));
}

static void
on_process_exited (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(PrTestCli) self = user_data;

  if (g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL))
    self->exited = TRUE;
}

/* The server must not outlive a test that crashed */
static void
die_with_parent (gpointer user_data)
{
#ifdef __linux__
  prctl (PR_SET_PDEATHSIG, SIGTERM);
#endif
}

/* Whatever the CLI keeps besides the store and uploads goes beside them */
static void
keep_away_from_home (GSubprocessLauncher *launcher,
                     const char          *store_dir)
{
  g_autofree char *parent = g_path_get_dirname (store_dir);
  g_autofree char *data = g_build_filename (parent, "xdg-data", NULL);
  g_autofree char *config = g_build_filename (parent, "xdg-config", NULL);
  g_autofree char *cache = g_build_filename (parent, "xdg-cache", NULL);

  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", cache, TRUE);
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_BACKEND", "memory", TRUE);
}

PrTestCli *
pr_test_cli_start (const char  *store_dir,
                   const char  *uploads_dir,
                   GError     **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(PrTestCli) self = NULL;
  const char *program = pr_test_cli_program ();

  if (program == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           "PHONE_RESCUE_CLI names no program");
      return NULL;
    }

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  keep_away_from_home (launcher, store_dir);

  self = g_object_new (PR_TEST_TYPE_CLI, NULL);
  self->process = g_subprocess_launcher_spawn (launcher, error, program, "serve",
                                               "--store", store_dir,
                                               "--uploads", uploads_dir,
                                               "--address", "127.0.0.1",
                                               "--port", "0",
                                               "--json",
                                               NULL);
  if (self->process == NULL)
    return NULL;

  self->lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));
  g_subprocess_wait_async (self->process, self->cancellable, on_process_exited, g_object_ref (self));
  read_next_line (self);
  return g_steal_pointer (&self);
}

static gboolean
is_listening_or_gone (gpointer data)
{
  PrTestCli *self = data;

  return self->url != NULL || self->exited || self->stdout_closed;
}

gboolean
pr_test_cli_wait_listening (PrTestCli *self,
                            gint64     deadline)
{
  g_return_val_if_fail (PR_TEST_IS_CLI (self), FALSE);

  pr_test_wait_until (is_listening_or_gone, self, deadline);
  return self->url != NULL;
}

const char *
pr_test_cli_get_url (PrTestCli *self)
{
  g_return_val_if_fail (PR_TEST_IS_CLI (self), NULL);

  return self->url;
}

GPtrArray *
pr_test_cli_get_events (PrTestCli *self)
{
  g_return_val_if_fail (PR_TEST_IS_CLI (self), NULL);

  return self->events;
}

GPtrArray *
pr_test_cli_get_bad_lines (PrTestCli *self)
{
  g_return_val_if_fail (PR_TEST_IS_CLI (self), NULL);

  return self->bad_lines;
}

gboolean
pr_test_cli_has_exited (PrTestCli *self)
{
  g_return_val_if_fail (PR_TEST_IS_CLI (self), TRUE);

  return self->exited;
}

static gboolean
is_finished (gpointer data)
{
  PrTestCli *self = data;

  return self->exited && self->stdout_closed;
}

gboolean
pr_test_cli_stop (PrTestCli  *self,
                  gint64      deadline,
                  GError    **error)
{
  g_return_val_if_fail (PR_TEST_IS_CLI (self), FALSE);

  if (!self->exited)
    g_subprocess_send_signal (self->process, SIGTERM);

  if (!pr_test_wait_until (is_finished, self, deadline))
    {
      g_subprocess_force_exit (self->process);
      pr_test_wait_until (is_finished, self, g_get_monotonic_time () + 2 * G_USEC_PER_SEC);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                           "phone-rescue-cli did not exit after SIGTERM");
      return FALSE;
    }

  if (!g_subprocess_get_if_exited (self->process))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "phone-rescue-cli died of signal %d after SIGTERM",
                   g_subprocess_get_if_signaled (self->process) ? g_subprocess_get_term_sig (self->process) : -1);
      return FALSE;
    }

  if (g_subprocess_get_exit_status (self->process) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "phone-rescue-cli exited with status %d after SIGTERM",
                   g_subprocess_get_exit_status (self->process));
      return FALSE;
    }

  return TRUE;
}

static gboolean
on_deadline (gpointer data)
{
  gboolean *passed = data;

  *passed = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
pr_test_wait_until (PrTestCondition  condition,
                    gpointer         data,
                    gint64           deadline)
{
  gboolean passed = FALSE;
  gint64 left = deadline - g_get_monotonic_time ();
  guint timeout;

  if (condition (data))
    return TRUE;
  if (left <= 0)
    return FALSE;

  timeout = g_timeout_add (left / 1000 + 1, on_deadline, &passed);
  while (!condition (data) && !passed)
    g_main_context_iteration (NULL, TRUE);
  if (!passed)
    g_source_remove (timeout);

  return condition (data);
}
