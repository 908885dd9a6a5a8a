/* test-report.c — the rescue report (CSV) and the UI's text helpers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>

#include "pr-format.h"
#include "pr-phone-private.h"
#include "pr-report.h"

static char *
field (const char *text)
{
  GString *out = g_string_new (NULL);

  pr_report_csv_field (out, text);
  return g_string_free (out, FALSE);
}

static void
test_csv_field (void)
{
  static const struct { const char *in, *out; } cases[] = {
    { NULL, "" },
    { "", "" },
    { "0004f249d83f", "0004f249d83f" },
    { "SoundPoint IP 321", "SoundPoint IP 321" },
    { "a,b", "\"a,b\"" },
    { "say \"hi\"", "\"say \"\"hi\"\"\"" },
    { "two\nlines", "\"two\nlines\"" },
    { "=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"" },
    { "+1", "\"'+1\"" },
    { "-1", "\"'-1\"" },
    { "@SUM(A1)", "\"'@SUM(A1)\"" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = field (cases[i].in);
      g_assert_cmpstr (out, ==, cases[i].out);
    }
}

static PrPhone *
make_phone (guint       id,
            const char *ip,
            const char *mac,
            PrStage     stage,
            const char *reason)
{
  PrPhone *phone = pr_phone_new (id, ip);

  if (mac != NULL)
    pr_phone_set_mac (phone, mac);
  pr_phone_set_model (phone, "SPIP321", "SoundPoint IP 321");
  pr_phone_set_part (phone, "2345-12360-001");
  pr_phone_note_initial_versions (phone, "3.2.3.0017", NULL);
  pr_phone_set_bootrom_version (phone, "4.2.3.0003");
  pr_phone_set_app_version (phone, "3.2.4.0267");
  pr_phone_set_stage (phone, stage);
  if (reason != NULL)
    pr_phone_set_reason (phone, reason);
  return phone;
}

static void
test_csv_report (void)
{
  g_autoptr(GListStore) phones = g_list_store_new (PR_TYPE_PHONE);
  g_autoptr(PrPhone) done = make_phone (1, "192.168.1.20", "0004f249d83f", PR_STAGE_DONE, NULL);
  g_autoptr(PrPhone) failed = make_phone (2, "192.168.1.21", NULL, PR_STAGE_FAILED,
                                          "no application image, import one with \"sip.ld\"");
  g_autofree char *csv = NULL;
  g_auto(GStrv) lines = NULL;

  g_list_store_append (phones, done);
  g_list_store_append (phones, failed);
  csv = pr_report_csv (G_LIST_MODEL (phones));
  lines = g_strsplit (csv, "\r\n", -1);

  g_assert_cmpuint (g_strv_length (lines), ==, 4);   /* header, 2 phones, "" after the last CRLF */
  g_assert_cmpstr (lines[0], ==, "MAC,Model,Part number,IP address,BootROM before,BootROM after,"
                                 "Application before,Application after,Result,Reason,Started,Finished");
  g_assert_true (g_str_has_prefix (lines[1], "0004f249d83f,SoundPoint IP 321,2345-12360-001,192.168.1.20,"
                                             "3.2.3.0017,4.2.3.0003,,3.2.4.0267,done,,"));
  g_assert_true (g_str_has_prefix (lines[2], ",SoundPoint IP 321,2345-12360-001,192.168.1.21,"));
  g_assert_nonnull (strstr (lines[2], ",failed,\"no application image, import one with \"\"sip.ld\"\"\","));
  g_assert_cmpstr (lines[3], ==, "");
}

/* g_format_size() puts a no-break space between number and unit */
static char *
nbsp_to_space (char *text)
{
  g_auto(GStrv) parts = g_strsplit (text, "\u00a0", -1);

  g_free (text);
  return g_strjoinv (" ", parts);
}

static void
test_progress_text (void)
{
  g_autofree char *plain = nbsp_to_space (pr_format_progress (1000000, 4000000, 0));
  g_autofree char *rated = nbsp_to_space (pr_format_progress (1000000, 4000000, 500000));
  g_autofree char *unknown = nbsp_to_space (pr_format_progress (1000, 0, -1));

  g_assert_cmpstr (plain, ==, "1.0 MB of 4.0 MB");
  g_assert_cmpstr (rated, ==, "1.0 MB of 4.0 MB · 500.0 kB/s · 6 s left");
  g_assert_cmpstr (unknown, ==, "1.0 kB");
}

static void
test_duration (void)
{
  static const struct { gint64 s; const char *text; } cases[] = {
    { -3, "0 s" }, { 0, "0 s" }, { 59, "59 s" }, { 60, "1 min 0 s" },
    { 125, "2 min 5 s" }, { 3780, "1 h 3 min" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = pr_format_duration (cases[i].s);
      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

static void
test_rate_meter (void)
{
  PrRateMeter meter;

  pr_rate_meter_reset (&meter);
  g_assert_cmpfloat (pr_rate_meter_get (&meter, G_USEC_PER_SEC), ==, 0);

  /* 100 kB every 100 ms: 1 MB/s */
  for (guint i = 0; i <= 30; i++)
    pr_rate_meter_add (&meter, i * 100000, i * 100000);
  g_assert_cmpfloat_with_epsilon (pr_rate_meter_get (&meter, 3 * G_USEC_PER_SEC), 1e6, 1);

  /* A smaller count is a new transfer: the meter starts over */
  pr_rate_meter_add (&meter, 3100000, 10);
  g_assert_cmpfloat (pr_rate_meter_get (&meter, 3 * G_USEC_PER_SEC), ==, 0);
  pr_rate_meter_add (&meter, 3600000, 250010);
  g_assert_cmpfloat_with_epsilon (pr_rate_meter_get (&meter, 3 * G_USEC_PER_SEC), 5e5, 1);

  /* Samples outside the window do not count */
  pr_rate_meter_add (&meter, 13600000, 250010);
  g_assert_cmpfloat (pr_rate_meter_get (&meter, 3 * G_USEC_PER_SEC), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/report/csv-field", test_csv_field);
  g_test_add_func ("/report/csv", test_csv_report);
  g_test_add_func ("/format/progress", test_progress_text);
  g_test_add_func ("/format/duration", test_duration);
  g_test_add_func ("/format/rate-meter", test_rate_meter);

  return g_test_run ();
}
