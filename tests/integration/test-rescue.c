/* test-rescue.c — end to end: simulated phones against the real phone-rescue-cli
 *
 * Each test fills a temporary store by hand, starts `phone-rescue-cli serve
 * --json` on an ephemeral loopback port, boots simulated phones (prsim) from
 * their own 127.0.0.x addresses, and checks what the CLI reported against
 * what the phones did. Every test is bounded by TEST_TIMEOUT and stops its
 * CLI; a failure is reported, never a hang.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pr-test-util.h"
#include <string.h>

#include <glib/gstdio.h>

#include "json-line.h"
#include "pr-sim.h"
#include "pr-test-cli.h"

#define TEST_TIMEOUT     (60 * G_USEC_PER_SEC)
#define STOP_TIMEOUT     (10 * G_USEC_PER_SEC)
/* How long to keep reading events once every phone looks finished */
#define SETTLE_TIME      (300 * G_TIME_SPAN_MILLISECOND)

#define KIB              1024
#define MIB              (1024 * 1024)
/* Cut tests need an image much larger than the kernel's socket buffers
 * (up to 4 MiB on the server side), or the server finishes writing before the
 * phone hangs up and cannot see the cut. */
#define BIG_IMAGE_SIZE   (16 * MIB)

typedef struct {
  char       *root;
  char       *store;
  char       *uploads;
  gint64      deadline;
  PrTestCli  *cli;
  GHashTable *store_sums;   /* store file name → SHA-256 */
} Fixture;

/* Fixture */

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->root = g_dir_make_tmp ("phone-rescue-integration-XXXXXX", &error);
  g_assert_no_error (error);
  f->store = g_build_filename (f->root, "store", NULL);
  f->uploads = g_build_filename (f->root, "uploads", NULL);
  g_assert_cmpint (g_mkdir (f->store, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (f->uploads, 0700), ==, 0);
  f->store_sums = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  f->deadline = g_get_monotonic_time () + TEST_TIMEOUT;
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->cli != NULL)
    pr_test_cli_stop (f->cli, g_get_monotonic_time () + STOP_TIMEOUT, NULL);
  g_clear_object (&f->cli);
  g_hash_table_unref (f->store_sums);
  pr_test_remove_tree (f->root);
  g_free (f->root);
  g_free (f->store);
  g_free (f->uploads);
}

/* The store, filled by hand */

static void
store_random_file (Fixture    *f,
                   const char *name,
                   gsize       size)
{
  g_autofree char *path = g_build_filename (f->store, name, NULL);
  g_autofree guint32 *data = g_new (guint32, size / sizeof (guint32) + 1);
  g_autoptr(GError) error = NULL;

  for (gsize i = 0; i < size / sizeof (guint32) + 1; i++)
    data[i] = g_test_rand_int ();
  g_file_set_contents (path, (const char *) data, size, &error);
  g_assert_no_error (error);
}

static void
store_text_file (Fixture    *f,
                 const char *name,
                 const char *text)
{
  g_autofree char *path = g_build_filename (f->store, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

/* No master config: the server makes one that names sip.ld */
static void
store_fill (Fixture  *f,
            gboolean  with_bootrom,
            gboolean  with_application,
            gsize     application_size)
{
  if (with_bootrom)
    store_random_file (f, "bootrom.ld", 1 * MIB);
  if (with_application)
    store_random_file (f, "sip.ld", application_size);
  store_text_file (f, "sip.cfg", "<?xml version=\"1.0\"?>\n<sip><voIpProt.server.1.address/></sip>\n");
  store_text_file (f, "phone1.cfg", "<?xml version=\"1.0\"?>\n<phone1><reg reg.1.address=\"\"/></phone1>\n");
}

/* The file the server answers @path with: <part>.X is X when no <part>.X exists */
static const char *
store_sum_for_path (Fixture    *f,
                    const char *path,
                    const char *part)
{
  const char *name = path + (path[0] == '/');
  g_autofree char *file = g_build_filename (f->store, name, NULL);
  g_autofree char *contents = NULL;
  gsize length;

  if (!g_file_test (file, G_FILE_TEST_IS_REGULAR) && g_str_has_prefix (name, part) &&
      name[strlen (part)] == '.')
    {
      name += strlen (part) + 1;
      g_free (file);
      file = g_build_filename (f->store, name, NULL);
    }

  if (!g_hash_table_contains (f->store_sums, name))
    {
      if (!g_file_get_contents (file, &contents, &length, NULL))
        return NULL;
      g_hash_table_insert (f->store_sums, g_strdup (name),
                           g_compute_checksum_for_data (G_CHECKSUM_SHA256, (guchar *) contents, length));
    }

  return g_hash_table_lookup (f->store_sums, name);
}

/* The CLI */

static gboolean
start_cli (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  f->cli = pr_test_cli_start (f->store, f->uploads, &error);
  if (f->cli == NULL)
    {
      g_test_fail_printf ("phone-rescue-cli did not start: %s", error->message);
      return FALSE;
    }

  if (!pr_test_cli_wait_listening (f->cli, f->deadline))
    {
      g_test_fail_printf ("phone-rescue-cli printed no “listening” event (%s)",
                          pr_test_cli_has_exited (f->cli) ? "it exited" : "timed out");
      return FALSE;
    }

  g_test_message ("phone-rescue-cli listens on %s", pr_test_cli_get_url (f->cli));
  return TRUE;
}

static void
stop_cli (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *bad_lines = pr_test_cli_get_bad_lines (f->cli);

  if (!pr_test_cli_stop (f->cli, g_get_monotonic_time () + STOP_TIMEOUT, &error))
    g_test_fail_printf ("%s", error->message);

  for (guint i = 0; i < bad_lines->len; i++)
    g_test_fail_printf ("stdout line is not a JSON event: %s", (char *) g_ptr_array_index (bad_lines, i));
}

/* Phone events, per phone IP */

typedef struct {
  GPtrArray  *stages;            /* distinct consecutive stages, in order */
  gboolean    interrupted_seen;
  GHashTable *last;              /* the last phone event, or NULL */
} PhoneHistory;

static void
phone_history_free (PhoneHistory *history)
{
  g_ptr_array_unref (history->stages);
  g_free (history);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhoneHistory, phone_history_free)

static PhoneHistory *
phone_history_for_ip (Fixture    *f,
                      const char *ip)
{
  GPtrArray *events = pr_test_cli_get_events (f->cli);
  PhoneHistory *history = g_new0 (PhoneHistory, 1);

  history->stages = g_ptr_array_new ();
  for (guint i = 0; i < events->len; i++)
    {
      GHashTable *event = g_ptr_array_index (events, i);
      const char *stage = json_line_get (event, "stage");

      if (!json_line_is (event, "event", "phone") || !json_line_is (event, "ip", ip))
        continue;

      if (stage != NULL && (history->stages->len == 0 ||
                            g_strcmp0 (g_ptr_array_index (history->stages, history->stages->len - 1), stage) != 0))
        g_ptr_array_add (history->stages, (gpointer) stage);
      if (json_line_is (event, "interrupted", "true"))
        history->interrupted_seen = TRUE;
      history->last = event;
    }

  return history;
}

static const char *
final_stage (PhoneHistory *history)
{
  return history->last != NULL ? json_line_get (history->last, "stage") : NULL;
}

static char *
stages_to_string (PhoneHistory *history)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < history->stages->len; i++)
    g_string_append_printf (text, "%s%s", i > 0 ? " -> " : "", (char *) g_ptr_array_index (history->stages, i));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static int
first_index (PhoneHistory *history,
             const char   *stage)
{
  for (guint i = 0; i < history->stages->len; i++)
    if (g_str_equal (g_ptr_array_index (history->stages, i), stage))
      return i;
  return -1;
}

static int
last_index (PhoneHistory *history,
            const char   *stage)
{
  for (guint i = history->stages->len; i > 0; i--)
    if (g_str_equal (g_ptr_array_index (history->stages, i - 1), stage))
      return i - 1;
  return -1;
}

typedef struct {
  Fixture    *f;
  GPtrArray  *ips;
} FinalWait;

static gboolean
every_phone_final (gpointer data)
{
  FinalWait *wait = data;

  for (guint i = 0; i < wait->ips->len; i++)
    {
      g_autoptr(PhoneHistory) history = phone_history_for_ip (wait->f, g_ptr_array_index (wait->ips, i));
      const char *stage = final_stage (history);

      if (g_strcmp0 (stage, "done") != 0 && g_strcmp0 (stage, "failed") != 0)
        return FALSE;
    }
  return TRUE;
}

static gboolean
never (gpointer data)
{
  return FALSE;
}

/* Wait until the CLI reports every phone done or failed, then a little more
 * for trailing events. FALSE (and the test failed) at the deadline. */
static gboolean
wait_for_final_stages (Fixture   *f,
                       GPtrArray *ips)
{
  FinalWait wait = { f, ips };

  if (!pr_test_wait_until (every_phone_final, &wait, f->deadline))
    {
      for (guint i = 0; i < ips->len; i++)
        {
          g_autoptr(PhoneHistory) history = phone_history_for_ip (f, g_ptr_array_index (ips, i));
          g_autofree char *stages = stages_to_string (history);

          g_test_message ("%s: %s", (char *) g_ptr_array_index (ips, i), stages);
        }
      g_test_fail_printf ("timed out waiting for every phone to be done or failed");
      return FALSE;
    }

  pr_test_wait_until (never, NULL, MIN (f->deadline, g_get_monotonic_time () + SETTLE_TIME));
  return TRUE;
}

/* Phones */

typedef struct {
  guint pending;
} FleetWait;

static void
on_fleet_finished (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  FleetWait *wait = user_data;

  pr_sim_fleet_run_finish (PR_SIM_FLEET (source), result, NULL);
  wait->pending--;
}

static gboolean
fleets_finished (gpointer data)
{
  FleetWait *wait = data;

  return wait->pending == 0;
}

/* Boot every fleet at once; FALSE (and the test failed) at the deadline */
static gboolean
run_fleets (Fixture     *f,
            PrSimFleet **fleets,
            guint        n_fleets)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  FleetWait wait = { n_fleets };

  for (guint i = 0; i < n_fleets; i++)
    pr_sim_fleet_run_async (fleets[i], cancellable, on_fleet_finished, &wait);

  if (pr_test_wait_until (fleets_finished, &wait, f->deadline))
    return TRUE;

  g_test_fail_printf ("timed out waiting for the simulated phones");
  g_cancellable_cancel (cancellable);
  pr_test_wait_until (fleets_finished, &wait, g_get_monotonic_time () + STOP_TIMEOUT);
  g_assert_cmpuint (wait.pending, ==, 0);
  return FALSE;
}

static PrSimFleet *
new_fleet (Fixture           *f,
           PrSimPhoneOptions *options,
           guint              count)
{
  g_autoptr(GError) error = NULL;
  PrSimFleet *fleet;

  options->server_url = pr_test_cli_get_url (f->cli);
  fleet = pr_sim_fleet_new (options, count, &error);
  g_assert_no_error (error);
  return fleet;
}

static GPtrArray *
fleet_addresses (PrSimFleet *fleet)
{
  GPtrArray *ips = g_ptr_array_new ();

  for (guint i = 0; i < pr_sim_fleet_get_n_phones (fleet); i++)
    g_ptr_array_add (ips, (gpointer) pr_sim_phone_get_local_address (pr_sim_fleet_get_phone (fleet, i)));
  return ips;
}

/* Checks */

static void
check_downloads_match_store (Fixture    *f,
                             PrSimPhone *phone)
{
  GHashTableIter iter;
  gpointer path, sha256;

  g_hash_table_iter_init (&iter, pr_sim_phone_get_downloads (phone));
  while (g_hash_table_iter_next (&iter, &path, &sha256))
    {
      const char *expected = store_sum_for_path (f, path, pr_sim_phone_get_part (phone));

      if (expected == NULL)
        g_test_fail_printf ("%s downloaded %s, which is no file of the store",
                            pr_sim_phone_get_local_address (phone), (char *) path);
      else if (!g_str_equal (expected, sha256))
        g_test_fail_printf ("%s downloaded %s with SHA-256 %s, the store has %s",
                            pr_sim_phone_get_local_address (phone), (char *) path,
                            (char *) sha256, expected);
    }
}

static void
check_downloaded (PrSimPhone *phone,
                  const char *suffix)
{
  g_autofree char *path = g_strdup_printf ("/%s.%s", pr_sim_phone_get_part (phone), suffix);

  if (!g_hash_table_contains (pr_sim_phone_get_downloads (phone), path))
    g_test_fail_printf ("%s never downloaded %s completely",
                        pr_sim_phone_get_local_address (phone), path);
}

static void
check_outcome (PrSimPhone   *phone,
               PrSimOutcome  expected)
{
  if (pr_sim_phone_get_outcome (phone) != expected)
    g_test_fail_printf ("simulated phone %s ended “%s” (%s), expected “%s”",
                        pr_sim_phone_get_local_address (phone),
                        pr_sim_outcome_to_string (pr_sim_phone_get_outcome (phone)),
                        pr_sim_phone_get_reason (phone) != NULL ? pr_sim_phone_get_reason (phone) : "no reason",
                        pr_sim_outcome_to_string (expected));
}

static gboolean
check_final_stage (Fixture      *f,
                   PrSimPhone   *phone,
                   PhoneHistory *history,
                   const char   *expected)
{
  const char *ip = pr_sim_phone_get_local_address (phone);
  g_autofree char *stages = stages_to_string (history);

  if (history->last == NULL)
    {
      g_test_fail_printf ("the CLI reported no phone event for %s", ip);
      return FALSE;
    }

  if (g_strcmp0 (final_stage (history), expected) != 0)
    {
      g_test_fail_printf ("%s ended in stage “%s” (reason: %s), expected “%s”; stages: %s",
                          ip, final_stage (history), json_line_get (history->last, "reason"),
                          expected, stages);
      return FALSE;
    }

  if (!json_line_is (history->last, "mac", pr_sim_phone_get_mac (phone)))
    g_test_fail_printf ("%s ended with MAC %s, expected %s", ip,
                        json_line_get (history->last, "mac"), pr_sim_phone_get_mac (phone));
  return TRUE;
}

/* bootloader (if any) → application → done; nothing but done after done */
static void
check_flash_order (PrSimPhone   *phone,
                   PhoneHistory *history,
                   gboolean      expect_bootloader)
{
  const char *ip = pr_sim_phone_get_local_address (phone);
  g_autofree char *stages = stages_to_string (history);
  int bootloader = first_index (history, "bootloader");
  int application = first_index (history, "application");
  int done = first_index (history, "done");

  if (expect_bootloader && bootloader < 0)
    g_test_fail_printf ("%s never showed stage bootloader: %s", ip, stages);
  if (!expect_bootloader && bootloader >= 0)
    g_test_fail_printf ("%s showed stage bootloader: %s", ip, stages);
  if (application < 0)
    g_test_fail_printf ("%s never showed stage application: %s", ip, stages);
  if (done < 0 || done < application || (bootloader >= 0 && bootloader > application))
    g_test_fail_printf ("%s went through the stages out of order: %s", ip, stages);
  if (bootloader >= 0 && last_index (history, "bootloader") > application)
    g_test_fail_printf ("%s went back to bootloader after application: %s", ip, stages);
  if (done >= 0 && (guint) done != history->stages->len - 1)
    g_test_fail_printf ("%s left stage done: %s", ip, stages);
  if (first_index (history, "failed") >= 0)
    g_test_fail_printf ("%s was failed on its way: %s", ip, stages);
}

static void
check_reason_mentions (PhoneHistory       *history,
                       const char         *ip,
                       const char * const *needles)
{
  const char *reason = history->last != NULL ? json_line_get (history->last, "reason") : NULL;
  g_autofree char *folded = g_utf8_casefold (reason != NULL ? reason : "", -1);

  for (guint i = 0; needles[i] != NULL; i++)
    {
      g_autofree char *needle = g_utf8_casefold (needles[i], -1);

      if (strstr (folded, needle) != NULL)
        return;
    }

  g_test_fail_printf ("%s failed for the wrong reason: “%s” mentions none of “%s”",
                      ip, reason != NULL ? reason : "(none)", needles[0]);
}

static gboolean
cli_saw_cut_download (Fixture    *f,
                      const char *ip)
{
  GPtrArray *events = pr_test_cli_get_events (f->cli);

  for (guint i = 0; i < events->len; i++)
    {
      GHashTable *event = g_ptr_array_index (events, i);
      const char *bytes = json_line_get (event, "bytes");

      if (json_line_is (event, "event", "request") && json_line_is (event, "ip", ip) &&
          g_str_has_suffix (json_line_get (event, "path"), "sip.ld") &&
          json_line_is (event, "complete", "false") &&
          bytes != NULL && g_ascii_strtoll (bytes, NULL, 10) > (gint64) MIB)
        return TRUE;
    }
  return FALSE;
}

/* Tests */

static void
test_fleet_of_ip321 (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(PrSimFleet) fleet = NULL;
  g_autoptr(GPtrArray) ips = NULL;
  PrSimPhoneOptions options;

  store_fill (f, TRUE, TRUE, 3 * MIB);
  if (!start_cli (f))
    return;

  pr_sim_phone_options_init (&options, PR_SIM_PROFILE_BOOTROM);
  options.local_address = "127.0.0.10";
  options.bootrom_version = "3.2.3.0017";
  options.app_version = NULL;
  options.min_bootrom = "4.1.3";
  fleet = new_fleet (f, &options, 20);
  ips = fleet_addresses (fleet);
  g_assert_cmpstr (g_ptr_array_index (ips, 19), ==, "127.0.0.29");

  if (!run_fleets (f, &fleet, 1) || !wait_for_final_stages (f, ips))
    goto out;

  for (guint i = 0; i < pr_sim_fleet_get_n_phones (fleet); i++)
    {
      PrSimPhone *phone = pr_sim_fleet_get_phone (fleet, i);
      g_autoptr(PhoneHistory) history = phone_history_for_ip (f, pr_sim_phone_get_local_address (phone));

      check_outcome (phone, PR_SIM_OUTCOME_BOOTED);
      check_downloaded (phone, "bootrom.ld");
      check_downloaded (phone, "sip.ld");
      check_downloads_match_store (f, phone);
      if (check_final_stage (f, phone, history, "done"))
        check_flash_order (phone, history, TRUE);
    }

out:
  stop_cli (f);
}

static void
test_updater_and_up_to_date (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(PrSimFleet) updater = NULL;
  g_autoptr(PrSimFleet) current = NULL;
  g_autoptr(GPtrArray) ips = g_ptr_array_new ();
  PrSimFleet *fleets[2];
  PrSimPhoneOptions options;
  PrSimPhone *phone;

  store_fill (f, TRUE, TRUE, 3 * MIB);
  if (!start_cli (f))
    return;

  pr_sim_phone_options_init (&options, PR_SIM_PROFILE_UPDATER);
  options.local_address = "127.0.0.40";
  options.mac = "0004f2000040";
  fleets[0] = updater = new_fleet (f, &options, 1);

  pr_sim_phone_options_init (&options, PR_SIM_PROFILE_UP_TO_DATE);
  options.local_address = "127.0.0.41";
  options.mac = "0004f2000041";
  fleets[1] = current = new_fleet (f, &options, 1);

  g_ptr_array_add (ips, "127.0.0.40");
  g_ptr_array_add (ips, "127.0.0.41");
  if (!run_fleets (f, fleets, 2) || !wait_for_final_stages (f, ips))
    goto out;

  phone = pr_sim_fleet_get_phone (updater, 0);
  {
    g_autoptr(PhoneHistory) history = phone_history_for_ip (f, "127.0.0.40");

    check_outcome (phone, PR_SIM_OUTCOME_BOOTED);
    check_downloaded (phone, "sip.ld");
    check_downloads_match_store (f, phone);
    if (check_final_stage (f, phone, history, "done"))
      check_flash_order (phone, history, FALSE);
  }

  phone = pr_sim_fleet_get_phone (current, 0);
  {
    g_autoptr(PhoneHistory) history = phone_history_for_ip (f, "127.0.0.41");
    g_autofree char *stages = stages_to_string (history);

    check_outcome (phone, PR_SIM_OUTCOME_BOOTED);
    g_assert_cmpuint (pr_sim_phone_get_boot_cycles (phone), ==, 1);
    g_assert_cmpuint (g_hash_table_size (pr_sim_phone_get_downloads (phone)), ==, 0);
    check_final_stage (f, phone, history, "done");
    if (first_index (history, "bootloader") >= 0 || first_index (history, "application") >= 0 ||
        first_index (history, "failed") >= 0)
      g_test_fail_printf ("the up-to-date phone went through flashing stages: %s", stages);
  }

out:
  stop_cli (f);
}

typedef struct {
  gboolean            with_bootrom;
  gboolean            with_application;
  gsize               application_size;
  PrSimFault          fault;
  const char         *min_bootrom;
  const char * const *reason_mentions;
} FailureCase;

static const char * const mentions_bootrom[] = { "BootROM", NULL };
static const char * const mentions_application[] = { "application image", NULL };
static const char * const mentions_cut[] = { "cut off", "3 times", NULL };

/* An old BootROM and no BootROM in the store: SIP 3.2.4 needs BootROM 4.1.3
 * on an IP 321, so the phone reports the application not compatible. */
static const FailureCase no_bootrom = {
  FALSE, TRUE, 3 * MIB, PR_SIM_FAULT_NONE, "4.1.3", mentions_bootrom,
};
static const FailureCase no_application = {
  TRUE, FALSE, 0, PR_SIM_FAULT_NONE, NULL, mentions_application,
};
static const FailureCase cut_always = {
  TRUE, TRUE, BIG_IMAGE_SIZE, PR_SIM_FAULT_CUT_ALWAYS, NULL, mentions_cut,
};

static void
test_failure (Fixture       *f,
              gconstpointer  data)
{
  const FailureCase *failure = data;
  g_autoptr(PrSimFleet) fleet = NULL;
  g_autoptr(GPtrArray) ips = NULL;
  g_autoptr(PhoneHistory) history = NULL;
  PrSimPhoneOptions options;
  PrSimPhone *phone;

  store_fill (f, failure->with_bootrom, failure->with_application, failure->application_size);
  if (!start_cli (f))
    return;

  pr_sim_phone_options_init (&options, PR_SIM_PROFILE_BOOTROM);
  options.local_address = "127.0.0.50";
  options.fault = failure->fault;
  options.min_bootrom = failure->min_bootrom;
  options.max_boot_cycles = 3;
  fleet = new_fleet (f, &options, 1);
  ips = fleet_addresses (fleet);

  if (!run_fleets (f, &fleet, 1) || !wait_for_final_stages (f, ips))
    goto out;

  phone = pr_sim_fleet_get_phone (fleet, 0);
  history = phone_history_for_ip (f, "127.0.0.50");
  check_outcome (phone, PR_SIM_OUTCOME_GAVE_UP);
  check_downloads_match_store (f, phone);
  if (history->last != NULL)
    g_test_message ("127.0.0.50 ended %s: %s", final_stage (history),
                    json_line_get (history->last, "reason"));
  if (check_final_stage (f, phone, history, "failed"))
    check_reason_mentions (history, "127.0.0.50", failure->reason_mentions);

out:
  stop_cli (f);
}

static void
test_cut_once (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(PrSimFleet) fleet = NULL;
  g_autoptr(GPtrArray) ips = NULL;
  g_autoptr(PhoneHistory) history = NULL;
  PrSimPhoneOptions options;
  PrSimPhone *phone;

  store_fill (f, TRUE, TRUE, BIG_IMAGE_SIZE);
  if (!start_cli (f))
    return;

  pr_sim_phone_options_init (&options, PR_SIM_PROFILE_BOOTROM);
  options.local_address = "127.0.0.60";
  options.fault = PR_SIM_FAULT_CUT_ONCE;
  fleet = new_fleet (f, &options, 1);
  ips = fleet_addresses (fleet);

  if (!run_fleets (f, &fleet, 1) || !wait_for_final_stages (f, ips))
    goto out;

  phone = pr_sim_fleet_get_phone (fleet, 0);
  history = phone_history_for_ip (f, "127.0.0.60");
  check_outcome (phone, PR_SIM_OUTCOME_BOOTED);
  check_downloaded (phone, "sip.ld");
  check_downloads_match_store (f, phone);
  if (!cli_saw_cut_download (f, "127.0.0.60"))
    g_test_fail_printf ("the CLI reported no cut-off download of the application image");
  if (check_final_stage (f, phone, history, "done"))
    {
      check_flash_order (phone, history, TRUE);
      if (!history->interrupted_seen)
        g_test_fail_printf ("the phone was never shown interrupted");
      if (!json_line_is (history->last, "interrupted", "false"))
        g_test_fail_printf ("the phone is still shown interrupted at the end");
    }

out:
  stop_cli (f);
}

static void
test_no_cli (void)
{
  g_test_skip ("PHONE_RESCUE_CLI is not set: no phone-rescue-cli to test");
}

#define ADD_TEST(path, func, data) \
  g_test_add (path, Fixture, data, fixture_setup, func, fixture_teardown)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_set_nonfatal_assertions ();

  if (pr_test_cli_program () == NULL)
    {
      g_test_add_func ("/integration/no-cli", test_no_cli);
      return g_test_run ();
    }

  ADD_TEST ("/integration/fleet-of-20-ip321", test_fleet_of_ip321, NULL);
  ADD_TEST ("/integration/updater-and-up-to-date", test_updater_and_up_to_date, NULL);
  ADD_TEST ("/integration/failure/no-bootrom", test_failure, &no_bootrom);
  ADD_TEST ("/integration/failure/no-application", test_failure, &no_application);
  ADD_TEST ("/integration/failure/cut-always", test_failure, &cut_always);
  ADD_TEST ("/integration/cut-once", test_cut_once, NULL);

  return g_test_run ();
}
