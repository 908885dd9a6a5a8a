/* pr-catalog.c — the model catalog (firmware/models.ini)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <locale.h>
#include <string.h>

#include "pr-bundle.h"
#include "pr-catalog.h"
#include "pr-error.h"

struct _PrCatalog
{
  GObject     parent_instance;

  char       *path;
  GKeyFile   *keyfile;
  GPtrArray  *models;      /* of PrCatalogModel */
  GHashTable *by_key;      /* key → model */
  GHashTable *by_part;     /* part → model */
  GPtrArray  *bundles;     /* of PrCatalogBundle */
  GPtrArray  *patterns;    /* of PrLogPattern */
};

G_DEFINE_FINAL_TYPE (PrCatalog, pr_catalog, G_TYPE_OBJECT)

static void
min_bootrom_free (gpointer data)
{
  PrCatalogMinBootrom *m = data;

  g_free (m->app_version);
  g_free (m->bootrom_version);
  g_free (m);
}

static void
model_free (gpointer data)
{
  PrCatalogModel *m = data;

  g_free (m->key);
  g_free (m->name);
  g_free (m->ua_token);
  g_free (m->family);
  g_strfreev (m->parts);
  g_free (m->reset_keys);
  g_free (m->last_software);
  g_free (m->last_bootrom);
  g_free (m->notes);
  g_ptr_array_unref (m->min_bootroms);
  g_free (m);
}

static void
bundle_free (gpointer data)
{
  PrCatalogBundle *b = data;

  g_free (b->name);
  g_free (b->kind);
  g_free (b->version);
  g_strfreev (b->models);
  g_free (b);
}

static void
pattern_free (gpointer data)
{
  PrLogPattern *p = data;

  g_free (p->id);
  g_free (p->match);
  g_free (p->advice);
  g_free (p);
}

static void
pr_catalog_finalize (GObject *object)
{
  PrCatalog *self = PR_CATALOG (object);

  g_free (self->path);
  g_key_file_unref (self->keyfile);
  g_hash_table_unref (self->by_key);
  g_hash_table_unref (self->by_part);
  g_ptr_array_unref (self->models);
  g_ptr_array_unref (self->bundles);
  g_ptr_array_unref (self->patterns);

  G_OBJECT_CLASS (pr_catalog_parent_class)->finalize (object);
}

static void
pr_catalog_class_init (PrCatalogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pr_catalog_finalize;
}

static void
pr_catalog_init (PrCatalog *self)
{
  self->keyfile = g_key_file_new ();
  self->models = g_ptr_array_new_with_free_func (model_free);
  self->by_key = g_hash_table_new (g_str_hash, g_str_equal);
  self->by_part = g_hash_table_new (g_str_hash, g_str_equal);
  self->bundles = g_ptr_array_new_with_free_func (bundle_free);
  self->patterns = g_ptr_array_new_with_free_func (pattern_free);
}

/* NULL for absent or empty values: an empty field means "unverified" */
static char *
get_string (GKeyFile   *kf,
            const char *group,
            const char *key)
{
  char *value = g_key_file_get_string (kf, group, key, NULL);

  if (value != NULL)
    g_strstrip (value);
  if (value != NULL && value[0] == '\0')
    g_clear_pointer (&value, g_free);
  return value;
}

/* The locale for the localized keys (steps[de]=…): like gettext, none in the
 * "C" locale, so a program that did not call setlocale() stays in English
 * whatever $LANGUAGE says; else NULL, GLib's list of the user's languages. */
static const char *
messages_locale (void)
{
  const char *current = setlocale (LC_MESSAGES, NULL);

  if (current == NULL || strcmp (current, "C") == 0 || strcmp (current, "POSIX") == 0)
    return "C";
  return NULL;
}

/* get_string() of the translation for @locale (NULL: the current one) */
static char *
get_locale_string (GKeyFile   *kf,
                   const char *group,
                   const char *key,
                   const char *locale)
{
  char *value = g_key_file_get_locale_string (kf, group, key, locale, NULL);

  if (value != NULL)
    g_strstrip (value);
  if (value != NULL && value[0] == '\0')
    g_clear_pointer (&value, g_free);
  return value;
}

/* get_list() of the translation for @locale (NULL: the current one) */
static GStrv
get_locale_list (GKeyFile   *kf,
                 const char *group,
                 const char *key,
                 const char *locale)
{
  g_auto(GStrv) raw = g_key_file_get_locale_string_list (kf, group, key, locale, NULL, NULL);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; raw && raw[i]; i++)
    {
      g_strstrip (raw[i]);
      if (raw[i][0] != '\0')
        g_strv_builder_add (builder, raw[i]);
    }
  return g_strv_builder_end (builder);
}

static GStrv
get_list (GKeyFile   *kf,
          const char *group,
          const char *key)
{
  g_auto(GStrv) raw = g_key_file_get_string_list (kf, group, key, NULL, NULL);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; raw && raw[i]; i++)
    {
      g_strstrip (raw[i]);
      if (raw[i][0] != '\0')
        g_strv_builder_add (builder, raw[i]);
    }
  return g_strv_builder_end (builder);
}

static gboolean
parse_model (PrCatalog   *self,
             const char  *group,
             const char  *key,
             GError     **error)
{
  GKeyFile *kf = self->keyfile;
  PrCatalogModel *m;
  g_auto(GStrv) keys = NULL;

  if (key[0] == '\0' || g_hash_table_contains (self->by_key, key))
    {
      g_set_error (error, PR_ERROR, PR_ERROR_FAILED,
                   /* Translators: the first %s is the catalog’s file name, the second
                    * a group name of that file (“model SPIP321”) */
                   _("%s: the model [%s] is empty or listed twice"), self->path, group);
      return FALSE;
    }

  m = g_new0 (PrCatalogModel, 1);
  m->key = g_strdup (key);
  m->name = get_string (kf, group, "name");
  m->ua_token = get_string (kf, group, "ua-token");
  m->family = get_string (kf, group, "family");
  m->parts = get_list (kf, group, "parts");
  m->reset_keys = get_string (kf, group, "reset-keys");
  m->last_software = get_string (kf, group, "last-software");
  m->last_bootrom = get_string (kf, group, "last-bootrom");
  m->notes = get_string (kf, group, "notes");
  m->min_bootroms = g_ptr_array_new_with_free_func (min_bootrom_free);
  g_ptr_array_add (self->models, m);   /* owned from here on */
  g_hash_table_insert (self->by_key, m->key, m);

  if (m->name == NULL || m->ua_token == NULL || m->family == NULL)
    {
      g_set_error (error, PR_ERROR, PR_ERROR_FAILED,
                   /* Translators: the first %s is the catalog’s file name, the second
                    * a group name of that file; “name”, “ua-token” and “family” are
                    * key names, do not translate them */
                   _("%s: the model [%s] needs name, ua-token and family"), self->path, group);
      return FALSE;
    }

  for (guint i = 0; m->parts[i]; i++)
    {
      PrCatalogModel *other = g_hash_table_lookup (self->by_part, m->parts[i]);

      if (other != NULL)
        {
          g_set_error (error, PR_ERROR, PR_ERROR_FAILED,
                       /* Translators: the first %s is the catalog’s file name, the second
                        * a part number (“2345-12360-001”), the third and fourth model
                        * keys (“SPIP321”) */
                       _("%s: part %s belongs to both %s and %s"),
                       self->path, m->parts[i], other->key, m->key);
          return FALSE;
        }
      g_hash_table_insert (self->by_part, m->parts[i], m);
    }

  keys = g_key_file_get_keys (kf, group, NULL, NULL);
  for (guint i = 0; keys && keys[i]; i++)
    {
      if (g_str_has_prefix (keys[i], "min-bootrom-"))
        {
          const char *app = keys[i] + strlen ("min-bootrom-");
          char *bootrom = get_string (kf, group, keys[i]);
          PrCatalogMinBootrom *mb;

          if (bootrom == NULL)
            continue;
          if (!g_ascii_isdigit (app[0]) || !g_ascii_isdigit (bootrom[0]))
            {
              g_set_error (error, PR_ERROR, PR_ERROR_FAILED,
                           /* Translators: the first %s is the catalog’s file name, the second
                            * a group name of that file, “%s=%s” a key and its value */
                           _("%s: [%s] %s=%s is not a version"), self->path, group, keys[i], bootrom);
              g_free (bootrom);
              return FALSE;
            }
          mb = g_new0 (PrCatalogMinBootrom, 1);
          mb->app_version = g_strdup (app);
          mb->bootrom_version = bootrom;
          g_ptr_array_add (m->min_bootroms, mb);
        }
    }
  return TRUE;
}

static gboolean
parse (PrCatalog  *self,
       GError    **error)
{
  g_auto(GStrv) groups = g_key_file_get_groups (self->keyfile, NULL);

  for (guint i = 0; groups[i]; i++)
    {
      const char *group = groups[i];

      if (g_str_has_prefix (group, "model "))
        {
          if (!parse_model (self, group, group + strlen ("model "), error))
            return FALSE;
        }
      else if (g_str_has_prefix (group, "bundle "))
        {
          PrCatalogBundle *b = g_new0 (PrCatalogBundle, 1);

          b->name = g_strdup (group + strlen ("bundle "));
          b->kind = get_string (self->keyfile, group, "kind");
          b->version = get_string (self->keyfile, group, "version");
          b->models = get_list (self->keyfile, group, "models");
          g_ptr_array_add (self->bundles, b);
          if (b->kind == NULL || b->version == NULL)
            {
              g_set_error (error, PR_ERROR, PR_ERROR_FAILED,
                           /* Translators: the first %s is the catalog’s file name, the second
                            * a group name of that file; “kind” and “version” are key names,
                            * do not translate them */
                           _("%s: [%s] needs kind and version"), self->path, group);
              return FALSE;
            }
        }
      else if (g_str_has_prefix (group, "log-pattern "))
        {
          PrLogPattern *p = g_new0 (PrLogPattern, 1);

          p->id = g_strdup (group + strlen ("log-pattern "));
          p->match = get_string (self->keyfile, group, "match");
          p->advice = get_locale_string (self->keyfile, group, "advice", messages_locale ());
          g_ptr_array_add (self->patterns, p);
          if (p->match == NULL || p->advice == NULL)
            {
              g_set_error (error, PR_ERROR, PR_ERROR_FAILED,
                           /* Translators: the first %s is the catalog’s file name, the second
                            * a group name of that file; “match” and “advice” are key names,
                            * do not translate them */
                           _("%s: [%s] needs match and advice"), self->path, group);
              return FALSE;
            }
        }
    }

  if (self->models->len == 0)
    {
      g_set_error (error, PR_ERROR, PR_ERROR_FAILED, _("%s lists no models"), self->path);
      return FALSE;
    }
  return TRUE;
}

PrCatalog *
pr_catalog_new_from_data (const char  *data,
                          gssize       len,
                          GError     **error)
{
  g_autoptr(PrCatalog) self = g_object_new (PR_TYPE_CATALOG, NULL);

  if (self->path == NULL)
    self->path = g_strdup ("models.ini");
  if (!g_key_file_load_from_data (self->keyfile, data, len < 0 ? strlen (data) : (gsize) len,
                                  G_KEY_FILE_KEEP_TRANSLATIONS, error))
    return NULL;
  if (!parse (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

PrCatalog *
pr_catalog_new_from_file (const char  *path,
                          GError     **error)
{
  g_autoptr(PrCatalog) self = g_object_new (PR_TYPE_CATALOG, NULL);
  g_autoptr(GError) local_error = NULL;

  self->path = g_strdup (path);
  if (!g_key_file_load_from_file (self->keyfile, path, G_KEY_FILE_KEEP_TRANSLATIONS, &local_error))
    {
      g_set_error (error, PR_ERROR, PR_ERROR_FAILED,
                   /* Translators: the first %s is a file name, the second an error message */
                   _("The model catalog %s cannot be read: %s"), path, local_error->message);
      return NULL;
    }
  if (!parse (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

char *
pr_catalog_find_firmware_dir (void)
{
  const char *env = g_getenv ("PHONE_RESCUE_FIRMWARE_DIR");
  const char *candidates[] = {
    env,
    PKGDATADIR "/firmware",
    SOURCE_FIRMWARE_DIR,
  };

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      g_autofree char *ini = NULL;

      if (candidates[i] == NULL || candidates[i][0] == '\0')
        continue;
      ini = g_build_filename (candidates[i], "models.ini", NULL);
      if (g_file_test (ini, G_FILE_TEST_IS_REGULAR))
        return g_strdup (candidates[i]);
    }
  return NULL;
}

PrCatalog *
pr_catalog_load_default (GError **error)
{
  g_autofree char *dir = pr_catalog_find_firmware_dir ();
  g_autofree char *path = NULL;

  if (dir == NULL)
    {
      g_set_error (error, PR_ERROR, PR_ERROR_FAILED,
                   /* Translators: both %s are folder names */
                   _("The model catalog models.ini was not found (looked in "
                     "$PHONE_RESCUE_FIRMWARE_DIR, %s/firmware and %s)"),
                   PKGDATADIR, SOURCE_FIRMWARE_DIR);
      return NULL;
    }
  path = g_build_filename (dir, "models.ini", NULL);
  return pr_catalog_new_from_file (path, error);
}

PrCatalog *
pr_catalog_get_default (void)
{
  static PrCatalog *catalog;
  static gsize once;

  if (g_once_init_enter (&once))
    {
      g_autoptr(GError) error = NULL;

      catalog = pr_catalog_load_default (&error);
      if (catalog == NULL)
        g_warning ("%s", error->message);
      g_once_init_leave (&once, 1);
    }
  return catalog;
}

const char *
pr_catalog_get_path (PrCatalog *self)
{
  g_return_val_if_fail (PR_IS_CATALOG (self), NULL);
  return self->path;
}

GPtrArray *
pr_catalog_get_models (PrCatalog *self)
{
  g_return_val_if_fail (PR_IS_CATALOG (self), NULL);
  return self->models;
}

const PrCatalogModel *
pr_catalog_lookup (PrCatalog  *self,
                   const char *key)
{
  g_return_val_if_fail (PR_IS_CATALOG (self), NULL);
  if (key == NULL)
    return NULL;
  return g_hash_table_lookup (self->by_key, key);
}

const PrCatalogModel *
pr_catalog_lookup_by_token (PrCatalog  *self,
                            const char *ua_token)
{
  g_autoptr(GString) key = NULL;

  g_return_val_if_fail (PR_IS_CATALOG (self), NULL);
  if (ua_token == NULL)
    return NULL;
  key = g_string_new (NULL);
  for (const char *p = ua_token; *p; p++)
    if (*p != '_')
      g_string_append_c (key, g_ascii_toupper (*p));
  return g_hash_table_lookup (self->by_key, key->str);
}

const PrCatalogModel *
pr_catalog_lookup_by_part (PrCatalog  *self,
                           const char *part)
{
  g_return_val_if_fail (PR_IS_CATALOG (self), NULL);
  if (part == NULL)
    return NULL;
  return g_hash_table_lookup (self->by_part, part);
}

static guint
count_components (const char *version)
{
  guint n = 1;

  for (const char *p = version; *p; p++)
    if (*p == '.')
      n++;
  return n;
}

const char *
pr_catalog_get_min_bootrom (PrCatalog  *self,
                            const char *model_key,
                            const char *app_version)
{
  const PrCatalogModel *m = pr_catalog_lookup (self, model_key);
  const PrCatalogMinBootrom *best = NULL;

  if (m == NULL || app_version == NULL)
    return NULL;
  for (guint i = 0; i < m->min_bootroms->len; i++)
    {
      const PrCatalogMinBootrom *mb = g_ptr_array_index (m->min_bootroms, i);

      if (!pr_bundle_version_has_prefix (app_version, mb->app_version))
        continue;
      if (best == NULL || count_components (mb->app_version) > count_components (best->app_version))
        best = mb;
    }
  return best ? best->bootrom_version : NULL;
}

GPtrArray *
pr_catalog_get_bundles (PrCatalog *self)
{
  g_return_val_if_fail (PR_IS_CATALOG (self), NULL);
  return self->bundles;
}

const PrCatalogBundle *
pr_catalog_suggest_bootrom_bundle (PrCatalog  *self,
                                   const char *model_key,
                                   const char *min_version)
{
  const PrCatalogBundle *best = NULL;

  g_return_val_if_fail (PR_IS_CATALOG (self), NULL);

  for (guint i = 0; i < self->bundles->len; i++)
    {
      const PrCatalogBundle *b = g_ptr_array_index (self->bundles, i);

      if (g_strcmp0 (b->kind, "bootrom") != 0 && g_strcmp0 (b->kind, "updater") != 0)
        continue;
      if (model_key && !g_strv_contains ((const char *const *) b->models, model_key))
        continue;
      if (min_version && pr_bundle_version_compare (b->version, min_version) < 0)
        continue;
      if (best == NULL || pr_bundle_version_compare (b->version, best->version) < 0)
        best = b;
    }
  return best;
}

GStrv
pr_catalog_get_setup_steps (PrCatalog  *self,
                            const char *family,
                            gboolean    updater,
                            const char *server)
{
  return pr_catalog_get_setup_steps_for_locale (self, family, updater, server, messages_locale ());
}

GStrv
pr_catalog_get_setup_steps_for_locale (PrCatalog  *self,
                                       const char *family,
                                       gboolean    updater,
                                       const char *server,
                                       const char *locale)
{
  g_autofree char *group = NULL;
  g_auto(GStrv) steps = NULL;

  g_return_val_if_fail (PR_IS_CATALOG (self), NULL);
  if (family == NULL)
    return NULL;
  group = g_strconcat ("family ", family, NULL);
  if (!g_key_file_has_group (self->keyfile, group))
    return NULL;
  if (updater)
    steps = get_locale_list (self->keyfile, group, "steps-updater", locale);
  if (steps == NULL || steps[0] == NULL)
    {
      g_clear_pointer (&steps, g_strfreev);
      steps = get_locale_list (self->keyfile, group, "steps", locale);
    }
  if (server != NULL)
    for (guint i = 0; steps[i]; i++)
      if (strstr (steps[i], "@SERVER@"))
        {
          g_auto(GStrv) split = g_strsplit (steps[i], "@SERVER@", -1);

          g_free (steps[i]);
          steps[i] = g_strjoinv (server, split);
        }
  return g_steal_pointer (&steps);
}

const char *
pr_catalog_get_family_name (PrCatalog  *self,
                            const char *family)
{
  g_autofree char *group = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (PR_IS_CATALOG (self), NULL);
  if (family == NULL)
    return NULL;
  group = g_strconcat ("family ", family, NULL);
  name = get_string (self->keyfile, group, "name");
  /* interned so the caller need not free it */
  return name ? g_intern_string (name) : NULL;
}

GPtrArray *
pr_catalog_get_log_patterns (PrCatalog *self)
{
  g_return_val_if_fail (PR_IS_CATALOG (self), NULL);
  return self->patterns;
}

const PrLogPattern *
pr_catalog_match_log (PrCatalog  *self,
                      const char *log,
                      gssize      len)
{
  g_autofree char *copy = NULL;

  g_return_val_if_fail (PR_IS_CATALOG (self), NULL);
  if (log == NULL)
    return NULL;
  copy = len < 0 ? g_strdup (log) : g_strndup (log, len);
  for (guint i = 0; i < self->patterns->len; i++)
    {
      const PrLogPattern *p = g_ptr_array_index (self->patterns, i);

      if (strstr (copy, p->match))
        return p;
    }
  return NULL;
}
