/* test-classifier.c — the classifier against real User-Agents and file names
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "phone-rescue-core.h"

typedef struct {
  const char *method;
  const char *path;
  const char *user_agent;
  gboolean    is_phone;
  PrSender    sender;
  PrFileKind  kind;
  const char *mac;
  const char *part;
  const char *model_key;
  const char *version;
} Case;

#define SP335_BOOT "FileTransport PolycomSoundPointIP-SPIP_335-UA/4.2.1.0275"
#define SP335_APP  "FileTransport PolycomSoundPointIP-SPIP_335-UA/3.2.1.0078"
#define SP321_BOOT "FileTransport PolycomSoundPointIP-SPIP_321-UA/3.2.3.0017"

static const Case cases[] = {
  /* BootROM era: the path decides who asked */
  { "GET", "/2345-12375-001.bootrom.ld", SP335_BOOT, TRUE, PR_SENDER_BOOTROM, PR_FILE_BOOTROM_IMAGE, "", "2345-12375-001", "SPIP335", "4.2.1.0275" },
  { "GET", "/bootrom.ld", SP321_BOOT, TRUE, PR_SENDER_BOOTROM, PR_FILE_BOOTROM_IMAGE, "", "", "SPIP321", "3.2.3.0017" },
  { "GET", "/0004f2abcdef.cfg", SP335_BOOT, TRUE, PR_SENDER_UNKNOWN, PR_FILE_MASTER_CONFIG, "0004f2abcdef", "", "SPIP335", "4.2.1.0275" },
  { "GET", "/0004F2ABCDEF.cfg", SP335_BOOT, TRUE, PR_SENDER_UNKNOWN, PR_FILE_MASTER_CONFIG, "0004f2abcdef", "", "SPIP335", "4.2.1.0275" },
  { "GET", "/000000000000.cfg", SP335_BOOT, TRUE, PR_SENDER_UNKNOWN, PR_FILE_MASTER_CONFIG, "", "", "SPIP335", "4.2.1.0275" },
  { "GET", "/2345-12360-001.sip.ld", SP321_BOOT, TRUE, PR_SENDER_BOOTROM, PR_FILE_APP_IMAGE, "", "2345-12360-001", "SPIP321", "3.2.3.0017" },
  { "GET", "/3111-44500-001.3111-44500-001.sip.ld", "FileTransport PolycomVVX-VVX_500-UA/4.1.4.7430 Type/Application", TRUE, PR_SENDER_APPLICATION, PR_FILE_APP_IMAGE, "", "3111-44500-001", "VVX500", "4.1.4.7430" },
  { "PUT", "/0004f2abcdef-boot.log", SP335_BOOT, TRUE, PR_SENDER_BOOTROM, PR_FILE_LOG, "0004f2abcdef", "", "SPIP335", "4.2.1.0275" },
  /* Only the application asks for these */
  { "GET", "/sip.cfg", SP335_APP, TRUE, PR_SENDER_APPLICATION, PR_FILE_APP_CONFIG, "", "", "SPIP335", "3.2.1.0078" },
  { "GET", "/phone1.cfg", "FileTransport PolycomSoundPointIP-SPIP_450-UA/3.2.3.1734", TRUE, PR_SENDER_APPLICATION, PR_FILE_APP_CONFIG, "", "", "SPIP450", "3.2.3.1734" },
  { "GET", "/0004f2abcdef-phone.cfg", SP335_APP, TRUE, PR_SENDER_APPLICATION, PR_FILE_APP_CONFIG, "0004f2abcdef", "", "SPIP335", "3.2.1.0078" },
  { "GET", "/0004f2abcdef-web.cfg", SP335_APP, TRUE, PR_SENDER_APPLICATION, PR_FILE_APP_CONFIG, "0004f2abcdef", "", "SPIP335", "3.2.1.0078" },
  { "GET", "/000000000000-license.cfg", SP335_APP, TRUE, PR_SENDER_APPLICATION, PR_FILE_APP_CONFIG, "", "", "SPIP335", "3.2.1.0078" },
  { "GET", "/0004f2abcdef-directory.xml", SP335_APP, TRUE, PR_SENDER_APPLICATION, PR_FILE_DIRECTORY, "0004f2abcdef", "", "SPIP335", "3.2.1.0078" },
  { "GET", "/000000000000-directory.xml", SP335_APP, TRUE, PR_SENDER_APPLICATION, PR_FILE_DIRECTORY, "", "", "SPIP335", "3.2.1.0078" },
  { "PUT", "/logs/0004f2abcdef-app.log", SP335_APP, TRUE, PR_SENDER_APPLICATION, PR_FILE_LOG, "0004f2abcdef", "", "SPIP335", "3.2.1.0078" },
  { "GET", "/0004f2abcdef-calls.xml", SP335_APP, TRUE, PR_SENDER_APPLICATION, PR_FILE_DIRECTORY, "0004f2abcdef", "", "SPIP335", "3.2.1.0078" },
  /* UC 4+: Type decides, MAC from (SN:…) */
  { "GET", "/0004f249d83f.cfg", "FileTransport PolycomSoundPointIP-SPIP_335-UA/4.0.13.1445 (SN:0004f249d83f) Type/Application", TRUE, PR_SENDER_APPLICATION, PR_FILE_MASTER_CONFIG, "0004f249d83f", "", "SPIP335", "4.0.13.1445" },
  { "GET", "/sip.ld", "FileTransport PolycomSoundPointIP-SPIP_335-UA/4.0.13.1445 (SN:0004F249D83F) Type/Application", TRUE, PR_SENDER_APPLICATION, PR_FILE_APP_IMAGE, "0004f249d83f", "", "SPIP335", "4.0.13.1445" },
  { "GET", "/3111-15600-001.sip.ld", "FileTransport PolycomSoundStationIP-SSIP_6000-UA/5.0.3.1667 Type/Updater", TRUE, PR_SENDER_UPDATER, PR_FILE_APP_IMAGE, "", "3111-15600-001", "SSIP6000", "5.0.3.1667" },
  { "GET", "/000000000000.cfg", "FileTransport PolycomSoundStationIP-SSIP_6000-UA/4.0.4.2906 Type/Application", TRUE, PR_SENDER_APPLICATION, PR_FILE_MASTER_CONFIG, "", "", "SSIP6000", "4.0.4.2906" },
  { "GET", "/sip.cfg", "FileTransport PolycomVVX-VVX_400-UA/4.1.4.7430 Type/Application", TRUE, PR_SENDER_APPLICATION, PR_FILE_APP_CONFIG, "", "", "VVX400", "4.1.4.7430" },
  { "GET", "/sip.cfg", "FileTransport PolycomVVX-VVX_101-UA/5.4.3.1014 Type/Application", TRUE, PR_SENDER_APPLICATION, PR_FILE_APP_CONFIG, "", "", NULL, "5.4.3.1014" },
  /* Some firmware writes "UA/ " with a space */
  { "GET", "/bootrom.ld", "FileTransport PolycomSoundPointIP-SPIP_650-UA/ 4.1.0.0083", TRUE, PR_SENDER_BOOTROM, PR_FILE_BOOTROM_IMAGE, "", "", "SPIP650", "4.1.0.0083" },
  /* The phone's browser is not provisioning */
  { "GET", "/index.html", "Microbrowser/1.1 PolycomSoundPointIP-SPIP_550-UA/4.0.15.1047 Type/Application", FALSE, PR_SENDER_BROWSER, PR_FILE_OTHER, "", "", "SPIP550", "4.0.15.1047" },
  /* Not phones */
  { "GET", "/sip.ld", "curl/7.88.1", FALSE, PR_SENDER_UNKNOWN, PR_FILE_APP_IMAGE, "", "", NULL, "" },
  { "GET", "/", "Mozilla/5.0 (X11; Linux x86_64)", FALSE, PR_SENDER_UNKNOWN, PR_FILE_OTHER, "", "", NULL, "" },
  { "GET", "/favicon.ico", NULL, FALSE, PR_SENDER_UNKNOWN, PR_FILE_OTHER, "", "", NULL, "" },
  { "GET", "/x", "FileTransport Polycom", FALSE, PR_SENDER_UNKNOWN, PR_FILE_OTHER, "", "", NULL, "" },
  { "GET", "/x", "FileTransport PolycomSoundPointIP-SPIP_321", FALSE, PR_SENDER_UNKNOWN, PR_FILE_OTHER, "", "", NULL, "" },
  /* Not a MAC: 000000000000 and non-hex */
  { "PUT", "/000000000000-boot.log", SP321_BOOT, TRUE, PR_SENDER_BOOTROM, PR_FILE_LOG, "", "", "SPIP321", "3.2.3.0017" },
  { "GET", "/0004f2abcdeg.cfg", SP321_BOOT, TRUE, PR_SENDER_APPLICATION, PR_FILE_APP_CONFIG, "", "", "SPIP321", "3.2.3.0017" },
};

static void
test_table (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const Case *c = &cases[i];
      PrRequestInfo info;

      g_test_message ("case %u: %s %s [%s]", i, c->method, c->path, c->user_agent);
      pr_classify (c->method, c->path, c->user_agent, &info);
      g_assert_cmpint (info.is_phone, ==, c->is_phone);
      g_assert_cmpstr (pr_sender_to_string (info.sender), ==, pr_sender_to_string (c->sender));
      g_assert_cmpstr (pr_file_kind_to_string (info.kind), ==, pr_file_kind_to_string (c->kind));
      g_assert_cmpstr (info.mac, ==, c->mac);
      g_assert_cmpstr (info.part, ==, c->part);
      g_assert_cmpstr (info.model != NULL ? info.model->key : NULL, ==, c->model_key);
      g_assert_cmpstr (info.version, ==, c->version);
    }
}

static void
test_model_names (void)
{
  PrRequestInfo info;

  pr_classify ("GET", "/bootrom.ld", SP321_BOOT, &info);
  g_assert_cmpstr (info.model->name, ==, "SoundPoint IP 321");
  g_assert_cmpstr (info.ua_token, ==, "SPIP_321");
  /* The part number alone names the model when the UA does not */
  pr_classify ("GET", "/2345-12450-001.sip.ld", NULL, &info);
  g_assert_nonnull (info.model);
  g_assert_cmpstr (info.model->name, ==, "SoundPoint IP 450");
  g_assert_cmpstr (pr_models_find_by_part ("3111-15600-001")->key, ==, "SSIP6000");
  g_assert_null (pr_models_find_by_part ("9999-99999-999"));
}

static void
test_version_compare (void)
{
  g_assert_cmpint (pr_version_compare ("4.2.3.0003", "4.1.3"), >, 0);
  g_assert_cmpint (pr_version_compare ("3.2.3.0017", "4.1.3"), <, 0);
  g_assert_cmpint (pr_version_compare ("4.1.3", "4.1.3"), ==, 0);
  g_assert_cmpint (pr_version_compare ("4.1.3.0001", "4.1.3"), >, 0);
  g_assert_cmpint (pr_version_compare ("4.2.0B", "4.2.0"), >, 0);
  g_assert_cmpint (pr_version_compare ("4.2.0", "4.2.0B"), <, 0);
  g_assert_cmpint (pr_version_compare ("4.10.0", "4.9.9"), >, 0);
  g_assert_cmpint (pr_version_compare (NULL, "1"), <, 0);
}

static void
test_part_numbers (void)
{
  g_assert_true (pr_models_is_part_number ("2345-12360-001"));
  g_assert_false (pr_models_is_part_number ("2345-12360-00"));
  g_assert_false (pr_models_is_part_number ("2345-12360-0011"));
  g_assert_false (pr_models_is_part_number ("2345_12360-001"));
  g_assert_false (pr_models_is_part_number (""));
}

/* Garbage never crashes it and never yields a MAC that is not 12 hex digits */
static void
test_garbage (void)
{
  GRand *rand = g_rand_new_with_seed (20261125);
  static const char alphabet[] = "FileTransport Polycom-UA/.()SN:Type/Application0123456789abcdef-_%/ \x01\xff";

  for (int i = 0; i < 20000; i++)
    {
      char ua[96], path[64];
      PrRequestInfo info;
      int ua_len = g_rand_int_range (rand, 0, sizeof ua - 1);
      int path_len = g_rand_int_range (rand, 0, sizeof path - 1);

      for (int j = 0; j < ua_len; j++)
        ua[j] = alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)];
      ua[ua_len] = '\0';
      for (int j = 0; j < path_len; j++)
        path[j] = alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)];
      path[path_len] = '\0';
      if (i % 3 == 0)
        memcpy (ua, "FileTransport Polycom", MIN (21, ua_len));
      pr_classify ("GET", path, ua, &info);
      g_assert_true (info.mac[0] == '\0' || strlen (info.mac) == 12);
      g_assert_true (info.part[0] == '\0' || pr_models_is_part_number (info.part));
    }
  g_rand_free (rand);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/classifier/table", test_table);
  g_test_add_func ("/classifier/model-names", test_model_names);
  g_test_add_func ("/classifier/version-compare", test_version_compare);
  g_test_add_func ("/classifier/part-numbers", test_part_numbers);
  g_test_add_func ("/classifier/garbage", test_garbage);
  return g_test_run ();
}
