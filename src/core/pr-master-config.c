/* pr-master-config.c — the master config (000000000000.cfg) we serve
 *
 * From firmware/master-config.xml.in: APP_FILE_PATH="sip.ld" at the top, one
 * <APPLICATION_<MODEL> APP_FILE_PATH_<MODEL>="sip.ld" …/> per model whose split
 * image <part>.sip.ld is in the store root, and CONFIG_FILES naming only the
 * config files that are there. No URL: the phone keeps the server it has.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pr-bundle.h"
#include "pr-catalog.h"
#include "pr-master-config.h"
#include "pr-models.h"
#include "pr-store-path.h"

#define APP_FILE "sip.ld"

static const char builtin_template[] =
  "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
  "<!-- Master configuration (000000000000.cfg) written by Phone Rescue. -->\n"
  "<APPLICATION APP_FILE_PATH=\"@APP_FILE_PATH@\" CONFIG_FILES=\"@CONFIG_FILES@\" MISC_FILES=\"\" "
  "LOG_FILE_DIRECTORY=\"\" OVERRIDES_DIRECTORY=\"\" CONTACTS_DIRECTORY=\"\" LICENSE_DIRECTORY=\"\" "
  "USER_PROFILES_DIRECTORY=\"\" CALL_LISTS_DIRECTORY=\"\">\n"
  "@MODEL_ENTRIES@</APPLICATION>\n";

/* Per-phone and phone-written names are not templates to hand out */
static gboolean
is_listed_config (const char *name)
{
  gsize len = strlen (name);
  guint hex = 0;

  if (len < 5 || g_ascii_strcasecmp (name + len - 4, ".cfg") != 0 || name[0] == '.')
    return FALSE;
  if (strchr (name, ',') || strchr (name, '"'))
    return FALSE;
  while (hex < len && g_ascii_isxdigit (name[hex]))
    hex++;
  /* 000000000000.cfg, <mac>.cfg, <mac>-phone.cfg, 000000000000-license.cfg … */
  if (hex == 12 && (name[12] == '.' || name[12] == '-'))
    return FALSE;
  return TRUE;
}

/* What the server would serve under that name: a regular file, or a symlink
 * to one that stays inside the store (the server opens files beneath the
 * store root and refuses the rest) */
static gboolean
is_served_file (const char *root_real,
                const char *path)
{
  struct stat st;
  char *real;
  gboolean inside;
  gsize len;

  if (lstat (path, &st) != 0)
    return FALSE;
  if (S_ISREG (st.st_mode))
    return TRUE;
  if (!S_ISLNK (st.st_mode) || root_real == NULL)
    return FALSE;
  real = realpath (path, NULL);
  len = strlen (root_real);
  inside = real != NULL && strncmp (real, root_real, len) == 0 && real[len] == '/' &&
           stat (real, &st) == 0 && S_ISREG (st.st_mode);
  free (real);
  return inside;
}

static int
compare_configs (gconstpointer a,
                 gconstpointer b)
{
  static const char *const first[] = { "sip.cfg", "phone1.cfg" };
  const char *na = *(const char **) a, *nb = *(const char **) b;
  int ra = G_N_ELEMENTS (first), rb = G_N_ELEMENTS (first);

  for (guint i = 0; i < G_N_ELEMENTS (first); i++)
    {
      if (strcmp (na, first[i]) == 0)
        ra = i;
      if (strcmp (nb, first[i]) == 0)
        rb = i;
    }
  return ra != rb ? ra - rb : strcmp (na, nb);
}

static int
compare_keys (gconstpointer a,
              gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

static const char *
model_key_for_part (PrCatalog  *catalog,
                    const char *part)
{
  if (catalog)
    {
      const PrCatalogModel *m = pr_catalog_lookup_by_part (catalog, part);
      return m ? m->key : NULL;
    }
  else
    {
      const PrModel *m = pr_models_find_by_part (part);
      return m ? m->key : NULL;
    }
}

static char *
load_template (void)
{
  g_autofree char *dir = pr_catalog_find_firmware_dir ();
  g_autofree char *path = NULL;
  char *text = NULL;

  if (dir == NULL)
    return NULL;
  path = g_build_filename (dir, "master-config.xml.in", NULL);
  if (!g_file_get_contents (path, &text, NULL, NULL))
    return NULL;
  return text;
}

static char *
replace (const char *text,
         const char *token,
         const char *value)
{
  g_auto(GStrv) parts = g_strsplit (text, token, -1);
  return g_strjoinv (value, parts);
}

GBytes *
pr_master_config_generate_full (const char *store_root,
                                PrCatalog  *catalog,
                                const char *template_text)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) configs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) models = g_ptr_array_new ();
  g_autoptr(GString) config_list = g_string_new (NULL);
  g_autoptr(GString) entries = g_string_new (NULL);
  g_autofree char *loaded = NULL;
  g_autofree char *escaped_configs = NULL;
  g_autofree char *step1 = NULL, *step2 = NULL, *result = NULL;
  const char *name;
  char *root_real = NULL;
  gsize len;

  if (template_text == NULL)
    template_text = loaded = load_template ();
  if (template_text == NULL || strstr (template_text, "@MODEL_ENTRIES@") == NULL)
    template_text = builtin_template;

  dir = store_root ? g_dir_open (store_root, 0, NULL) : NULL;
  root_real = store_root ? realpath (store_root, NULL) : NULL;
  while (dir && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (store_root, name, NULL);
      g_autofree char *part = NULL;

      /* only names the server can serve: no invalid UTF-8 (it would make the
       * whole file unreadable to the phone), no ':', '%', backslash or control
       * characters, no symlink out of the store */
      if (name[0] == '.' || !pr_store_path_is_safe (name) || !is_served_file (root_real, path))
        continue;
      if (is_listed_config (name))
        {
          g_ptr_array_add (configs, g_strdup (name));
          continue;
        }
      /* "<part>.sip.ld": the split image of the model owning that part */
      if (g_str_has_suffix (name, "." APP_FILE) && (part = pr_bundle_part_from_image (name)) != NULL &&
          strlen (name) == strlen (part) + 1 + strlen (APP_FILE))
        {
          const char *key = model_key_for_part (catalog, part);

          if (key && !g_ptr_array_find_with_equal_func (models, key, g_str_equal, NULL))
            g_ptr_array_add (models, (gpointer) key);
        }
    }

  free (root_real);
  g_ptr_array_sort (configs, compare_configs);
  for (guint i = 0; i < configs->len; i++)
    {
      if (i > 0)
        g_string_append (config_list, ", ");
      g_string_append (config_list, g_ptr_array_index (configs, i));
    }
  escaped_configs = g_markup_escape_text (config_list->str, -1);

  g_ptr_array_sort (models, compare_keys);
  for (guint i = 0; i < models->len; i++)
    {
      const char *key = g_ptr_array_index (models, i);
      g_string_append_printf (entries, "  <APPLICATION_%s APP_FILE_PATH_%s=\"%s\" CONFIG_FILES_%s=\"%s\"/>\n",
                              key, key, APP_FILE, key, escaped_configs);
    }

  step1 = replace (template_text, "@APP_FILE_PATH@", APP_FILE);
  step2 = replace (step1, "@CONFIG_FILES@", escaped_configs);
  result = replace (step2, "@MODEL_ENTRIES@", entries->str);
  len = strlen (result);
  return g_bytes_new_take (g_steal_pointer (&result), len);
}

GBytes *
pr_master_config_generate (const char *store_root)
{
  return pr_master_config_generate_full (store_root, pr_catalog_get_default (), NULL);
}
