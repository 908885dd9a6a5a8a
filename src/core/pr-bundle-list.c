/* pr-bundle-list.c — the bundles in a firmware store: list, choose, remove
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "pr-bundle-list.h"
#include "pr-error.h"
#include "pr-store-txn.h"

GPtrArray *
pr_bundle_list_load (const char  *store_root,
                     GError     **error)
{
  g_return_val_if_fail (store_root != NULL, NULL);

  /* No lock: an import holds it for as long as it extracts, and the store only
   * changes by an atomic swap, so reading it is safe. */
  return pr_store_read_bundles (store_root, NULL);
}

PrBundle *
pr_bundle_list_get_served (GPtrArray    *bundles,
                           PrBundleSlot  slot)
{
  for (guint i = 0; bundles && i < bundles->len; i++)
    {
      PrBundle *b = g_ptr_array_index (bundles, i);

      if (pr_bundle_get_served (b) && pr_bundle_kind_get_slot (pr_bundle_get_kind (b)) == slot)
        return b;
    }
  return NULL;
}

PrBundle *
pr_bundle_list_find (GPtrArray   *bundles,
                     const char  *id_or_name,
                     GError     **error)
{
  PrBundle *found = NULL;
  guint n_found = 0;

  g_return_val_if_fail (id_or_name != NULL, NULL);

  for (guint i = 0; bundles && i < bundles->len; i++)
    {
      PrBundle *b = g_ptr_array_index (bundles, i);

      if (g_strcmp0 (pr_bundle_get_id (b), id_or_name) == 0)
        return b;
    }
  for (guint i = 0; bundles && i < bundles->len; i++)
    {
      PrBundle *b = g_ptr_array_index (bundles, i);

      if ((id_or_name[0] != '\0' && g_str_has_prefix (pr_bundle_get_id (b), id_or_name)) ||
          g_strcmp0 (pr_bundle_get_name (b), id_or_name) == 0)
        {
          found = b;
          n_found++;
        }
    }
  if (n_found == 1)
    return found;
  if (n_found == 0)
    g_set_error (error, PR_ERROR, PR_ERROR_NOT_FOUND,
                 _("The store has no bundle “%s”"), id_or_name);
  else
    g_set_error (error, PR_ERROR, PR_ERROR_FAILED,
                 /* Translators: %s is what the user typed (a bundle id, id prefix or
                  * file name), %u how many bundles it matches (always 2 or more) */
                 g_dngettext (GETTEXT_PACKAGE,
                              "“%s” names %u bundle; give more of the bundle id",
                              "“%s” names %u bundles; give more of the bundle id", n_found),
                 id_or_name, n_found);
  return NULL;
}

static void
current_served (PrStoreTxn  *txn,
                const char **served)
{
  for (guint s = 0; s < PR_BUNDLE_N_SLOTS; s++)
    served[s] = pr_store_txn_get_served (txn, s);
}

gboolean
pr_bundle_list_serve (const char  *store_root,
                      const char  *id_or_name,
                      GError     **error)
{
  g_autoptr(PrStoreTxn) txn = NULL;
  const char *served[PR_BUNDLE_N_SLOTS];
  PrBundle *bundle;
  PrBundleSlot slot;

  txn = pr_store_txn_begin (store_root, NULL, error);
  if (txn == NULL)
    return FALSE;
  bundle = pr_bundle_list_find (pr_store_txn_get_bundles (txn), id_or_name, error);
  if (bundle == NULL)
    return FALSE;
  slot = pr_bundle_kind_get_slot (pr_bundle_get_kind (bundle));
  current_served (txn, served);
  if (g_strcmp0 (served[slot], pr_bundle_get_id (bundle)) == 0)
    return TRUE;   /* nothing to change */
  served[slot] = pr_bundle_get_id (bundle);
  return pr_store_txn_commit (txn, NULL, NULL, served, NULL, error);
}

gboolean
pr_bundle_list_remove (const char  *store_root,
                       const char  *id_or_name,
                       GError     **error)
{
  g_autoptr(PrStoreTxn) txn = NULL;
  const char *served[PR_BUNDLE_N_SLOTS];
  GPtrArray *bundles;
  PrBundle *bundle;
  PrBundleSlot slot;
  g_autofree char *id = NULL;

  txn = pr_store_txn_begin (store_root, NULL, error);
  if (txn == NULL)
    return FALSE;
  bundles = pr_store_txn_get_bundles (txn);
  bundle = pr_bundle_list_find (bundles, id_or_name, error);
  if (bundle == NULL)
    return FALSE;
  id = g_strdup (pr_bundle_get_id (bundle));
  slot = pr_bundle_kind_get_slot (pr_bundle_get_kind (bundle));
  current_served (txn, served);

  if (g_strcmp0 (served[slot], id) == 0)
    {
      /* the newest remaining bundle of the slot takes over (by version, then import time) */
      PrBundle *best = NULL;

      served[slot] = NULL;
      for (guint i = 0; i < bundles->len; i++)
        {
          PrBundle *b = g_ptr_array_index (bundles, i);

          if (b == bundle || pr_bundle_kind_get_slot (pr_bundle_get_kind (b)) != slot)
            continue;
          if (best == NULL ||
              pr_bundle_version_compare (pr_bundle_get_version (b), pr_bundle_get_version (best)) >= 0)
            best = b;
        }
      if (best)
        served[slot] = pr_bundle_get_id (best);
    }
  return pr_store_txn_commit (txn, NULL, id, served, NULL, error);
}

PrBundle *
pr_bundle_list_find_provider (GPtrArray  *bundles,
                              const char *store_root,
                              const char *relative)
{
  g_autofree char *root_path = g_build_filename (store_root, relative, NULL);
  struct stat root_st;

  if (lstat (root_path, &root_st) != 0 || !S_ISREG (root_st.st_mode))
    return NULL;

  for (guint i = 0; bundles && i < bundles->len; i++)
    {
      PrBundle *b = g_ptr_array_index (bundles, i);
      g_autofree char *bundle_path = NULL;
      struct stat st;

      if (!pr_bundle_get_served (b) || pr_bundle_find_file (b, relative) == NULL)
        continue;
      bundle_path = g_build_filename (pr_bundle_get_dir (b), "files", relative, NULL);
      if (lstat (bundle_path, &st) == 0 && st.st_ino == root_st.st_ino && st.st_dev == root_st.st_dev)
        return b;
    }
  return NULL;
}
