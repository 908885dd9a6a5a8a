/* test-demo.c — demo mode's simulated phones run on their own thread (issue 6)
 *
 * A PrDemo against a real PrSession server on loopback, without a window:
 * "finished" and the running count reach the thread that started the demo,
 * and stopping in the middle ends every phone and the thread at once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "pr-demo.h"
#include "pr-session.h"

#define SCHEMA_ID "io.github.phonerescue.PhoneRescue"

typedef struct {
  PrDemo    *demo;
  PrSession *session;
  char      *url;
  guint      n_finished;
  GThread   *finished_on;
} Fixture;

static void
on_finished (PrDemo  *demo,
             Fixture *fixture)
{
  fixture->n_finished++;
  fixture->finished_on = g_thread_self ();
}

static void
setup (Fixture       *fixture,
       gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (SCHEMA_ID);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) urls = NULL;

  /* images bigger than what socket buffers absorb, as in the UI test */
  fixture->demo = pr_demo_new (256 * 1024, 768 * 1024, &error);
  g_assert_no_error (error);
  g_signal_connect (fixture->demo, "finished", G_CALLBACK (on_finished), fixture);
  fixture->session = pr_session_new (settings, pr_demo_get_store_root (fixture->demo),
                                     pr_demo_get_uploads_dir (fixture->demo));
  g_assert_true (pr_session_start (fixture->session, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  urls = pr_server_get_urls (pr_session_get_server (fixture->session));
  fixture->url = g_strdup (urls[0]);
}

static void
teardown (Fixture       *fixture,
          gconstpointer  data)
{
  pr_session_stop (fixture->session);
  g_clear_object (&fixture->demo);
  g_clear_object (&fixture->session);
  g_free (fixture->url);
}

static guint
count_stage (Fixture *fixture,
             PrStage  stage)
{
  GListModel *phones = G_LIST_MODEL (pr_session_get_registry (fixture->session));
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (phones); i++)
    {
      g_autoptr(PrPhone) phone = g_list_model_get_item (phones, i);

      if (pr_phone_get_stage (phone) == stage)
        n++;

    }
  return n;
}

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Iterate the test's main context until @done or @seconds passed */
static gboolean
iterate_until (gboolean (*done) (Fixture *),
               Fixture  *fixture,
               guint     seconds)
{
  gint64 end = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;
  guint tick = g_timeout_add (50, tick_cb, NULL);   /* wake up to look at the clock */

  while (!done (fixture) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  return done (fixture);
}

static gboolean
demo_finished (Fixture *fixture)
{
  return fixture->n_finished > 0;
}

static gboolean
all_phones_final (Fixture *fixture)
{
  return count_stage (fixture, PR_STAGE_DONE) + count_stage (fixture, PR_STAGE_FAILED) == 7;
}

/* A phone got its whole BootROM: it uploads its boot log and reboots */
static gboolean
some_bootrom_sent (Fixture *fixture)
{
  GListModel *phones = G_LIST_MODEL (pr_session_get_registry (fixture->session));

  for (guint i = 0; i < g_list_model_get_n_items (phones); i++)
    {
      g_autoptr(PrPhone) phone = g_list_model_get_item (phones, i);

      if (pr_phone_get_reached_stage (phone) >= PR_STAGE_BOOTLOADER &&
          pr_phone_get_bytes_total (phone) > 0 &&
          pr_phone_get_bytes_sent (phone) == pr_phone_get_bytes_total (phone))
        return TRUE;
    }
  return FALSE;
}

static gboolean
never (Fixture *fixture)
{
  return FALSE;
}

static void
test_finished (Fixture       *fixture,
               gconstpointer  data)
{
  /* the UI test's pace, where the failing phone's cut downloads show */
  pr_demo_set_pace (fixture->demo, 512 * 1024, 300, 150);
  pr_demo_start (fixture->demo, fixture->url, 7, 1);
  g_assert_cmpuint (pr_demo_get_n_running (fixture->demo), ==, 7);

  g_assert_true (iterate_until (demo_finished, fixture, 60));
  g_assert_cmpuint (fixture->n_finished, ==, 1);
  g_assert_true (fixture->finished_on == g_thread_self ());
  g_assert_cmpuint (pr_demo_get_n_running (fixture->demo), ==, 0);
  /* the phones really talked to the server: six booted, the last one failed
   * (the server may notice its last cut-off download after the phone gave up) */
  g_assert_true (iterate_until (all_phones_final, fixture, 10));
  g_assert_cmpuint (count_stage (fixture, PR_STAGE_DONE), ==, 6);
  g_assert_cmpuint (count_stage (fixture, PR_STAGE_FAILED), ==, 1);
}

static void
test_stop_midway (Fixture       *fixture,
                  gconstpointer  data)
{
  gint64 started;

  /* phones downloading, sitting out a long reboot delay, or not started yet */
  pr_demo_set_pace (fixture->demo, 512 * 1024, 20000, 40);
  pr_demo_start (fixture->demo, fixture->url, 60, 2);
  g_assert_true (iterate_until (some_bootrom_sent, fixture, 30));
  iterate_until (never, fixture, 1);

  started = g_get_monotonic_time ();
  pr_demo_stop (fixture->demo);
  g_test_message ("Stopped in %" G_GINT64_FORMAT " us", g_get_monotonic_time () - started);
  /* cancelled phones end at once, even in a reboot delay: no waiting them out */
  g_assert_cmpint (g_get_monotonic_time () - started, <, 2 * G_USEC_PER_SEC);
  g_assert_cmpuint (pr_demo_get_n_running (fixture->demo), ==, 0);
  g_assert_false (g_file_test (pr_demo_get_dir (fixture->demo), G_FILE_TEST_EXISTS));

  /* the phones' last reports arrive after the stop, for a demo that is gone */
  g_clear_object (&fixture->demo);
  for (guint i = 0; i < 200 && g_main_context_iteration (NULL, FALSE); i++)
    ;
  g_assert_cmpuint (fixture->n_finished, ==, 0);
}

static void
test_stop_before_running (Fixture       *fixture,
                          gconstpointer  data)
{
  pr_demo_start (fixture->demo, fixture->url, 3, 0);
  pr_demo_stop (fixture->demo);
  pr_demo_stop (fixture->demo);
  g_assert_cmpuint (pr_demo_get_n_running (fixture->demo), ==, 0);
  g_assert_cmpuint (fixture->n_finished, ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/demo/finished", Fixture, NULL, setup, test_finished, teardown);
  g_test_add ("/demo/stop-midway", Fixture, NULL, setup, test_stop_midway, teardown);
  g_test_add ("/demo/stop-before-running", Fixture, NULL, setup, test_stop_before_running, teardown);
  return g_test_run ();
}
