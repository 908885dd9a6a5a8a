/* pr-bundle.c — one imported firmware bundle: its manifest
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pr-bundle.h"
#include "pr-error.h"

struct _PrBundle
{
  GObject       parent_instance;

  char         *id;
  char         *name;
  PrBundleKind  kind;
  char         *version;
  char         *version_source;
  char         *app_version;
  char         *bootrom_version;
  GStrv         models;
  GPtrArray    *files;      /* of PrBundleFile */
  GHashTable   *by_path;    /* path → PrBundleFile (borrowed) */
  GDateTime    *imported;
  char         *dir;
  gboolean      served;
  gboolean      already_present;
};

G_DEFINE_FINAL_TYPE (PrBundle, pr_bundle, G_TYPE_OBJECT)

static const char *const kind_names[] = {
  [PR_BUNDLE_KIND_APPLICATION] = "application",
  [PR_BUNDLE_KIND_BOOTROM] = "bootrom",
  [PR_BUNDLE_KIND_UPDATER] = "updater",
  [PR_BUNDLE_KIND_COMBINED] = "combined",
  [PR_BUNDLE_KIND_MIXED] = "mixed",
};

static const char *const slot_names[] = {
  [PR_BUNDLE_SLOT_APPLICATION] = "application",
  [PR_BUNDLE_SLOT_BOOTROM] = "bootrom",
  [PR_BUNDLE_SLOT_UPDATER] = "updater",
};

static const char *const class_names[] = {
  [PR_BUNDLE_FILE_OTHER] = "other",
  [PR_BUNDLE_FILE_BOOTROM_IMAGE] = "bootrom-image",
  [PR_BUNDLE_FILE_APP_IMAGE] = "application-image",
  [PR_BUNDLE_FILE_VERSION] = "version",
  [PR_BUNDLE_FILE_MASTER_CONFIG] = "master-config",
  [PR_BUNDLE_FILE_TEMPLATE_CONFIG] = "config",
  [PR_BUNDLE_FILE_LOCALIZATION] = "localization",
  [PR_BUNDLE_FILE_TONE] = "tone",
  [PR_BUNDLE_FILE_BACKGROUND] = "background",
};

const char *
pr_bundle_kind_to_string (PrBundleKind kind)
{
  g_return_val_if_fail (kind <= PR_BUNDLE_KIND_MIXED, "application");
  return kind_names[kind];
}

gboolean
pr_bundle_kind_from_string (const char   *text,
                            PrBundleKind *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (kind_names); i++)
    if (g_strcmp0 (text, kind_names[i]) == 0)
      {
        *kind = i;
        return TRUE;
      }
  return FALSE;
}

PrBundleSlot
pr_bundle_kind_get_slot (PrBundleKind kind)
{
  switch (kind)
    {
    case PR_BUNDLE_KIND_BOOTROM:
      return PR_BUNDLE_SLOT_BOOTROM;
    case PR_BUNDLE_KIND_UPDATER:
      return PR_BUNDLE_SLOT_UPDATER;
    case PR_BUNDLE_KIND_APPLICATION:
    case PR_BUNDLE_KIND_COMBINED:
    case PR_BUNDLE_KIND_MIXED:
    default:
      return PR_BUNDLE_SLOT_APPLICATION;
    }
}

const char *
pr_bundle_slot_to_string (PrBundleSlot slot)
{
  g_return_val_if_fail (slot < PR_BUNDLE_N_SLOTS, "application");
  return slot_names[slot];
}

const char *
pr_bundle_file_class_to_string (PrBundleFileClass klass)
{
  g_return_val_if_fail (klass <= PR_BUNDLE_FILE_BACKGROUND, "other");
  return class_names[klass];
}

static gboolean
has_suffix_ci (const char *text,
               const char *suffix)
{
  gsize lt = strlen (text), ls = strlen (suffix);

  return lt >= ls && g_ascii_strcasecmp (text + lt - ls, suffix) == 0;
}

PrBundleFileClass
pr_bundle_classify_path (const char *relative)
{
  const char *base;
  const char *slash;

  g_return_val_if_fail (relative != NULL, PR_BUNDLE_FILE_OTHER);

  base = strrchr (relative, '/');
  base = base ? base + 1 : relative;

  if (g_ascii_strcasecmp (base, "bootrom.ld") == 0 || has_suffix_ci (base, ".bootrom.ld"))
    return PR_BUNDLE_FILE_BOOTROM_IMAGE;
  if (has_suffix_ci (base, ".ld"))
    return PR_BUNDLE_FILE_APP_IMAGE;
  if (has_suffix_ci (base, ".ver"))
    return PR_BUNDLE_FILE_VERSION;

  slash = strchr (relative, '/');
  if (slash != NULL)
    {
      g_autofree char *top = g_strndup (relative, slash - relative);

      if (g_ascii_strcasecmp (top, "SoundPointIPLocalization") == 0 ||
          g_ascii_strcasecmp (top, "VVXLocalization") == 0)
        return PR_BUNDLE_FILE_LOCALIZATION;
    }

  if (slash == NULL && strcmp (base, "000000000000.cfg") == 0)
    return PR_BUNDLE_FILE_MASTER_CONFIG;
  if (has_suffix_ci (base, ".cfg"))
    return PR_BUNDLE_FILE_TEMPLATE_CONFIG;
  if (has_suffix_ci (base, ".wav"))
    return PR_BUNDLE_FILE_TONE;
  if (has_suffix_ci (base, ".jpg") || has_suffix_ci (base, ".jpeg") ||
      has_suffix_ci (base, ".bmp") || has_suffix_ci (base, ".png"))
    return PR_BUNDLE_FILE_BACKGROUND;
  return PR_BUNDLE_FILE_OTHER;
}

char *
pr_bundle_part_from_image (const char *relative)
{
  const char *base = strrchr (relative, '/');
  const char *dot;
  gsize len;

  base = base ? base + 1 : relative;
  dot = strchr (base, '.');
  if (dot == NULL || !has_suffix_ci (base, ".ld"))
    return NULL;
  len = dot - base;
  /* dddd-ddddd-ddd */
  if (len != 14)
    return NULL;
  for (gsize i = 0; i < len; i++)
    {
      gboolean want_dash = (i == 4 || i == 10);

      if (want_dash ? base[i] != '-' : !g_ascii_isdigit (base[i]))
        return NULL;
    }
  return g_strndup (base, len);
}

char *
pr_bundle_version_from_name (const char *name)
{
  static GRegex *regex;
  g_autofree char *unescaped = NULL;
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *a = NULL, *b = NULL, *c = NULL, *s = NULL;

  if (name == NULL)
    return NULL;

  if (g_once_init_enter (&regex))
    {
      GRegex *r = g_regex_new ("(?<![0-9])([0-9]{1,2})[._-]([0-9]{1,2})[._-]([0-9]{1,3})"
                               "([A-Za-z](?![A-Za-z0-9]))?(?![0-9])",
                               G_REGEX_OPTIMIZE, 0, NULL);
      g_once_init_leave (&regex, r);
    }

  /* "Polycom%20UC%20Software%204.0.4%20release…" */
  unescaped = g_uri_unescape_string (name, NULL);
  if (unescaped == NULL)
    unescaped = g_strdup (name);

  if (!g_regex_match (regex, unescaped, 0, &match))
    return NULL;
  a = g_match_info_fetch (match, 1);
  b = g_match_info_fetch (match, 2);
  c = g_match_info_fetch (match, 3);
  s = g_match_info_fetch (match, 4);
  return g_strdup_printf ("%d.%d.%d%s", atoi (a), atoi (b), atoi (c), s ? s : "");
}

char *
pr_bundle_version_from_ver_file (const char *contents,
                                 gsize       len)
{
  gsize end = 0;
  g_autofree char *line = NULL;

  if (contents == NULL)
    return NULL;
  while (end < len && end < 128 && contents[end] != '\n' && contents[end] != '\r' &&
         contents[end] != '\0')
    end++;
  if (end >= 128)
    return NULL;
  line = g_strstrip (g_strndup (contents, end));
  if (line[0] == '\0' || strlen (line) > 40 || !g_ascii_isdigit (line[0]))
    return NULL;
  for (const char *p = line; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '.' && *p != '-' && *p != '_')
      return NULL;
  return g_steal_pointer (&line);
}

static const char *
parse_component (const char *p,
                 guint64    *number,
                 const char **suffix,
                 gsize      *suffix_len)
{
  guint64 n = 0;

  while (g_ascii_isdigit (*p))
    {
      if (n < G_MAXUINT64 / 10 - 10)
        n = n * 10 + (*p - '0');
      p++;
    }
  *number = n;
  *suffix = p;
  while (*p && *p != '.')
    p++;
  *suffix_len = p - *suffix;
  return *p == '.' ? p + 1 : p;
}

int
pr_bundle_version_compare (const char *a,
                           const char *b)
{
  if (a == NULL || b == NULL)
    return (a != NULL) - (b != NULL);

  while (*a || *b)
    {
      guint64 na, nb;
      const char *sa, *sb;
      gsize la, lb;
      int cmp;

      a = parse_component (a, &na, &sa, &la);
      b = parse_component (b, &nb, &sb, &lb);
      if (na != nb)
        return na < nb ? -1 : 1;
      cmp = g_ascii_strncasecmp (sa, sb, MIN (la, lb));
      if (cmp != 0)
        return cmp < 0 ? -1 : 1;
      if (la != lb)
        return la < lb ? -1 : 1;
    }
  return 0;
}

gboolean
pr_bundle_version_has_prefix (const char *version,
                              const char *prefix)
{
  if (version == NULL || prefix == NULL)
    return FALSE;
  while (*prefix)
    {
      guint64 nv, np;
      const char *sv, *sp;
      gsize lv, lp;

      if (*version == '\0')
        return FALSE;
      version = parse_component (version, &nv, &sv, &lv);
      prefix = parse_component (prefix, &np, &sp, &lp);
      if (nv != np)
        return FALSE;
      /* a suffix in the prefix must match; one in the version is a respin */
      if (lp > 0 && (lv != lp || g_ascii_strncasecmp (sv, sp, lp) != 0))
        return FALSE;
    }
  return TRUE;
}

static void
bundle_file_free (gpointer data)
{
  PrBundleFile *file = data;

  g_free (file->path);
  g_free (file);
}

static void
pr_bundle_finalize (GObject *object)
{
  PrBundle *self = PR_BUNDLE (object);

  g_free (self->id);
  g_free (self->name);
  g_free (self->version);
  g_free (self->version_source);
  g_free (self->app_version);
  g_free (self->bootrom_version);
  g_strfreev (self->models);
  g_hash_table_unref (self->by_path);
  g_ptr_array_unref (self->files);
  g_clear_pointer (&self->imported, g_date_time_unref);
  g_free (self->dir);

  G_OBJECT_CLASS (pr_bundle_parent_class)->finalize (object);
}

static void
pr_bundle_class_init (PrBundleClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pr_bundle_finalize;
}

static void
pr_bundle_init (PrBundle *self)
{
  self->files = g_ptr_array_new_with_free_func (bundle_file_free);
  self->by_path = g_hash_table_new (g_str_hash, g_str_equal);
  self->models = g_new0 (char *, 1);
}

PrBundle *
pr_bundle_new (void)
{
  return g_object_new (PR_TYPE_BUNDLE, NULL);
}

const char *pr_bundle_get_id (PrBundle *self) { g_return_val_if_fail (PR_IS_BUNDLE (self), NULL); return self->id; }
const char *pr_bundle_get_name (PrBundle *self) { g_return_val_if_fail (PR_IS_BUNDLE (self), NULL); return self->name; }
PrBundleKind pr_bundle_get_kind (PrBundle *self) { g_return_val_if_fail (PR_IS_BUNDLE (self), 0); return self->kind; }
const char *pr_bundle_get_kind_string (PrBundle *self) { return pr_bundle_kind_to_string (pr_bundle_get_kind (self)); }
const char *pr_bundle_get_version (PrBundle *self) { g_return_val_if_fail (PR_IS_BUNDLE (self), NULL); return self->version; }
const char *pr_bundle_get_version_source (PrBundle *self) { g_return_val_if_fail (PR_IS_BUNDLE (self), NULL); return self->version_source; }
const char *pr_bundle_get_app_version (PrBundle *self) { g_return_val_if_fail (PR_IS_BUNDLE (self), NULL); return self->app_version; }
const char *pr_bundle_get_bootrom_version (PrBundle *self) { g_return_val_if_fail (PR_IS_BUNDLE (self), NULL); return self->bootrom_version; }
const char *const *pr_bundle_get_models (PrBundle *self) { g_return_val_if_fail (PR_IS_BUNDLE (self), NULL); return (const char *const *) self->models; }
GPtrArray *pr_bundle_get_files (PrBundle *self) { g_return_val_if_fail (PR_IS_BUNDLE (self), NULL); return self->files; }
GDateTime *pr_bundle_get_imported (PrBundle *self) { g_return_val_if_fail (PR_IS_BUNDLE (self), NULL); return self->imported; }
const char *pr_bundle_get_dir (PrBundle *self) { g_return_val_if_fail (PR_IS_BUNDLE (self), NULL); return self->dir; }
gboolean pr_bundle_get_served (PrBundle *self) { g_return_val_if_fail (PR_IS_BUNDLE (self), FALSE); return self->served; }
gboolean pr_bundle_get_already_present (PrBundle *self) { g_return_val_if_fail (PR_IS_BUNDLE (self), FALSE); return self->already_present; }

const char *
pr_bundle_get_image_version (PrBundle          *self,
                             PrBundleFileClass  klass)
{
  g_return_val_if_fail (PR_IS_BUNDLE (self), NULL);

  if (klass == PR_BUNDLE_FILE_BOOTROM_IMAGE && self->bootrom_version)
    return self->bootrom_version;
  if (klass == PR_BUNDLE_FILE_APP_IMAGE && self->app_version)
    return self->app_version;
  if (self->kind == PR_BUNDLE_KIND_MIXED)
    return NULL;   /* the name's version cannot tell which half it is */
  return self->version;
}

const PrBundleFile *
pr_bundle_find_file (PrBundle   *self,
                     const char *path)
{
  g_return_val_if_fail (PR_IS_BUNDLE (self), NULL);
  return g_hash_table_lookup (self->by_path, path);
}

guint
pr_bundle_count_files (PrBundle          *self,
                       PrBundleFileClass  klass)
{
  guint n = 0;

  for (guint i = 0; i < self->files->len; i++)
    if (((PrBundleFile *) g_ptr_array_index (self->files, i))->klass == klass)
      n++;
  return n;
}

goffset
pr_bundle_get_total_size (PrBundle *self)
{
  goffset total = 0;

  for (guint i = 0; i < self->files->len; i++)
    total += ((PrBundleFile *) g_ptr_array_index (self->files, i))->size;
  return total;
}

void pr_bundle_set_name (PrBundle *self, const char *name) { g_free (self->name); self->name = g_strdup (name); }
void pr_bundle_set_kind (PrBundle *self, PrBundleKind kind) { self->kind = kind; }
void pr_bundle_set_dir (PrBundle *self, const char *dir) { g_free (self->dir); self->dir = g_strdup (dir); }
void pr_bundle_set_served (PrBundle *self, gboolean served) { self->served = !!served; }
void pr_bundle_set_already_present (PrBundle *self, gboolean present) { self->already_present = !!present; }

void
pr_bundle_set_versions (PrBundle   *self,
                        const char *version,
                        const char *version_source,
                        const char *app_version,
                        const char *bootrom_version)
{
  g_free (self->version);
  g_free (self->version_source);
  g_free (self->app_version);
  g_free (self->bootrom_version);
  self->version = g_strdup (version);
  self->version_source = g_strdup (version ? version_source : "unknown");
  self->app_version = g_strdup (app_version);
  self->bootrom_version = g_strdup (bootrom_version);
}

void
pr_bundle_set_models (PrBundle          *self,
                      const char *const *models)
{
  g_strfreev (self->models);
  self->models = models ? g_strdupv ((GStrv) models) : g_new0 (char *, 1);
}

void
pr_bundle_set_imported (PrBundle  *self,
                        GDateTime *when)
{
  g_clear_pointer (&self->imported, g_date_time_unref);
  self->imported = when ? g_date_time_ref (when) : NULL;
}

void
pr_bundle_add_file (PrBundle   *self,
                    const char *path,
                    goffset     size,
                    const char *sha256)
{
  PrBundleFile *file = g_hash_table_lookup (self->by_path, path);

  if (file == NULL)
    {
      file = g_new0 (PrBundleFile, 1);
      file->path = g_strdup (path);
      g_ptr_array_add (self->files, file);
      g_hash_table_insert (self->by_path, file->path, file);
    }
  file->size = size;
  g_strlcpy (file->sha256, sha256, sizeof file->sha256);
  file->klass = pr_bundle_classify_path (path);
}

static int
compare_files (gconstpointer a,
               gconstpointer b)
{
  const PrBundleFile *fa = *(PrBundleFile **) a;
  const PrBundleFile *fb = *(PrBundleFile **) b;

  return strcmp (fa->path, fb->path);
}

void
pr_bundle_compute_id (PrBundle *self)
{
  PrSha256 sha;
  char hex[PR_SHA256_HEX_LEN + 1];

  g_ptr_array_sort (self->files, compare_files);
  pr_sha256_init (&sha);
  for (guint i = 0; i < self->files->len; i++)
    {
      PrBundleFile *file = g_ptr_array_index (self->files, i);

      pr_sha256_update (&sha, file->path, strlen (file->path) + 1);
      pr_sha256_update (&sha, file->sha256, PR_SHA256_HEX_LEN);
      pr_sha256_update (&sha, "\n", 1);
    }
  pr_sha256_finish (&sha, hex);
  g_free (self->id);
  self->id = g_strndup (hex, 16);
}

/* Manifest I/O */

static char *
escape_key (const char *path)
{
  return g_uri_escape_string (path, "/", FALSE);
}

gboolean
pr_bundle_save (PrBundle    *self,
                const char  *manifest_path,
                GError     **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();

  g_return_val_if_fail (PR_IS_BUNDLE (self), FALSE);
  g_return_val_if_fail (self->id != NULL, FALSE);

  g_key_file_set_string (kf, "bundle", "id", self->id);
  g_key_file_set_string (kf, "bundle", "name", self->name ? self->name : "");
  g_key_file_set_string (kf, "bundle", "kind", pr_bundle_kind_to_string (self->kind));
  if (self->version)
    g_key_file_set_string (kf, "bundle", "version", self->version);
  g_key_file_set_string (kf, "bundle", "version-source",
                         self->version_source ? self->version_source : "unknown");
  if (self->app_version)
    g_key_file_set_string (kf, "bundle", "app-version", self->app_version);
  if (self->bootrom_version)
    g_key_file_set_string (kf, "bundle", "bootrom-version", self->bootrom_version);
  g_key_file_set_string_list (kf, "bundle", "models",
                              (const char *const *) self->models,
                              g_strv_length (self->models));
  if (self->imported)
    {
      g_autofree char *iso = g_date_time_format_iso8601 (self->imported);
      g_key_file_set_string (kf, "bundle", "imported", iso);
    }
  g_key_file_set_integer (kf, "bundle", "file-count", self->files->len);
  g_key_file_set_int64 (kf, "bundle", "total-size", pr_bundle_get_total_size (self));

  for (guint i = 0; i < self->files->len; i++)
    {
      PrBundleFile *file = g_ptr_array_index (self->files, i);
      g_autofree char *key = escape_key (file->path);
      g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT " %s",
                                                (gint64) file->size, file->sha256);

      g_key_file_set_string (kf, "files", key, value);
    }

  return g_key_file_save_to_file (kf, manifest_path, error);
}

PrBundle *
pr_bundle_load (const char  *dir,
                GError     **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(PrBundle) self = pr_bundle_new ();
  g_autofree char *path = g_build_filename (dir, "manifest.ini", NULL);
  g_autofree char *kind = NULL;
  g_autofree char *imported = NULL;
  g_auto(GStrv) keys = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &local_error))
    {
      g_set_error (error, PR_ERROR, PR_ERROR_STORE,
                   /* Translators: the first %s is a file name, the second an error message */
                   _("The bundle manifest %s cannot be read: %s"), path, local_error->message);
      return NULL;
    }

  self->id = g_key_file_get_string (kf, "bundle", "id", NULL);
  self->name = g_key_file_get_string (kf, "bundle", "name", NULL);
  kind = g_key_file_get_string (kf, "bundle", "kind", NULL);
  if (self->id == NULL || kind == NULL || !pr_bundle_kind_from_string (kind, &self->kind))
    {
      g_set_error (error, PR_ERROR, PR_ERROR_STORE,
                   _("The bundle manifest %s is incomplete (no id or kind)"), path);
      return NULL;
    }
  self->version = g_key_file_get_string (kf, "bundle", "version", NULL);
  self->version_source = g_key_file_get_string (kf, "bundle", "version-source", NULL);
  self->app_version = g_key_file_get_string (kf, "bundle", "app-version", NULL);
  self->bootrom_version = g_key_file_get_string (kf, "bundle", "bootrom-version", NULL);
  g_strfreev (self->models);
  self->models = g_key_file_get_string_list (kf, "bundle", "models", NULL, NULL);
  if (self->models == NULL)
    self->models = g_new0 (char *, 1);
  imported = g_key_file_get_string (kf, "bundle", "imported", NULL);
  if (imported)
    self->imported = g_date_time_new_from_iso8601 (imported, NULL);

  keys = g_key_file_get_keys (kf, "files", NULL, NULL);
  for (guint i = 0; keys && keys[i]; i++)
    {
      g_autofree char *value = g_key_file_get_string (kf, "files", keys[i], NULL);
      g_autofree char *file_path = g_uri_unescape_string (keys[i], NULL);
      char *space;
      gint64 size;

      if (value == NULL || file_path == NULL || (space = strchr (value, ' ')) == NULL)
        continue;
      *space = '\0';
      size = g_ascii_strtoll (value, NULL, 10);
      if (!pr_sha256_is_hex (space + 1))
        continue;
      pr_bundle_add_file (self, file_path, size, space + 1);
    }
  g_ptr_array_sort (self->files, compare_files);
  self->dir = g_strdup (dir);

  return g_steal_pointer (&self);
}
