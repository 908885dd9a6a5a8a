/* test-catalog.c — firmware/models.ini parses and agrees with the built-in model table
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "pr-bundle.h"
#include "pr-catalog.h"
#include "pr-models.h"

static PrCatalog *
load (void)
{
  g_autoptr(GError) error = NULL;
  PrCatalog *catalog = pr_catalog_load_default (&error);

  g_assert_no_error (error);
  g_assert_nonnull (catalog);
  return catalog;
}

static void
test_every_entry_parses (void)
{
  g_autoptr(PrCatalog) catalog = load ();
  GPtrArray *models = pr_catalog_get_models (catalog);
  static const char *const families[] = { "soundpoint", "soundstation", "vvx", NULL };

  g_assert_cmpuint (models->len, >=, 28);
  for (guint i = 0; i < models->len; i++)
    {
      const PrCatalogModel *m = g_ptr_array_index (models, i);

      g_test_message ("%s", m->key);
      g_assert_nonnull (m->name);
      g_assert_true (g_strv_contains (families, m->family));
      g_assert_nonnull (m->parts[0]);
      for (guint p = 0; m->parts[p]; p++)
        g_assert_true (pr_models_is_part_number (m->parts[p]));
      /* the token finds the model (key = token without "_") */
      g_assert_cmpstr (pr_catalog_lookup_by_token (catalog, m->ua_token)->key, ==, m->key);
      for (guint j = 0; j < m->min_bootroms->len; j++)
        {
          const PrCatalogMinBootrom *mb = g_ptr_array_index (m->min_bootroms, j);

          g_assert_true (g_ascii_isdigit (mb->app_version[0]));
          g_assert_true (g_ascii_isdigit (mb->bootrom_version[0]));
        }
      /* every family has setup steps */
      {
        g_auto(GStrv) steps = pr_catalog_get_setup_steps (catalog, m->family, FALSE, NULL);
        g_assert_nonnull (steps);
        g_assert_cmpuint (g_strv_length (steps), >=, 5);
      }
    }

  for (guint i = 0; i < pr_catalog_get_bundles (catalog)->len; i++)
    {
      const PrCatalogBundle *b = g_ptr_array_index (pr_catalog_get_bundles (catalog), i);
      g_autofree char *from_name = pr_bundle_version_from_name (b->name);

      /* the name's version agrees with the recorded one */
      g_assert_true (pr_bundle_version_has_prefix (b->version, from_name));
      for (guint j = 0; b->models[j]; j++)
        g_assert_nonnull (pr_catalog_lookup (catalog, b->models[j]));
    }
}

static void
test_agrees_with_builtin_table (void)
{
  g_autoptr(PrCatalog) catalog = load ();
  guint n = 0;
  const PrModel *table = pr_models_get_all (&n);
  GPtrArray *models = pr_catalog_get_models (catalog);

  /* every built-in model is in the catalog, same token, same parts */
  for (guint i = 0; i < n; i++)
    {
      const PrCatalogModel *m = pr_catalog_lookup (catalog, table[i].key);

      g_test_message ("built-in %s", table[i].key);
      g_assert_nonnull (m);
      g_assert_cmpstr (m->ua_token, ==, table[i].ua_token);
      g_assert_cmpstr (m->family, ==, table[i].family);
      g_assert_cmpuint (g_strv_length (m->parts), ==, g_strv_length ((GStrv) table[i].parts));
      for (guint p = 0; table[i].parts[p]; p++)
        {
          g_assert_cmpstr (m->parts[p], ==, table[i].parts[p]);
          g_assert_true (pr_catalog_lookup_by_part (catalog, table[i].parts[p]) == m);
        }
    }
  /* and vice versa */
  for (guint i = 0; i < models->len; i++)
    {
      const PrCatalogModel *m = g_ptr_array_index (models, i);
      const PrModel *b = pr_models_find_by_key (m->key);

      g_test_message ("catalog %s", m->key);
      g_assert_nonnull (b);
      g_assert_true (pr_models_find_by_token (m->ua_token) == b);
      for (guint p = 0; m->parts[p]; p++)
        g_assert_true (pr_models_find_by_part (m->parts[p]) == b);
    }
  g_assert_cmpuint (models->len, ==, n);
}

static void
test_min_bootrom (void)
{
  g_autoptr(PrCatalog) catalog = load ();

  /* POLYCOM-FACTS §2 */
  g_assert_cmpstr (pr_catalog_get_min_bootrom (catalog, "SPIP321", "3.2.4.0267"), ==, "4.1.3");
  g_assert_cmpstr (pr_catalog_get_min_bootrom (catalog, "SPIP335", "3.2.4B"), ==, "4.2.0B");
  g_assert_cmpstr (pr_catalog_get_min_bootrom (catalog, "SPIP320", "3.2.4"), ==, "3.2.3B");
  g_assert_cmpstr (pr_catalog_get_min_bootrom (catalog, "SSIP5000", "3.2.4.0267"), ==, "4.2.2");
  g_assert_cmpstr (pr_catalog_get_min_bootrom (catalog, "SPIP601", "3.1.6.0017"), ==, "3.1.0");
  g_assert_cmpstr (pr_catalog_get_min_bootrom (catalog, "SPIP450", "4.0.11"), ==, "4.4.0B");
  /* the most specific release line wins */
  g_assert_cmpstr (pr_catalog_get_min_bootrom (catalog, "SSIP6000", "4.0.4.2906"), ==, "5.0.3");
  g_assert_cmpstr (pr_catalog_get_min_bootrom (catalog, "SSIP6000", "4.0.11"), ==, "5.0.8");
  /* unknown: NULL, not a guess */
  g_assert_null (pr_catalog_get_min_bootrom (catalog, "SPIP320", "3.3.5"));
  g_assert_null (pr_catalog_get_min_bootrom (catalog, "VVX400", "5.9.6"));
  g_assert_null (pr_catalog_get_min_bootrom (catalog, "NOPE", "3.2.4"));

  g_assert_cmpstr (pr_catalog_suggest_bootrom_bundle (catalog, "SPIP321", "4.1.3")->name, ==,
                   "spip_ssip_BootROM_4_2_3_release_sig.zip");
  g_assert_cmpstr (pr_catalog_suggest_bootrom_bundle (catalog, "SPIP321", "4.4.0B")->name, ==,
                   "SoundPoint_IP_BootROM_4_4_0B_Upgrader_release_sig.zip");
  g_assert_cmpstr (pr_catalog_suggest_bootrom_bundle (catalog, "SSIP7000", "5.0.8")->kind, ==, "updater");
  g_assert_cmpstr (pr_catalog_lookup_by_part (catalog, "2345-11500-040")->key, ==, "SPIP501");
  g_assert_cmpstr (pr_catalog_lookup_by_token (catalog, "SPIP_335")->name, ==, "SoundPoint IP 335");
}

static void
test_setup_steps_and_patterns (void)
{
  g_autoptr(PrCatalog) catalog = load ();
  g_auto(GStrv) steps = pr_catalog_get_setup_steps (catalog, "soundpoint", FALSE, "192.168.1.5");
  g_auto(GStrv) updater = pr_catalog_get_setup_steps (catalog, "soundpoint", TRUE, "http://192.168.1.5:8080");
  g_autofree char *all = g_strjoinv ("\n", steps);
  g_autofree char *all_updater = g_strjoinv ("\n", updater);
  GPtrArray *patterns = pr_catalog_get_log_patterns (catalog);
  const PrLogPattern *p;
  const char *log = "0101000000|boot |*|00|Application 2345-11500-040.318.sip.ld is not compatible with the phone.\n";

  g_assert_nonnull (strstr (all, "Setup"));
  g_assert_nonnull (strstr (all, "456"));
  g_assert_nonnull (strstr (all, "HTTP"));
  g_assert_nonnull (strstr (all, "Static"));
  g_assert_nonnull (strstr (all, "Server Address to 192.168.1.5"));
  g_assert_nonnull (strstr (all, "Save & Reboot"));
  g_assert_null (strstr (all, "@SERVER@"));
  g_assert_nonnull (strstr (updater[0], "Cancel"));
  g_assert_nonnull (strstr (all_updater, "http://192.168.1.5:8080"));
  g_assert_null (pr_catalog_get_setup_steps (catalog, "nokia", FALSE, NULL));

  g_assert_cmpuint (patterns->len, >=, 5);
  p = pr_catalog_match_log (catalog, log, -1);
  g_assert_nonnull (p);
  g_assert_cmpstr (p->id, ==, "not-compatible");
  g_assert_nonnull (strstr (p->advice, "BootROM"));
  g_assert_cmpstr (pr_catalog_match_log (catalog, "Bad image checksum, expected=0x13F9C1ED got=0x13F9C1E9", -1)->id,
                   ==, "bad-checksum");
  g_assert_cmpstr (pr_catalog_match_log (catalog, "x Downloaded application image was errored y", -1)->id,
                   ==, "download-errored");
  g_assert_cmpstr (pr_catalog_match_log (catalog, "Application image not found in file system", -1)->id,
                   ==, "image-not-found");
  g_assert_cmpstr (pr_catalog_match_log (catalog, "Error updating application", -1)->id, ==, "update-error");
  g_assert_null (pr_catalog_match_log (catalog, "Recognized application\nUsing compatible image 0\n", -1));
}

/* Every step list and every piece of advice has a German translation, the
 * step lists as many steps as the English one */
static void
test_german_complete (void)
{
  g_autoptr(PrCatalog) catalog = load ();
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) groups = NULL;
  guint n_steps = 0, n_advice = 0;

  g_key_file_load_from_file (kf, pr_catalog_get_path (catalog), G_KEY_FILE_KEEP_TRANSLATIONS, &error);
  g_assert_no_error (error);
  groups = g_key_file_get_groups (kf, NULL);
  for (guint i = 0; groups[i]; i++)
    {
      static const char *const step_keys[] = { "steps", "steps-updater" };

      if (g_str_has_prefix (groups[i], "family "))
        for (guint k = 0; k < G_N_ELEMENTS (step_keys); k++)
          {
            g_autofree char *de_key = g_strconcat (step_keys[k], "[de]", NULL);
            g_auto(GStrv) en = NULL, de = NULL;

            if (!g_key_file_has_key (kf, groups[i], step_keys[k], NULL))
              continue;
            g_test_message ("[%s] %s", groups[i], de_key);
            en = g_key_file_get_string_list (kf, groups[i], step_keys[k], NULL, NULL);
            de = g_key_file_get_string_list (kf, groups[i], de_key, NULL, &error);
            g_assert_no_error (error);
            g_assert_cmpuint (g_strv_length (de), ==, g_strv_length (en));
            for (guint s = 0; en[s]; s++)
              g_assert_cmpstr (de[s], !=, en[s]);
            n_steps++;
          }
      else if (g_str_has_prefix (groups[i], "log-pattern "))
        {
          g_autofree char *en = g_key_file_get_string (kf, groups[i], "advice", NULL);
          g_autofree char *de = g_key_file_get_string (kf, groups[i], "advice[de]", &error);

          g_test_message ("[%s] advice[de]", groups[i]);
          g_assert_no_error (error);
          g_assert_cmpstr (de, !=, en);
          n_advice++;
        }
    }
  g_assert_cmpuint (n_steps, ==, 6);
  g_assert_cmpuint (n_advice, >=, 5);
}

static void
test_setup_steps_german (void)
{
  g_autoptr(PrCatalog) catalog = load ();
  g_auto(GStrv) steps = pr_catalog_get_setup_steps_for_locale (catalog, "soundpoint", FALSE, "192.168.1.5", "de");
  g_auto(GStrv) updater = pr_catalog_get_setup_steps_for_locale (catalog, "soundstation", TRUE, "192.168.1.5",
                                                                 "de_DE.UTF-8");
  g_auto(GStrv) vvx = pr_catalog_get_setup_steps_for_locale (catalog, "vvx", FALSE, "192.168.1.5", "de_AT");
  g_auto(GStrv) french = pr_catalog_get_setup_steps_for_locale (catalog, "vvx", FALSE, "192.168.1.5", "fr");
  g_autofree char *all = g_strjoinv ("\n", steps);

  g_assert_cmpstr (steps[0], ==, "Schalten Sie das Telefon aus und wieder ein. "
                                 "Drücken Sie während des Countdowns den Softkey »Setup«.");
  g_assert_nonnull (strstr (all, "Setzen Sie »Server Address« auf 192.168.1.5."));
  g_assert_null (strstr (all, "@SERVER@"));
  g_assert_nonnull (strstr (updater[0], "drücken Sie »Cancel«"));
  g_assert_nonnull (strstr (vvx[1], "Countdowns"));
  /* no translation: English */
  g_assert_nonnull (strstr (french[0], "Power the phone off and on."));
}

/* With the session's language German the catalog speaks German (steps and
 * advice); in the "C" locale it stays English whatever $LANGUAGE says, as
 * gettext does. No de_DE locale is needed: GKeyFile reads $LANGUAGE. */
static void
test_german_session (void)
{
  g_autofree char *old_language = g_strdup (g_getenv ("LANGUAGE"));
  g_autofree char *old_locale = g_strdup (setlocale (LC_ALL, NULL));
  const char *log = "Application 2345-11500-040.318.sip.ld is not compatible with the phone.";

  g_setenv ("LANGUAGE", "de", TRUE);

  /* "C": English */
  g_assert_nonnull (setlocale (LC_ALL, "C"));
  {
    g_autoptr(PrCatalog) catalog = load ();
    g_auto(GStrv) steps = pr_catalog_get_setup_steps (catalog, "soundpoint", FALSE, "192.168.1.5");

    g_assert_nonnull (strstr (steps[0], "Power the phone off and on."));
    g_assert_nonnull (strstr (pr_catalog_match_log (catalog, log, -1)->advice, "The phone refused"));
  }

  if (setlocale (LC_ALL, "C.UTF-8") == NULL)
    {
      g_test_skip ("the C.UTF-8 locale is not available");
    }
  else
    {
      g_autoptr(PrCatalog) catalog = load ();
      g_auto(GStrv) steps = pr_catalog_get_setup_steps (catalog, "soundpoint", TRUE, "192.168.1.5");
      g_autofree char *all = g_strjoinv ("\n", steps);

      g_assert_nonnull (strstr (steps[0], "Schalten Sie das Telefon aus und wieder ein."));
      g_assert_nonnull (strstr (all, "Setzen Sie »Server Address« auf 192.168.1.5."));
      g_assert_cmpstr (pr_catalog_match_log (catalog, log, -1)->id, ==, "not-compatible");
      g_assert_true (g_str_has_prefix (pr_catalog_match_log (catalog, log, -1)->advice,
                                       "Das Telefon hat die Anwendung abgelehnt"));
    }

  setlocale (LC_ALL, old_locale);
  if (old_language)
    g_setenv ("LANGUAGE", old_language, TRUE);
  else
    g_unsetenv ("LANGUAGE");
}

static void
test_bad_catalogs (void)
{
  static const char *const bad[] = {
    "[model X]\nname=X\nfamily=vvx\n",                                   /* no ua-token */
    "[model A]\nname=A\nua-token=A\nfamily=vvx\nparts=1111-11111-111;\n"
    "[model B]\nname=B\nua-token=B\nfamily=vvx\nparts=1111-11111-111;\n", /* part twice */
    "[model A]\nname=A\nua-token=A\nfamily=vvx\nmin-bootrom-3.2=soon\n",  /* not a version */
    "[log-pattern x]\nmatch=foo\n",                                        /* no advice, no models */
    "not a key file",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PrCatalog) c = pr_catalog_new_from_data (bad[i], -1, &error);

      g_assert_null (c);
      g_assert_nonnull (error);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/catalog/every-entry-parses", test_every_entry_parses);
  g_test_add_func ("/catalog/agrees-with-builtin-table", test_agrees_with_builtin_table);
  g_test_add_func ("/catalog/min-bootrom", test_min_bootrom);
  g_test_add_func ("/catalog/setup-steps-and-patterns", test_setup_steps_and_patterns);
  g_test_add_func ("/catalog/german-complete", test_german_complete);
  g_test_add_func ("/catalog/setup-steps-german", test_setup_steps_german);
  g_test_add_func ("/catalog/german-session", test_german_session);
  g_test_add_func ("/catalog/bad-catalogs", test_bad_catalogs);
  return g_test_run ();
}
