/* pr-compat.c — will the phones boot what the store serves?
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>
#include <sys/stat.h>

#include "pr-bundle-list.h"
#include "pr-compat.h"

struct _PrCompat
{
  GObject     parent_instance;

  PrCatalog  *catalog;
  char       *root;
  GPtrArray  *served;     /* of PrServedImage */
  GPtrArray  *warnings;   /* of PrCompatWarning */
};

G_DEFINE_FINAL_TYPE (PrCompat, pr_compat, G_TYPE_OBJECT)

static void
served_free (gpointer data)
{
  PrServedImage *s = data;

  g_free (s->model_key);
  g_free (s->model_name);
  g_free (s->app_file);
  g_free (s->app_version);
  g_free (s->app_bundle);
  g_free (s->bootrom_file);
  g_free (s->bootrom_version);
  g_free (s->bootrom_bundle);
  g_free (s->min_bootrom);
  g_free (s);
}

static void
warning_free (gpointer data)
{
  PrCompatWarning *w = data;

  g_free (w->model_key);
  g_free (w->needed);
  g_free (w->suggested_bundle);
  g_free (w->message);
  g_free (w);
}

static void
pr_compat_finalize (GObject *object)
{
  PrCompat *self = PR_COMPAT (object);

  g_clear_object (&self->catalog);
  g_free (self->root);
  g_ptr_array_unref (self->served);
  g_ptr_array_unref (self->warnings);
  G_OBJECT_CLASS (pr_compat_parent_class)->finalize (object);
}

static void
pr_compat_class_init (PrCompatClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pr_compat_finalize;
}

static void
pr_compat_init (PrCompat *self)
{
  self->served = g_ptr_array_new_with_free_func (served_free);
  self->warnings = g_ptr_array_new_with_free_func (warning_free);
}

static gboolean
root_has (const char *root,
          const char *name)
{
  g_autofree char *path = g_build_filename (root, name, NULL);
  struct stat st;

  return stat (path, &st) == 0 && S_ISREG (st.st_mode);
}

static char *
root_version (const char *root,
              const char *ver_file)
{
  g_autofree char *path = g_build_filename (root, ver_file, NULL);
  g_autofree char *contents = NULL;
  gsize len;

  if (!g_file_get_contents (path, &contents, &len, NULL))
    return NULL;
  return pr_bundle_version_from_ver_file (contents, len);
}

/* The root file answering "<part>.<suffix>" for the model: the split file, else the combined one */
static char *
find_image (const char           *root,
            const PrCatalogModel *m,
            const char           *suffix,
            gboolean             *split)
{
  for (guint i = 0; m->parts[i]; i++)
    {
      g_autofree char *name = g_strconcat (m->parts[i], ".", suffix, NULL);

      if (root_has (root, name))
        {
          *split = TRUE;
          return g_steal_pointer (&name);
        }
    }
  *split = FALSE;
  return root_has (root, suffix) ? g_strdup (suffix) : NULL;
}

static void
describe_image (const char        *root,
                GPtrArray         *bundles,
                const char        *file,
                PrBundleFileClass  klass,
                const char        *ver_file,
                char             **version,
                char             **bundle_name)
{
  PrBundle *provider = pr_bundle_list_find_provider (bundles, root, file);

  if (provider)
    {
      *version = g_strdup (pr_bundle_get_image_version (provider, klass));
      *bundle_name = g_strdup (pr_bundle_get_name (provider));
    }
  else
    *version = root_version (root, ver_file);
}

static char *
advice_for (PrCompat    *self,
            const char  *model_key,
            const char  *needed,
            char       **suggested)
{
  const PrCatalogBundle *b = pr_catalog_suggest_bootrom_bundle (self->catalog, model_key, needed);

  *suggested = b ? g_strdup (b->name) : NULL;
  if (b)
    return g_strdup_printf (_("Import %s."), b->name);
  return g_strdup_printf (_("Import a BootROM bundle with version %s or newer."), needed);
}

static const char *
program_word (PrCompat   *self,
              const char *model_key,
              const char *needed)
{
  const PrCatalogBundle *b = pr_catalog_suggest_bootrom_bundle (self->catalog, model_key, needed);

  return b && g_strcmp0 (b->kind, "updater") == 0 ? "Updater" : "BootROM";
}

static void
scan (PrCompat *self)
{
  g_autoptr(GPtrArray) bundles = pr_bundle_list_load (self->root, NULL);
  GPtrArray *models = pr_catalog_get_models (self->catalog);

  for (guint i = 0; i < models->len; i++)
    {
      const PrCatalogModel *m = g_ptr_array_index (models, i);
      PrServedImage *s;
      gboolean app_split = FALSE, boot_split = FALSE;
      g_autofree char *app = find_image (self->root, m, "sip.ld", &app_split);
      g_autofree char *boot = find_image (self->root, m, "bootrom.ld", &boot_split);

      if (app == NULL && boot == NULL)
        continue;

      s = g_new0 (PrServedImage, 1);
      s->model_key = g_strdup (m->key);
      s->model_name = g_strdup (m->name);
      s->app_file = g_steal_pointer (&app);
      s->bootrom_file = g_steal_pointer (&boot);
      if (s->app_file)
        describe_image (self->root, bundles, s->app_file, PR_BUNDLE_FILE_APP_IMAGE, "sip.ver",
                        &s->app_version, &s->app_bundle);
      if (s->bootrom_file)
        describe_image (self->root, bundles, s->bootrom_file, PR_BUNDLE_FILE_BOOTROM_IMAGE, "bootrom.ver",
                        &s->bootrom_version, &s->bootrom_bundle);
      s->min_bootrom = g_strdup (pr_catalog_get_min_bootrom (self->catalog, m->key, s->app_version));
      s->split = app_split || boot_split;
      g_ptr_array_add (self->served, s);

      /* Warn for the models the application was built for (split images);
       * a combined sip.ld does not say which models it serves. */
      if (app_split && s->min_bootrom)
        {
          gboolean missing = s->bootrom_file == NULL;
          gboolean too_old = !missing && s->bootrom_version &&
                             pr_bundle_version_compare (s->bootrom_version, s->min_bootrom) < 0;

          if (missing || too_old)
            {
              PrCompatWarning *w = g_new0 (PrCompatWarning, 1);
              const char *word = program_word (self, m->key, s->min_bootrom);
              g_autofree char *advice = advice_for (self, m->key, s->min_bootrom, &w->suggested_bundle);

              w->model_key = g_strdup (m->key);
              w->needed = g_strdup (s->min_bootrom);
              if (missing)
                /* Translators: the first %s is a model name (“SoundPoint IP 321”), the second
                 * the application version, the third and fifth “BootROM” or “Updater”, the
                 * fourth the version needed, the last a sentence saying what to import */
                w->message = g_strdup_printf (_("%s: application %s needs %s %s or newer, and the store "
                                              "has no %s for it. %s"),
                                              m->name, s->app_version, word, s->min_bootrom, word, advice);
              else
                /* Translators: the first %s is a model name (“SoundPoint IP 321”), the second
                 * the application version, the third and fifth “BootROM” or “Updater”, the
                 * fourth the version needed, the sixth the version in the store, the last a
                 * sentence saying what to import */
                w->message = g_strdup_printf (_("%s: application %s needs %s %s or newer, but the store "
                                              "has %s %s. %s"),
                                              m->name, s->app_version, word, s->min_bootrom, word,
                                              s->bootrom_version, advice);
              g_ptr_array_add (self->warnings, w);
            }
        }
    }
}

PrCompat *
pr_compat_new (PrCatalog  *catalog,
               const char *store_root)
{
  PrCompat *self = g_object_new (PR_TYPE_COMPAT, NULL);

  g_return_val_if_fail (store_root != NULL, NULL);

  self->catalog = catalog ? g_object_ref (catalog) : pr_catalog_get_default ();
  if (self->catalog && catalog == NULL)
    g_object_ref (self->catalog);
  self->root = g_strdup (store_root);
  if (self->catalog)
    scan (self);
  return self;
}

GPtrArray *
pr_compat_get_served (PrCompat *self)
{
  g_return_val_if_fail (PR_IS_COMPAT (self), NULL);
  return self->served;
}

const PrServedImage *
pr_compat_get_served_for (PrCompat   *self,
                          const char *model_key)
{
  g_return_val_if_fail (PR_IS_COMPAT (self), NULL);
  for (guint i = 0; i < self->served->len; i++)
    {
      const PrServedImage *s = g_ptr_array_index (self->served, i);

      if (g_strcmp0 (s->model_key, model_key) == 0)
        return s;
    }
  return NULL;
}

GPtrArray *
pr_compat_get_warnings (PrCompat *self)
{
  g_return_val_if_fail (PR_IS_COMPAT (self), NULL);
  return self->warnings;
}

char *
pr_compat_check_phone (PrCompat   *self,
                       const char *model_key,
                       const char *bootrom_version)
{
  const PrServedImage *s;
  g_autofree char *suggested = NULL;
  g_autofree char *advice = NULL;
  const char *word;

  g_return_val_if_fail (PR_IS_COMPAT (self), NULL);

  if (self->catalog == NULL || model_key == NULL || bootrom_version == NULL || bootrom_version[0] == '\0')
    return NULL;
  s = pr_compat_get_served_for (self, model_key);
  if (s == NULL || s->app_file == NULL || s->min_bootrom == NULL)
    return NULL;
  if (pr_bundle_version_compare (bootrom_version, s->min_bootrom) >= 0)
    return NULL;
  /* the store can update it first (an image of unknown version counts as able) */
  if (s->bootrom_file && (s->bootrom_version == NULL ||
                          pr_bundle_version_compare (s->bootrom_version, s->min_bootrom) >= 0))
    return NULL;

  word = program_word (self, model_key, s->min_bootrom);
  advice = advice_for (self, model_key, s->min_bootrom, &suggested);
  /* Translators: the first and fifth %s are “BootROM” or “Updater”, the second the
   * phone’s version of it, the third the application version, the fourth the version
   * needed, the sixth a model name (“SoundPoint IP 321”), the last a sentence saying
   * what to import */
  return g_strdup_printf (_("%s %s is too old for application %s (it needs %s or newer), and the store "
                          "has no %s for the %s. %s Then reboot the phone."),
                          word, bootrom_version, s->app_version, s->min_bootrom, word,
                          s->model_name, advice);
}
