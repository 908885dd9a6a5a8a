/* pr-store-txn.c — atomic changes of a firmware store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "pr-error.h"
#include "pr-store-txn.h"

#define PRIVATE_DIR ".phone-rescue"   /* PR_STORE_PRIVATE_DIR in pr-firmware-store.h */

#ifndef RENAME_EXCHANGE
# define RENAME_EXCHANGE (1 << 1)
#endif
#ifndef RENAME_NOREPLACE
# define RENAME_NOREPLACE (1 << 0)
#endif

struct _PrStoreTxn
{
  char       *root;        /* canonical store path */
  char       *parent;
  char       *base;
  int         parent_fd;   /* locked with flock() */
  GPtrArray  *temp_dirs;   /* names below parent to remove at the end */
  GPtrArray  *bundles;     /* of PrBundle */
  char       *served[PR_BUNDLE_N_SLOTS];
};

static gboolean
set_errno_error (GError     **error,
                 int          saved_errno,
                 const char  *format,
                 ...) G_GNUC_PRINTF (3, 4);

static gboolean
set_errno_error (GError     **error,
                 int          saved_errno,
                 const char  *format,
                 ...)
{
  va_list args;
  g_autofree char *what = NULL;

  /* @format is marked with N_() by the callers: _() there could change errno
   * before it is read for the argument */
  va_start (args, format);
  what = g_strdup_vprintf (_(format), args);
  va_end (args);
  g_set_error (error, PR_ERROR, PR_ERROR_STORE, "%s: %s", what, g_strerror (saved_errno));
  return FALSE;
}

static gboolean
set_error_if_cancelled (GCancellable  *cancellable,
                        GError       **error)
{
  if (!g_cancellable_is_cancelled (cancellable))
    return FALSE;
  g_set_error (error, PR_ERROR, PR_ERROR_CANCELLED, _("The import was cancelled"));
  return TRUE;
}

static int
sys_renameat2 (int         olddirfd,
               const char *oldpath,
               int         newdirfd,
               const char *newpath,
               unsigned    flags)
{
#ifdef SYS_renameat2
  return syscall (SYS_renameat2, olddirfd, oldpath, newdirfd, newpath, flags);
#else
  errno = ENOSYS;
  return -1;
#endif
}

gboolean
pr_store_remove_tree_at (int          dirfd,
                         const char  *name,
                         GError     **error)
{
  int fd;
  DIR *dir;
  struct dirent *de;

  if (unlinkat (dirfd, name, 0) == 0 || errno == ENOENT)
    return TRUE;
  if (errno != EISDIR && errno != EPERM)
    return set_errno_error (error, errno, N_("Cannot remove %s"), name);

  fd = openat (dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return set_errno_error (error, errno, N_("Cannot open %s"), name);
  dir = fdopendir (fd);
  if (dir == NULL)
    {
      close (fd);
      return set_errno_error (error, errno, N_("Cannot read %s"), name);
    }
  while ((de = readdir (dir)) != NULL)
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      if (de->d_type == DT_DIR || de->d_type == DT_UNKNOWN)
        {
          if (!pr_store_remove_tree_at (fd, de->d_name, error))
            {
              closedir (dir);
              return FALSE;
            }
        }
      else if (unlinkat (fd, de->d_name, 0) != 0 && errno != ENOENT)
        {
          int saved = errno;
          closedir (dir);
          /* Translators: “%s/%s” is a path: a folder, then a name inside it */
          return set_errno_error (error, saved, N_("Cannot remove %s/%s"), name, de->d_name);
        }
    }
  closedir (dir);
  if (unlinkat (dirfd, name, AT_REMOVEDIR) != 0 && errno != ENOENT)
    return set_errno_error (error, errno, N_("Cannot remove %s"), name);
  return TRUE;
}

static char *
restore_name (PrStoreTxn *txn)
{
  return g_strconcat (PR_STORE_TEMP_PREFIX "restore-", txn->base, NULL);
}

/* What a killed import left beside the store. Everything named
 * .phone-rescue-* in the parent is ours and, with the lock held, stale. */
static gboolean
cleanup_stale (PrStoreTxn  *txn,
               GError     **error)
{
  g_autofree char *restore = restore_name (txn);
  struct stat st;
  int fd;
  DIR *dir;
  struct dirent *de;
  g_autoptr(GPtrArray) stale = g_ptr_array_new_with_free_func (g_free);

  /* The no-RENAME_EXCHANGE fallback moves the store aside first: if it was
   * killed between its two renames, put the old store back. */
  if (fstatat (txn->parent_fd, restore, &st, AT_SYMLINK_NOFOLLOW) == 0)
    {
      if (fstatat (txn->parent_fd, txn->base, &st, AT_SYMLINK_NOFOLLOW) != 0 && errno == ENOENT)
        {
          if (renameat (txn->parent_fd, restore, txn->parent_fd, txn->base) != 0)
            return set_errno_error (error, errno, N_("Cannot restore the store %s"), txn->root);
        }
    }

  fd = openat (txn->parent_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return set_errno_error (error, errno, N_("Cannot read %s"), txn->parent);
  dir = fdopendir (fd);
  if (dir == NULL)
    {
      close (fd);
      return set_errno_error (error, errno, N_("Cannot read %s"), txn->parent);
    }
  while ((de = readdir (dir)) != NULL)
    if (g_str_has_prefix (de->d_name, PR_STORE_TEMP_PREFIX) &&
        (!g_str_has_prefix (de->d_name, PR_STORE_TEMP_PREFIX "restore-") ||
         strcmp (de->d_name, restore) == 0))
      g_ptr_array_add (stale, g_strdup (de->d_name));
  closedir (dir);

  for (guint i = 0; i < stale->len; i++)
    {
      g_debug ("Removing %s/%s left by an interrupted import", txn->parent,
               (char *) g_ptr_array_index (stale, i));
      if (!pr_store_remove_tree_at (txn->parent_fd, g_ptr_array_index (stale, i), error))
        return FALSE;
    }
  return TRUE;
}

static int compare_imported (gconstpointer a, gconstpointer b);

GPtrArray *
pr_store_read_bundles (const char *root,
                       char      **served_ids)
{
  g_autofree char *dir_path = g_build_filename (root, PRIVATE_DIR, "bundles", NULL);
  g_autofree char *served_path = g_build_filename (root, PRIVATE_DIR, "served.ini", NULL);
  GPtrArray *bundles = g_ptr_array_new_with_free_func (g_object_unref);
  char *served[PR_BUNDLE_N_SLOTS] = { NULL, };
  g_autoptr(GKeyFile) served_kf = g_key_file_new ();
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;

  if (g_key_file_load_from_file (served_kf, served_path, G_KEY_FILE_NONE, NULL))
    for (guint s = 0; s < PR_BUNDLE_N_SLOTS; s++)
      {
        served[s] = g_key_file_get_string (served_kf, "served", pr_bundle_slot_to_string (s), NULL);
        if (served[s] && served[s][0] == '\0')
          g_clear_pointer (&served[s], g_free);
      }

  while (dir && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, name, NULL);
      g_autoptr(GError) error = NULL;
      PrBundle *bundle;

      if (name[0] == '.')
        continue;
      bundle = pr_bundle_load (path, &error);
      if (bundle == NULL)
        {
          /* Translators: the first %s is a folder name, the second an error message */
          g_warning (_("Ignoring bundle %s: %s"), path, error->message);
          continue;
        }
      g_ptr_array_add (bundles, bundle);
    }

  for (guint s = 0; s < PR_BUNDLE_N_SLOTS; s++)
    {
      gboolean found = FALSE;

      for (guint i = 0; i < bundles->len; i++)
        {
          PrBundle *b = g_ptr_array_index (bundles, i);

          if (g_strcmp0 (pr_bundle_get_id (b), served[s]) == 0 &&
              pr_bundle_kind_get_slot (pr_bundle_get_kind (b)) == s)
            {
              pr_bundle_set_served (b, TRUE);
              found = TRUE;
            }
        }
      if (!found)
        g_clear_pointer (&served[s], g_free);
      if (served_ids)
        served_ids[s] = served[s];
      else
        g_free (served[s]);
    }
  g_ptr_array_sort (bundles, compare_imported);
  return bundles;
}

static int
compare_imported (gconstpointer a,
                  gconstpointer b)
{
  PrBundle *ba = *(PrBundle **) a;
  PrBundle *bb = *(PrBundle **) b;
  GDateTime *ta = pr_bundle_get_imported (ba);
  GDateTime *tb = pr_bundle_get_imported (bb);
  int cmp = 0;

  if (ta && tb)
    cmp = g_date_time_compare (ta, tb);
  else
    cmp = (ta != NULL) - (tb != NULL);
  return cmp != 0 ? cmp : g_strcmp0 (pr_bundle_get_id (ba), pr_bundle_get_id (bb));
}

PrStoreTxn *
pr_store_txn_begin (const char    *store_root,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autoptr(PrStoreTxn) txn = g_new0 (PrStoreTxn, 1);
  g_autofree char *absolute = NULL;
  char *real;

  g_return_val_if_fail (store_root != NULL, NULL);

  txn->parent_fd = -1;
  txn->temp_dirs = g_ptr_array_new_with_free_func (g_free);
  txn->bundles = g_ptr_array_new_with_free_func (g_object_unref);

  absolute = g_canonicalize_filename (store_root, NULL);
  /* Operate on the real directory: swapping a symlink would replace the link */
  real = realpath (absolute, NULL);
  if (real != NULL)
    {
      txn->root = g_strdup (real);
      free (real);
    }
  else
    txn->root = g_steal_pointer (&absolute);

  txn->parent = g_path_get_dirname (txn->root);
  txn->base = g_path_get_basename (txn->root);
  if (strcmp (txn->root, "/") == 0 || strcmp (txn->base, ".") == 0 || strcmp (txn->base, "..") == 0)
    {
      g_set_error (error, PR_ERROR, PR_ERROR_STORE,
                   _("%s cannot be a firmware store: it has no parent directory"), txn->root);
      return NULL;
    }
  if (g_mkdir_with_parents (txn->parent, 0755) != 0)
    {
      set_errno_error (error, errno, N_("Cannot create %s"), txn->parent);
      return NULL;
    }
  txn->parent_fd = open (txn->parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (txn->parent_fd < 0)
    {
      set_errno_error (error, errno, N_("Cannot open %s"), txn->parent);
      return NULL;
    }
  /* One change at a time per parent directory (imports, CLI and app alike) */
  while (flock (txn->parent_fd, LOCK_EX) != 0)
    if (errno != EINTR)
      {
        set_errno_error (error, errno, N_("Cannot lock %s"), txn->parent);
        return NULL;
      }
  if (set_error_if_cancelled (cancellable, error))
    return NULL;

  if (!cleanup_stale (txn, error))
    return NULL;

  g_ptr_array_unref (txn->bundles);
  txn->bundles = pr_store_read_bundles (txn->root, txn->served);

  return g_steal_pointer (&txn);
}

void
pr_store_txn_free (PrStoreTxn *txn)
{
  if (txn == NULL)
    return;
  if (txn->parent_fd >= 0)
    {
      for (guint i = 0; i < txn->temp_dirs->len; i++)
        {
          g_autoptr(GError) error = NULL;

          if (!pr_store_remove_tree_at (txn->parent_fd, g_ptr_array_index (txn->temp_dirs, i), &error))
            g_warning ("%s", error->message);
        }
      close (txn->parent_fd);   /* releases the lock */
    }
  g_ptr_array_unref (txn->temp_dirs);
  g_ptr_array_unref (txn->bundles);
  for (guint s = 0; s < PR_BUNDLE_N_SLOTS; s++)
    g_free (txn->served[s]);
  g_free (txn->root);
  g_free (txn->parent);
  g_free (txn->base);
  g_free (txn);
}

const char *
pr_store_txn_get_root (PrStoreTxn *txn)
{
  return txn->root;
}

GPtrArray *
pr_store_txn_get_bundles (PrStoreTxn *txn)
{
  return txn->bundles;
}

const char *
pr_store_txn_get_served (PrStoreTxn   *txn,
                         PrBundleSlot  slot)
{
  g_return_val_if_fail (slot < PR_BUNDLE_N_SLOTS, NULL);
  return txn->served[slot];
}

char *
pr_store_txn_make_temp_dir (PrStoreTxn  *txn,
                            const char  *what,
                            GError     **error)
{
  g_autofree char *path = g_strdup_printf ("%s/" PR_STORE_TEMP_PREFIX "%s-XXXXXX", txn->parent, what);

  if (g_mkdtemp_full (path, 0755) == NULL)
    {
      set_errno_error (error, errno, N_("Cannot create a temporary directory beside %s"), txn->root);
      return NULL;
    }
  g_ptr_array_add (txn->temp_dirs, g_path_get_basename (path));
  return g_steal_pointer (&path);
}

/* ── building the new tree ─────────────────────────────────────────────── */

typedef struct {
  dev_t dev;
  ino_t ino;
} InodeKey;

static guint
inode_hash (gconstpointer p)
{
  const InodeKey *k = p;
  return g_int64_hash (&(gint64) { (gint64) k->ino }) ^ (guint) k->dev;
}

static gboolean
inode_equal (gconstpointer a,
             gconstpointer b)
{
  const InodeKey *ka = a, *kb = b;
  return ka->dev == kb->dev && ka->ino == kb->ino;
}

typedef struct {
  PrStoreTxn   *txn;
  int           old_fd;        /* the store, or -1 */
  int           new_fd;        /* the tree being built */
  GHashTable   *bundle_inodes; /* InodeKey set of old bundle files */
  GHashTable   *served_paths;  /* root path → source path below new_fd */
  GHashTable   *drop_bundles;  /* ids not to carry over */
  GCancellable *cancellable;
} Build;

static void
collect_inodes (int         dirfd,
                GHashTable *set)
{
  DIR *dir;
  struct dirent *de;
  int fd = openat (dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd < 0 || (dir = fdopendir (fd)) == NULL)
    {
      if (fd >= 0)
        close (fd);
      return;
    }
  while ((de = readdir (dir)) != NULL)
    {
      struct stat st;

      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      if (fstatat (fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        continue;
      if (S_ISDIR (st.st_mode))
        {
          int sub = openat (fd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

          if (sub >= 0)
            {
              collect_inodes (sub, set);
              close (sub);
            }
        }
      else if (S_ISREG (st.st_mode))
        {
          InodeKey *k = g_new (InodeKey, 1);

          k->dev = st.st_dev;
          k->ino = st.st_ino;
          g_hash_table_add (set, k);
        }
    }
  closedir (dir);
}

/* mkdir -p for the parents of @relative below @dirfd */
static gboolean
make_parents_at (int          dirfd,
                 const char  *relative,
                 GError     **error)
{
  g_autofree char *copy = g_strdup (relative);

  for (char *slash = strchr (copy, '/'); slash; slash = strchr (slash + 1, '/'))
    {
      *slash = '\0';
      if (mkdirat (dirfd, copy, 0755) != 0 && errno != EEXIST)
        return set_errno_error (error, errno, N_("Cannot create the folder %s"), copy);
      *slash = '/';
    }
  return TRUE;
}

/* Carry the old tree over into the new one: hard links for files, new
 * directories, copies of symlinks. @rel is the path below the store ("" = root). */
static gboolean
carry_over (Build       *b,
            int          old_dir,
            const char  *rel,
            GError     **error)
{
  DIR *dir;
  struct dirent *de;
  int fd = openat (old_dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  gboolean ok = TRUE;

  if (fd < 0)
    /* Translators: “%s/%s” is a path: a folder, then a name inside it */
    return set_errno_error (error, errno, N_("Cannot read %s/%s"), b->txn->root, rel);
  dir = fdopendir (fd);
  if (dir == NULL)
    {
      close (fd);
      /* Translators: “%s/%s” is a path: a folder, then a name inside it */
      return set_errno_error (error, errno, N_("Cannot read %s/%s"), b->txn->root, rel);
    }

  while (ok && (de = readdir (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      struct stat st;

      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      path = rel[0] ? g_strconcat (rel, "/", de->d_name, NULL) : g_strdup (de->d_name);

      if (strcmp (path, PRIVATE_DIR "/served.ini") == 0)
        continue;   /* rewritten */
      if (g_str_has_prefix (path, PRIVATE_DIR "/bundles/") &&
          strchr (path + strlen (PRIVATE_DIR "/bundles/"), '/') == NULL &&
          g_hash_table_contains (b->drop_bundles, de->d_name))
        continue;   /* a removed bundle */

      if (fstatat (fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        {
          /* Translators: “%s/%s” is a path: a folder, then a name inside it */
          ok = set_errno_error (error, errno, N_("Cannot read %s/%s"), b->txn->root, path);
          break;
        }

      if (S_ISDIR (st.st_mode))
        {
          int sub;

          /* Bookkeeping folders are kept as they are; served folders come
           * into being with their files, so a switch leaves no empty ones. */
          if (g_str_has_prefix (path, PRIVATE_DIR) &&
              (path[strlen (PRIVATE_DIR)] == '\0' || path[strlen (PRIVATE_DIR)] == '/') &&
              mkdirat (b->new_fd, path, st.st_mode & 07777) != 0 && errno != EEXIST)
            {
              ok = set_errno_error (error, errno, N_("Cannot create %s"), path);
              break;
            }
          sub = openat (fd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
          if (sub < 0)
            {
              /* Translators: “%s/%s” is a path: a folder, then a name inside it */
              ok = set_errno_error (error, errno, N_("Cannot open %s/%s"), b->txn->root, path);
              break;
            }
          ok = carry_over (b, sub, path, error);
          close (sub);
        }
      else
        {
          gboolean in_private = g_str_has_prefix (path, PRIVATE_DIR "/");

          if (!in_private)
            {
              InodeKey k = { st.st_dev, st.st_ino };

              /* a served file of the old state: the new state decides */
              if (S_ISREG (st.st_mode) && g_hash_table_contains (b->bundle_inodes, &k))
                continue;
              /* the user's file, unless a served bundle brings one of that name */
              if (g_hash_table_contains (b->served_paths, path))
                continue;
            }

          if (!in_private && !make_parents_at (b->new_fd, path, error))
            {
              ok = FALSE;
              break;
            }

          if (S_ISLNK (st.st_mode))
            {
              char target[4096];
              ssize_t n = readlinkat (fd, de->d_name, target, sizeof target - 1);

              if (n < 0)
                {
                  ok = set_errno_error (error, errno, N_("Cannot read the link %s"), path);
                  break;
                }
              target[n] = '\0';
              if (symlinkat (target, b->new_fd, path) != 0)
                {
                  ok = set_errno_error (error, errno, N_("Cannot create the link %s"), path);
                  break;
                }
            }
          else if (S_ISREG (st.st_mode))
            {
              if (linkat (fd, de->d_name, b->new_fd, path, 0) != 0)
                {
                  ok = set_errno_error (error, errno, N_("Cannot link %s"), path);
                  break;
                }
            }
          /* sockets, fifos, devices in a store: not carried over */
        }

      if (ok && set_error_if_cancelled (b->cancellable, error))
        ok = FALSE;
    }
  closedir (dir);
  return ok;
}

static gboolean
is_bootrom_class (PrBundleFileClass klass,
                  const char       *path)
{
  return klass == PR_BUNDLE_FILE_BOOTROM_IMAGE ||
         g_ascii_strcasecmp (path, "bootrom.ver") == 0;
}

gboolean
pr_store_txn_commit (PrStoreTxn         *txn,
                     GPtrArray          *add,
                     const char         *remove_id,
                     const char *const  *served,
                     GCancellable       *cancellable,
                     GError            **error)
{
  static const PrBundleSlot app_order[] = { PR_BUNDLE_SLOT_APPLICATION, PR_BUNDLE_SLOT_BOOTROM, PR_BUNDLE_SLOT_UPDATER };
  static const PrBundleSlot boot_order[] = { PR_BUNDLE_SLOT_UPDATER, PR_BUNDLE_SLOT_BOOTROM, PR_BUNDLE_SLOT_APPLICATION };
  g_autoptr(GHashTable) bundle_inodes = g_hash_table_new_full (inode_hash, inode_equal, g_free, NULL);
  g_autoptr(GHashTable) served_paths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) drop = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GKeyFile) served_kf = g_key_file_new ();
  g_autofree char *tree = NULL;
  g_autofree char *tree_name = NULL;
  g_autofree char *served_data = NULL;
  PrBundle *served_bundles[PR_BUNDLE_N_SLOTS] = { NULL, };
  Build b = { txn, -1, -1, bundle_inodes, served_paths, drop, cancellable };
  struct stat root_st;
  gboolean store_exists;
  gsize served_len;
  gboolean ok = FALSE;
  int fd;

  if (remove_id)
    g_hash_table_add (drop, (gpointer) remove_id);

  /* Which bundle serves each slot */
  for (guint s = 0; s < PR_BUNDLE_N_SLOTS; s++)
    {
      if (served[s] == NULL || (remove_id && strcmp (served[s], remove_id) == 0))
        continue;
      for (guint i = 0; add && i < add->len && !served_bundles[s]; i++)
        if (g_strcmp0 (pr_bundle_get_id (g_ptr_array_index (add, i)), served[s]) == 0)
          served_bundles[s] = g_ptr_array_index (add, i);
      for (guint i = 0; i < txn->bundles->len && !served_bundles[s]; i++)
        if (g_strcmp0 (pr_bundle_get_id (g_ptr_array_index (txn->bundles, i)), served[s]) == 0)
          served_bundles[s] = g_ptr_array_index (txn->bundles, i);
      if (served_bundles[s] == NULL)
        {
          g_set_error (error, PR_ERROR, PR_ERROR_NOT_FOUND, _("No bundle %s in the store"), served[s]);
          return FALSE;
        }
      g_key_file_set_string (served_kf, "served", pr_bundle_slot_to_string (s), served[s]);
    }

  /* Root path → the bundle file that answers it. BootROM images prefer the
   * Updater, then the BootROM bundle; everything else the application. */
  for (guint pass = 0; pass < 2; pass++)
    for (guint o = 0; o < PR_BUNDLE_N_SLOTS; o++)
      {
        PrBundle *bundle = served_bundles[pass == 0 ? app_order[o] : boot_order[o]];
        GPtrArray *files;

        if (bundle == NULL)
          continue;
        files = pr_bundle_get_files (bundle);
        for (guint i = 0; i < files->len; i++)
          {
            PrBundleFile *f = g_ptr_array_index (files, i);

            if (is_bootrom_class (f->klass, f->path) != (pass == 1))
              continue;
            if (g_hash_table_contains (served_paths, f->path))
              continue;
            g_hash_table_insert (served_paths, g_strdup (f->path),
                                 g_strdup_printf (PRIVATE_DIR "/bundles/%s/files/%s",
                                                  pr_bundle_get_id (bundle), f->path));
          }
      }

  tree = pr_store_txn_make_temp_dir (txn, "tree", error);
  if (tree == NULL)
    return FALSE;
  tree_name = g_path_get_basename (tree);
  b.new_fd = open (tree, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (b.new_fd < 0)
    return set_errno_error (error, errno, N_("Cannot open %s"), tree);

  store_exists = fstatat (txn->parent_fd, txn->base, &root_st, 0) == 0;
  if (store_exists && !S_ISDIR (root_st.st_mode))
    {
      g_set_error (error, PR_ERROR, PR_ERROR_STORE, _("The firmware store %s is not a folder"), txn->root);
      goto out;
    }
  if (store_exists)
    {
      int bundles_fd;

      fchmod (b.new_fd, root_st.st_mode & 07777);
      b.old_fd = openat (txn->parent_fd, txn->base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (b.old_fd < 0)
        {
          set_errno_error (error, errno, N_("Cannot open %s"), txn->root);
          goto out;
        }
      bundles_fd = openat (b.old_fd, PRIVATE_DIR "/bundles", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (bundles_fd >= 0)
        {
          collect_inodes (bundles_fd, bundle_inodes);
          close (bundles_fd);
        }
      if (!carry_over (&b, b.old_fd, "", error))
        goto out;
    }

  if ((mkdirat (b.new_fd, PRIVATE_DIR, 0755) != 0 && errno != EEXIST) ||
      (mkdirat (b.new_fd, PRIVATE_DIR "/bundles", 0755) != 0 && errno != EEXIST))
    {
      set_errno_error (error, errno, N_("Cannot create %s in the new store"), PRIVATE_DIR);
      goto out;
    }

  /* The new bundles move in */
  for (guint i = 0; add && i < add->len; i++)
    {
      PrBundle *bundle = g_ptr_array_index (add, i);
      g_autofree char *dest = g_strconcat (PRIVATE_DIR "/bundles/", pr_bundle_get_id (bundle), NULL);

      if (renameat (AT_FDCWD, pr_bundle_get_dir (bundle), b.new_fd, dest) != 0)
        {
          set_errno_error (error, errno, N_("Cannot move the bundle %s into the store"), pr_bundle_get_name (bundle));
          goto out;
        }
    }

  served_data = g_key_file_to_data (served_kf, &served_len, NULL);
  fd = openat (b.new_fd, PRIVATE_DIR "/served.ini", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0 || write (fd, served_data, served_len) != (gssize) served_len)
    {
      set_errno_error (error, errno, N_("Cannot write served.ini"));
      if (fd >= 0)
        close (fd);
      goto out;
    }
  close (fd);

  /* The served files appear in the root */
  {
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init (&iter, served_paths);
    while (g_hash_table_iter_next (&iter, &key, &value))
      {
        if (!make_parents_at (b.new_fd, key, error))
          goto out;
        if (linkat (b.new_fd, value, b.new_fd, key, 0) != 0)
          {
            set_errno_error (error, errno, N_("Cannot put %s into the store"), (char *) key);
            goto out;
          }
      }
  }

  if (set_error_if_cancelled (cancellable, error))
    goto out;

  /* Not fsync'ed: the swap is atomic against a killed process, which is what
   * the store promises; after a power cut the filesystem's journal decides. */

  if (!store_exists)
    {
      if (sys_renameat2 (txn->parent_fd, tree_name, txn->parent_fd, txn->base, RENAME_NOREPLACE) != 0 &&
          (errno != EINVAL && errno != ENOSYS ? TRUE :
           renameat (txn->parent_fd, tree_name, txn->parent_fd, txn->base) != 0))
        {
          set_errno_error (error, errno, N_("Cannot create the store %s"), txn->root);
          goto out;
        }
    }
  else if (sys_renameat2 (txn->parent_fd, tree_name, txn->parent_fd, txn->base, RENAME_EXCHANGE) != 0)
    {
      g_autofree char *restore = restore_name (txn);

      if (errno != EINVAL && errno != ENOSYS)
        {
          set_errno_error (error, errno, N_("Cannot swap the new store into place"));
          goto out;
        }
      /* Fallback for filesystems without RENAME_EXCHANGE (or kernels before
       * 3.15): two renames. A kill between them leaves no store but
       * .phone-rescue-restore-<name>, which the next change puts back
       * (cleanup_stale): still all-or-nothing, but the store is missing
       * for a moment, so a running server may answer 404 in between. */
      g_debug ("renameat2(RENAME_EXCHANGE) unsupported here; using two renames");
      if (renameat (txn->parent_fd, txn->base, txn->parent_fd, restore) != 0)
        {
          set_errno_error (error, errno, N_("Cannot move the old store aside"));
          goto out;
        }
      if (renameat (txn->parent_fd, tree_name, txn->parent_fd, txn->base) != 0)
        {
          int saved = errno;

          renameat (txn->parent_fd, restore, txn->parent_fd, txn->base);
          set_errno_error (error, saved, N_("Cannot move the new store into place"));
          goto out;
        }
      /* the old tree is removed with the other temp dirs */
      g_ptr_array_add (txn->temp_dirs, g_steal_pointer (&restore));
    }
  /* after the exchange, tree_name holds the old store: pr_store_txn_free removes it */

  ok = TRUE;

out:
  if (b.old_fd >= 0)
    close (b.old_fd);
  if (b.new_fd >= 0)
    close (b.new_fd);
  return ok;
}
