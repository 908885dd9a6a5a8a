/* test-registry.c — the stage machine and phone identity, driven without a network
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "phone-rescue-core.h"

#define BOOT_UA "FileTransport PolycomSoundPointIP-SPIP_321-UA/3.2.3.0017"
#define NEW_BOOT_UA "FileTransport PolycomSoundPointIP-SPIP_321-UA/4.2.3.0003"
#define APP_UA  "FileTransport PolycomSoundPointIP-SPIP_321-UA/3.2.4.0267"
#define IP "192.0.2.21"
#define MAC "0004f2000021"
#define BOOTROM "/2345-12360-001.bootrom.ld"
#define APP "/2345-12360-001.sip.ld"
#define MIB (1024 * 1024)

typedef struct {
  PrPhoneRegistry *registry;
  GArray          *stages;       /* every distinct stage seen, in order */
  guint            changes;
  guint            progress_changes;
} Fixture;

static void
on_changed (PrPhoneRegistry *registry, PrPhone *phone, gboolean progress_only, Fixture *f)
{
  PrStage stage = pr_phone_get_stage (phone);

  if (progress_only)
    f->progress_changes++;
  else
    f->changes++;
  if (f->stages->len == 0 || g_array_index (f->stages, PrStage, f->stages->len - 1) != stage)
    g_array_append_val (f->stages, stage);
}

static void
setup (Fixture *f, gconstpointer data)
{
  f->registry = pr_phone_registry_new ();
  f->stages = g_array_new (FALSE, FALSE, sizeof (PrStage));
  g_signal_connect (f->registry, "phone-changed", G_CALLBACK (on_changed), f);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_assert_finalize_object (f->registry);
  g_array_unref (f->stages);
}

static PrPhone *
request (Fixture *f, const char *ip, const char *method, const char *path, const char *ua, guint status, goffset total)
{
  PrRequestInfo info;

  pr_classify (method, path, ua, &info);
  return pr_phone_registry_request_started (f->registry, ip, method, path, ua, &info, status, total, NULL);
}

static void
finish (Fixture *f, const char *ip, const char *method, const char *path, const char *ua, guint status, goffset bytes, gboolean complete)
{
  PrRequestInfo info;

  pr_classify (method, path, ua, &info);
  pr_phone_registry_request_finished (f->registry, ip, method, path, ua, &info, status, bytes, complete);
}

/* A whole exchange: answered, then finished (cut short at @sent when not complete) */
static PrPhone *
get (Fixture *f, const char *ip, const char *path, const char *ua, guint status, goffset total, goffset sent)
{
  PrPhone *phone = request (f, ip, "GET", path, ua, status, total);

  finish (f, ip, "GET", path, ua, status, sent, sent == total);
  return phone;
}

static gboolean
saw_stage (Fixture *f, PrStage stage)
{
  for (guint i = 0; i < f->stages->len; i++)
    if (g_array_index (f->stages, PrStage, i) == stage)
      return TRUE;
  return FALSE;
}

static void
app_requests (Fixture *f, const char *ip)
{
  get (f, ip, "/" MAC ".cfg", APP_UA, 200, 300, 300);
  get (f, ip, "/sip.cfg", APP_UA, 200, 2048, 2048);
  get (f, ip, "/phone1.cfg", APP_UA, 200, 2048, 2048);
}

static void
test_full_rescue (Fixture *f, gconstpointer data)
{
  PrPhone *phone;

  /* Cycle 1: old BootROM, new one downloaded */
  phone = get (f, IP, BOOTROM, BOOT_UA, 200, MIB, MIB);
  g_assert_cmpint (pr_phone_get_stage (phone), ==, PR_STAGE_BOOTLOADER);
  g_assert_cmpstr (pr_phone_get_model_name (phone), ==, "SoundPoint IP 321");
  g_assert_cmpstr (pr_phone_get_part (phone), ==, "2345-12360-001");
  g_assert_cmpstr (pr_phone_get_bootrom_version (phone), ==, "3.2.3.0017");
  g_assert_null (pr_phone_get_mac (phone));

  /* Cycle 2: BootROM unchanged (header read), application downloaded */
  g_assert_true (get (f, IP, BOOTROM, NEW_BOOT_UA, 200, MIB, 64) == phone);
  g_assert_true (pr_phone_get_interrupted (phone));
  get (f, IP, "/" MAC ".cfg", NEW_BOOT_UA, 200, 300, 300);
  g_assert_false (pr_phone_get_interrupted (phone));
  g_assert_cmpstr (pr_phone_get_mac (phone), ==, MAC);
  g_assert_cmpint (pr_phone_get_stage (phone), ==, PR_STAGE_BOOTLOADER);
  get (f, IP, APP, NEW_BOOT_UA, 200, 3 * MIB, 3 * MIB);
  g_assert_cmpint (pr_phone_get_stage (phone), ==, PR_STAGE_APPLICATION);
  g_assert_cmpint (pr_phone_get_bytes_sent (phone), ==, 3 * MIB);

  /* Cycle 3: both unchanged, then the application speaks */
  get (f, IP, BOOTROM, NEW_BOOT_UA, 200, MIB, 64);
  get (f, IP, "/" MAC ".cfg", NEW_BOOT_UA, 200, 300, 300);
  g_assert_cmpint (pr_phone_get_stage (phone), ==, PR_STAGE_APPLICATION);   /* a config never makes done */
  get (f, IP, APP, NEW_BOOT_UA, 200, 3 * MIB, 64);
  app_requests (f, IP);

  g_assert_cmpint (pr_phone_get_stage (phone), ==, PR_STAGE_DONE);
  g_assert_cmpstr (pr_phone_get_app_version (phone), ==, "3.2.4.0267");
  g_assert_cmpstr (pr_phone_get_bootrom_version (phone), ==, "4.2.3.0003");
  g_assert_cmpstr (pr_phone_get_initial_bootrom_version (phone), ==, "3.2.3.0017");
  g_assert_null (pr_phone_get_initial_app_version (phone));   /* "Application not present" */
  g_assert_nonnull (strstr (pr_phone_get_note (phone), "3.2.4.0267"));
  g_assert_false (pr_phone_get_interrupted (phone));
  g_assert_cmpuint (pr_phone_get_finished_time (phone), >, 0);
  g_assert_cmpuint (g_list_model_get_n_items (pr_phone_get_log (phone)), ==, 10);

  g_assert_cmpint (pr_phone_get_reached_stage (phone), ==, PR_STAGE_DONE);

  /* The stepper only moved forward */
  g_assert_cmpuint (f->stages->len, ==, 4);
  g_assert_cmpint (g_array_index (f->stages, PrStage, 0), ==, PR_STAGE_WAITING);
  g_assert_cmpint (g_array_index (f->stages, PrStage, 1), ==, PR_STAGE_BOOTLOADER);
  g_assert_cmpint (g_array_index (f->stages, PrStage, 2), ==, PR_STAGE_APPLICATION);
  g_assert_cmpint (g_array_index (f->stages, PrStage, 3), ==, PR_STAGE_DONE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->registry)), ==, 1);
}

static void
test_up_to_date (Fixture *f, gconstpointer data)
{
  PrPhone *phone = get (f, IP, BOOTROM, NEW_BOOT_UA, 200, MIB, 64);

  get (f, IP, "/" MAC ".cfg", NEW_BOOT_UA, 200, 300, 300);
  get (f, IP, APP, NEW_BOOT_UA, 200, 3 * MIB, 64);
  app_requests (f, IP);

  g_assert_cmpint (pr_phone_get_stage (phone), ==, PR_STAGE_DONE);
  g_assert_false (saw_stage (f, PR_STAGE_BOOTLOADER));
  g_assert_false (saw_stage (f, PR_STAGE_APPLICATION));
  g_assert_true (g_str_has_prefix (pr_phone_get_note (phone), "Already running"));
}

static void
test_first_seen_running (Fixture *f, gconstpointer data)
{
  PrPhone *phone = request (f, IP, "GET", "/sip.cfg", APP_UA, 200, 100);

  g_assert_cmpint (pr_phone_get_stage (phone), ==, PR_STAGE_DONE);
  g_assert_cmpstr (pr_phone_get_note (phone), ==, "Already running 3.2.4.0267");
}

static void
test_cut_once (Fixture *f, gconstpointer data)
{
  PrPhone *phone = get (f, IP, BOOTROM, BOOT_UA, 200, MIB, MIB);

  get (f, IP, BOOTROM, NEW_BOOT_UA, 200, MIB, 64);
  get (f, IP, "/" MAC ".cfg", NEW_BOOT_UA, 200, 300, 300);
  get (f, IP, APP, NEW_BOOT_UA, 200, 3 * MIB, MIB);         /* cut */
  g_assert_true (pr_phone_get_interrupted (phone));
  request (f, IP, "GET", APP, NEW_BOOT_UA, 200, 3 * MIB);    /* the retry starts */
  g_assert_false (pr_phone_get_interrupted (phone));
  finish (f, IP, "GET", APP, NEW_BOOT_UA, 200, 3 * MIB, TRUE);
  g_assert_cmpint (pr_phone_get_stage (phone), ==, PR_STAGE_APPLICATION);
  g_assert_false (pr_phone_get_interrupted (phone));
}

/* The server may see the retry begin before it notices the cut attempt end */
static void
test_retry_before_cut_noticed (Fixture *f, gconstpointer data)
{
  PrPhone *phone = request (f, IP, "GET", APP, NEW_BOOT_UA, 200, 3 * MIB);

  request (f, IP, "GET", APP, NEW_BOOT_UA, 200, 3 * MIB);            /* the retry */
  finish (f, IP, "GET", APP, NEW_BOOT_UA, 200, MIB, FALSE);           /* the first, cut */
  g_assert_false (pr_phone_get_interrupted (phone));
  finish (f, IP, "GET", APP, NEW_BOOT_UA, 200, 3 * MIB, TRUE);        /* the retry, whole */
  g_assert_cmpint (pr_phone_get_stage (phone), ==, PR_STAGE_APPLICATION);
  g_assert_cmpint (pr_phone_get_bytes_sent (phone), ==, 3 * MIB);
}

static void
test_cut_always (Fixture *f, gconstpointer data)
{
  PrPhone *phone = get (f, IP, APP, NEW_BOOT_UA, 200, 3 * MIB, MIB);

  get (f, IP, APP, NEW_BOOT_UA, 200, 3 * MIB, MIB);
  g_assert_cmpint (pr_phone_get_stage (phone), !=, PR_STAGE_FAILED);
  get (f, IP, APP, NEW_BOOT_UA, 200, 3 * MIB, 2 * MIB);
  g_assert_cmpint (pr_phone_get_stage (phone), ==, PR_STAGE_FAILED);
  g_assert_nonnull (strstr (pr_phone_get_reason (phone), "cut off 3 times"));

  /* a retry still running does not turn the card back from red… */
  {
    gint64 deadline = g_get_monotonic_time () + G_USEC_PER_SEC / 2;

    request (f, IP, "GET", APP, NEW_BOOT_UA, 200, 3 * MIB);
    while (g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, FALSE);
    g_assert_cmpint (pr_phone_get_stage (phone), ==, PR_STAGE_FAILED);
    finish (f, IP, "GET", APP, NEW_BOOT_UA, 200, MIB, FALSE);
  }
  g_assert_nonnull (strstr (pr_phone_get_reason (phone), "2345-12360-001.sip.ld"));

  /* …a complete download does */
  get (f, IP, APP, NEW_BOOT_UA, 200, 3 * MIB, 3 * MIB);
  g_assert_cmpint (pr_phone_get_stage (phone), ==, PR_STAGE_APPLICATION);
  g_assert_null (pr_phone_get_reason (phone));
}

static void
test_missing_bootrom (Fixture *f, gconstpointer data)
{
  PrPhone *phone = get (f, IP, BOOTROM, BOOT_UA, 404, 0, 0);

  g_assert_cmpint (pr_phone_get_stage (phone), ==, PR_STAGE_FAILED);
  g_assert_cmpstr (pr_phone_get_reason (phone), ==,
                   "The store has no BootROM image for SoundPoint IP 321: import one that contains 2345-12360-001.bootrom.ld or bootrom.ld");

  /* The application downloading afterwards does not hide the missing BootROM */
  get (f, IP, APP, BOOT_UA, 200, 3 * MIB, 3 * MIB);
  g_assert_cmpint (pr_phone_get_stage (phone), ==, PR_STAGE_FAILED);
}

static void
test_missing_application (Fixture *f, gconstpointer data)
{
  PrPhone *phone = get (f, IP, "/bootrom.ld", NEW_BOOT_UA, 200, MIB, 64);

  get (f, IP, APP, NEW_BOOT_UA, 404, 0, 0);
  g_assert_cmpint (pr_phone_get_stage (phone), ==, PR_STAGE_FAILED);
  g_assert_cmpstr (pr_phone_get_reason (phone), ==,
                   "The store has no application image for SoundPoint IP 321: import one that contains 2345-12360-001.sip.ld or sip.ld");
}

static void
test_boot_log_failure (Fixture *f, gconstpointer data)
{
  static const char log[] = "0101000 boot: Starting\n"
                            "0101001 boot: Application 2345-12360-001.sip.ld is not compatible with the phone.\n"
                            "0101002 boot: Rebooting\n";
  g_autoptr(GBytes) contents = g_bytes_new_static (log, sizeof log - 1);
  PrRequestInfo info;
  PrPhone *phone;

  pr_phone_registry_add_log_pattern (f->registry, "is not compatible with the phone", "Import a newer BootROM.");
  pr_phone_registry_add_log_pattern (f->registry, "is not compatible with the phone", "Import a newer BootROM.");   /* once is enough */
  phone = get (f, IP, APP, BOOT_UA, 200, 3 * MIB, 3 * MIB);
  pr_classify ("PUT", "/" MAC "-boot.log", BOOT_UA, &info);
  pr_phone_registry_request_started (f->registry, IP, "PUT", "/" MAC "-boot.log", BOOT_UA, &info, 201, 0, NULL);
  pr_phone_registry_upload_stored (f->registry, IP, &info, "/tmp/x/" MAC "-boot.log", contents);

  g_assert_cmpint (pr_phone_get_stage (phone), ==, PR_STAGE_FAILED);
  g_assert_cmpstr (pr_phone_get_reason (phone), ==,
                   "The phone reports: “0101001 boot: Application 2345-12360-001.sip.ld is not compatible with the phone.” Import a newer BootROM.");
  g_assert_cmpstr (pr_phone_get_upload_path (phone, "boot.log"), ==, "/tmp/x/" MAC "-boot.log");
}

static PrBootromVerdict
fake_check (const char *model_key, const char *version, char **reason, gpointer user_data)
{
  g_assert_cmpstr (model_key, ==, "SPIP321");
  if (pr_version_compare (version, "4.1.3") >= 0)
    return PR_BOOTROM_GOOD_ENOUGH;
  *reason = g_strdup_printf ("BootROM %s is too old", version);
  return PR_BOOTROM_TOO_OLD;
}

/* No BootROM in the store: only a phone whose own BootROM is too old fails */
static void
test_missing_bootrom_verdict (Fixture *f, gconstpointer data)
{
  PrPhone *old_phone, *new_phone;

  pr_phone_registry_set_bootrom_check (f->registry, fake_check, NULL, NULL);
  old_phone = get (f, "192.0.2.1", BOOTROM, BOOT_UA, 404, 0, 0);
  new_phone = get (f, "192.0.2.2", BOOTROM, NEW_BOOT_UA, 404, 0, 0);

  g_assert_cmpint (pr_phone_get_stage (old_phone), ==, PR_STAGE_FAILED);
  g_assert_cmpstr (pr_phone_get_reason (old_phone), ==, "BootROM 3.2.3.0017 is too old");
  g_assert_cmpint (pr_phone_get_stage (new_phone), ==, PR_STAGE_WAITING);
  g_assert_null (pr_phone_get_reason (new_phone));
  g_assert_cmpstr (pr_phone_get_note (new_phone), ==, "No BootROM image in the store; BootROM 4.2.3.0003 is new enough");
}

static void
test_identity_merge (Fixture *f, gconstpointer data)
{
  PrPhone *by_mac, *by_ip, *other;

  /* A phone known by its MAC at one address… */
  by_mac = request (f, "192.0.2.10", "GET", "/" MAC ".cfg", NEW_BOOT_UA, 200, 300);
  request (f, "192.0.2.99", "GET", "/bootrom.ld", BOOT_UA, 200, MIB);   /* another phone, first */
  /* …shows up at another address, first without a MAC */
  by_ip = get (f, "192.0.2.11", APP, NEW_BOOT_UA, 200, 3 * MIB, 3 * MIB);
  g_assert_true (by_ip != by_mac);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->registry)), ==, 3);
  g_object_ref (by_ip);

  /* Its MAC appears: the MAC record survives, in its place, with everything */
  g_assert_true (request (f, "192.0.2.11", "GET", "/" MAC ".cfg", NEW_BOOT_UA, 200, 300) == by_mac);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->registry)), ==, 2);
  g_assert_true (g_list_model_get_item (G_LIST_MODEL (f->registry), 0) == by_mac);
  g_object_unref (by_mac);   /* the get_item reference */
  g_assert_cmpstr (pr_phone_get_ip (by_mac), ==, "192.0.2.11");
  g_assert_cmpint (pr_phone_get_stage (by_mac), ==, PR_STAGE_APPLICATION);
  g_assert_cmpuint (g_list_model_get_n_items (pr_phone_get_log (by_mac)), ==, 1);   /* the IP record's download */
  g_assert_true (pr_phone_registry_lookup_ip (f->registry, "192.0.2.11") == by_mac);
  g_assert_finalize_object (by_ip);

  /* An address that shows another MAC is another phone */
  other = request (f, "192.0.2.11", "GET", "/0004f2000099.cfg", NEW_BOOT_UA, 200, 300);
  g_assert_true (other != by_mac);
  g_assert_cmpstr (pr_phone_get_mac (other), ==, "0004f2000099");
  g_assert_cmpuint (pr_phone_get_id (other), !=, pr_phone_get_id (by_mac));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->registry)), ==, 3);
}

static void
test_not_phones (Fixture *f, gconstpointer data)
{
  g_assert_null (request (f, IP, "GET", "/sip.ld", "curl/7.88.1", 200, MIB));
  g_assert_null (request (f, IP, "GET", "/", "Microbrowser/1.1 PolycomSoundPointIP-SPIP_550-UA/4.0.15.1047 Type/Application", 200, 10));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->registry)), ==, 0);
}

static void
test_progress_coalesced (Fixture *f, gconstpointer data)
{
  PrPhone *phone = request (f, IP, "GET", APP, NEW_BOOT_UA, 200, 3 * MIB);
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  f->progress_changes = 0;
  for (goffset sent = 1024; sent <= 2 * MIB; sent += 1024)
    pr_phone_registry_progress (f->registry, IP, sent);
  /* Two thousand chunks, and nobody told yet */
  g_assert_cmpuint (f->progress_changes, ==, 0);
  g_assert_cmpint (pr_phone_get_bytes_sent (phone), ==, 0);

  while (f->progress_changes == 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (f->progress_changes, ==, 1);
  g_assert_cmpint (pr_phone_get_bytes_sent (phone), ==, 2 * MIB);
}

static void
test_promoted_while_downloading (Fixture *f, gconstpointer data)
{
  PrPhone *phone = request (f, IP, "GET", BOOTROM, BOOT_UA, 200, MIB);
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  /* A header read has not moved the card… */
  g_assert_cmpint (pr_phone_get_stage (phone), ==, PR_STAGE_WAITING);
  g_assert_cmpstr (pr_phone_get_current_file (phone), ==, "2345-12360-001.bootrom.ld");
  /* …nor does one that stays within what socket buffers hold… */
  pr_phone_registry_progress (f->registry, IP, 256 * 1024);
  while (g_get_monotonic_time () < deadline - 4 * G_USEC_PER_SEC)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpint (pr_phone_get_stage (phone), ==, PR_STAGE_WAITING);
  /* …a download that keeps going does */
  pr_phone_registry_progress (f->registry, IP, 600 * 1024);
  while (pr_phone_get_stage (phone) == PR_STAGE_WAITING && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (pr_phone_get_stage (phone), ==, PR_STAGE_BOOTLOADER);
  finish (f, IP, "GET", BOOTROM, BOOT_UA, 200, MIB, TRUE);
  g_assert_cmpint (pr_phone_get_stage (phone), ==, PR_STAGE_BOOTLOADER);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add ("/registry/" path, Fixture, NULL, setup, func, teardown)
  ADD ("full-rescue", test_full_rescue);
  ADD ("up-to-date", test_up_to_date);
  ADD ("first-seen-running", test_first_seen_running);
  ADD ("cut-once", test_cut_once);
  ADD ("cut-always", test_cut_always);
  ADD ("retry-before-cut-noticed", test_retry_before_cut_noticed);
  ADD ("missing-bootrom", test_missing_bootrom);
  ADD ("missing-application", test_missing_application);
  ADD ("boot-log-failure", test_boot_log_failure);
  ADD ("missing-bootrom-verdict", test_missing_bootrom_verdict);
  ADD ("identity-merge", test_identity_merge);
  ADD ("not-phones", test_not_phones);
  ADD ("progress-coalesced", test_progress_coalesced);
  ADD ("promoted-while-downloading", test_promoted_while_downloading);
#undef ADD
  return g_test_run ();
}
