/* pr-firmware-store.c — answers "what file is that?" from the store, never beyond it
 *
 * Files are opened beneath the store root with openat2(RESOLVE_BENEATH), so
 * neither ".." nor a symlink can lead outside. Each file is mapped once and the
 * mapping shared by every client until the file changes.
 *
 * Answers are remembered per request path while inotify reports no change in
 * the directories they depend on (see "Remembered answers"): a hot config
 * costs one read() that finds nothing instead of five system calls.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "pr-classifier.h"
#include "pr-error.h"
#include "pr-firmware-store.h"
#include "pr-master-config.h"
#include "pr-models.h"
#include "pr-store-path.h"

#define MAX_CACHED_FILES 512
#define MAX_ANSWERS      512
#define ZERO_MAC_CFG     "000000000000.cfg"

typedef struct {
  dev_t    dev;
  ino_t    ino;
  off_t    size;
  gint64   mtime_ns;
  GBytes  *contents;
} CachedMapping;

struct _PrFirmwareStore
{
  GObject     parent_instance;
  char       *root;
  gboolean    keep_master_config;
  GHashTable *mappings;        /* "dev:ino" → CachedMapping */
  GBytes     *generated;       /* master config for the tree below */
  ino_t       generated_ino;
  gint64      generated_mtime_ns;
  GMutex      lock;            /* lookups may come from threads (importer checks) */
  /* Remembered answers */
  int         inotify_fd;      /* -1: none (yet, or not available) */
  gboolean    inotify_failed;
  GHashTable *watched;         /* "dev:ino" of the directories watched → watch descriptor */
  int         parent_wd;       /* the root's parent: only events about the root count */
  char       *root_name;
  GHashTable *answers;         /* request path → PrStoreFile */
  guint64     generation;      /* bumped whenever answers are dropped */
};

G_DEFINE_FINAL_TYPE (PrFirmwareStore, pr_firmware_store, G_TYPE_OBJECT)

PrStoreFile *
pr_store_file_ref (PrStoreFile *file)
{
  g_atomic_int_inc (&file->ref_count);
  return file;
}

void
pr_store_file_unref (PrStoreFile *file)
{
  if (!g_atomic_int_dec_and_test (&file->ref_count))
    return;
  g_free (file->name);
  g_bytes_unref (file->contents);
  if (file->fd >= 0)
    close (file->fd);
  g_free (file);
}

/* Takes @fd (or -1) */
static PrStoreFile *
store_file_new (const char *name, GBytes *contents, gboolean generated, int fd)
{
  PrStoreFile *file = g_new0 (PrStoreFile, 1);
  const char *dot = strrchr (name, '.');

  file->ref_count = 1;
  file->fd = fd;
  if (fd >= 0 && g_bytes_get_size (contents) < PR_STORE_FILE_FD_MIN_SIZE)
    {
      close (fd);
      file->fd = -1;
    }
  file->name = g_strdup (name);
  file->contents = g_bytes_ref (contents);
  file->generated = generated;
  file->content_type = "application/octet-stream";
  if (dot == NULL)
    return file;
  if (g_ascii_strcasecmp (dot, ".cfg") == 0 || g_ascii_strcasecmp (dot, ".xml") == 0)
    file->content_type = "text/xml";
  else if (g_ascii_strcasecmp (dot, ".ver") == 0 || g_ascii_strcasecmp (dot, ".txt") == 0 ||
           g_ascii_strcasecmp (dot, ".log") == 0)
    file->content_type = "text/plain";
  else if (g_ascii_strcasecmp (dot, ".wav") == 0)
    file->content_type = "audio/x-wav";
  else if (g_ascii_strcasecmp (dot, ".jpg") == 0 || g_ascii_strcasecmp (dot, ".jpeg") == 0)
    file->content_type = "image/jpeg";
  else if (g_ascii_strcasecmp (dot, ".bmp") == 0)
    file->content_type = "image/bmp";
  else if (g_ascii_strcasecmp (dot, ".png") == 0)
    file->content_type = "image/png";
  return file;
}

static void
cached_mapping_free (gpointer data)
{
  CachedMapping *c = data;

  g_bytes_unref (c->contents);
  g_free (c);
}

/* Opening beneath the root */

static int
open_beneath (int dirfd, const char *relative)
{
  struct open_how how = {
    .flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
    .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
  };
  int fd = syscall (SYS_openat2, dirfd, relative, &how, sizeof how);

  if (fd >= 0 || errno != ENOSYS)
    return fd;

  /* Kernels before 5.6: no symlinks at all, and the path was vetted already */
  if (!pr_store_path_is_safe (relative))
    {
      errno = EPERM;
      return -1;
    }
  return openat (dirfd, relative, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW);
}

static GBytes *
map_file (PrFirmwareStore *self, int fd, const struct stat *st)
{
  g_autofree char *key = g_strdup_printf ("%ju:%ju", (uintmax_t) st->st_dev, (uintmax_t) st->st_ino);
  gint64 mtime_ns = (gint64) st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
  CachedMapping *c;
  g_autoptr(GMappedFile) mapped = NULL;

  g_mutex_lock (&self->lock);
  c = g_hash_table_lookup (self->mappings, key);
  if (c != NULL && c->size == st->st_size && c->mtime_ns == mtime_ns)
    {
      GBytes *bytes = g_bytes_ref (c->contents);
      g_mutex_unlock (&self->lock);
      return bytes;
    }
  g_mutex_unlock (&self->lock);

  mapped = g_mapped_file_new_from_fd (fd, FALSE, NULL);
  if (mapped == NULL)
    return NULL;

  c = g_new0 (CachedMapping, 1);
  c->dev = st->st_dev;
  c->ino = st->st_ino;
  c->size = st->st_size;
  c->mtime_ns = mtime_ns;
  c->contents = g_mapped_file_get_bytes (mapped);

  g_mutex_lock (&self->lock);
  if (g_hash_table_size (self->mappings) >= MAX_CACHED_FILES)
    g_hash_table_remove_all (self->mappings);
  g_hash_table_replace (self->mappings, g_steal_pointer (&key), c);
  g_mutex_unlock (&self->lock);
  return g_bytes_ref (c->contents);
}

static int
open_root (PrFirmwareStore *self)
{
  return open (self->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

/* A regular file beneath the root, mapped; NULL if absent or not a file */
static PrStoreFile *
try_file (PrFirmwareStore *self, int rootfd, const char *relative)
{
  struct stat st;
  g_autoptr(GBytes) bytes = NULL;
  int fd = open_beneath (rootfd, relative);

  if (fd < 0)
    return NULL;
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      return NULL;
    }
  bytes = map_file (self, fd, &st);
  if (bytes == NULL)
    {
      close (fd);
      return NULL;
    }
  /* The descriptor stays open with the file: the server sends large bodies
   * straight from it (sendfile), without touching the mapping */
  return store_file_new (relative, bytes, FALSE, fd);
}

gboolean
pr_firmware_store_has_file (PrFirmwareStore *self,
                            const char      *relative)
{
  int rootfd = open_root (self);
  struct stat st;
  int fd;
  gboolean found;

  if (rootfd < 0)
    return FALSE;
  fd = open_beneath (rootfd, relative);
  found = fd >= 0 && fstat (fd, &st) == 0 && S_ISREG (st.st_mode);
  if (fd >= 0)
    close (fd);
  close (rootfd);
  return found;
}

/* Generated master config, cached until the store's root changes */
static PrStoreFile *
generated_master_config (PrFirmwareStore *self, int rootfd, const char *name)
{
  struct stat st;
  gint64 mtime_ns;
  PrStoreFile *file;

  if (fstat (rootfd, &st) != 0)
    return NULL;
  mtime_ns = (gint64) st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;

  g_mutex_lock (&self->lock);
  if (self->generated == NULL || self->generated_ino != st.st_ino || self->generated_mtime_ns != mtime_ns)
    {
      g_clear_pointer (&self->generated, g_bytes_unref);
      self->generated = pr_master_config_generate (self->root);
      self->generated_ino = st.st_ino;
      self->generated_mtime_ns = mtime_ns;
    }
  file = store_file_new (name, self->generated, TRUE, -1);
  g_mutex_unlock (&self->lock);
  return file;
}

static gboolean
is_master_config_name (const char *name)
{
  return strlen (name) == 16 && g_str_has_suffix (name, ".cfg") &&
         strspn (name, "0123456789abcdefABCDEF") == 12;
}

/* "<part>.rest" → length of "<part>." or 0 */
static gsize
part_prefix_length (const char *name)
{
  char part[15];

  if (strlen (name) <= 15 || name[14] != '.')
    return 0;
  memcpy (part, name, 14);
  part[14] = '\0';
  return pr_models_is_part_number (part) ? 15 : 0;
}

static PrStoreFile *
lookup_in_dir (PrFirmwareStore *self, int rootfd, const char *dir, const char *name)
{
  g_autofree char *lower = NULL;
  g_autofree char *path = NULL;
  gsize prefix = part_prefix_length (name);
  PrStoreFile *file;

#define JOIN(n) (dir != NULL ? g_build_filename (dir, (n), NULL) : g_strdup (n))

  /* "<part>.<part>.X" → "<part>.X" */
  if (prefix > 0 && part_prefix_length (name + prefix) == prefix && strncmp (name, name + prefix, prefix) == 0)
    name += prefix;

  path = JOIN (name);
  if ((file = try_file (self, rootfd, path)) != NULL)
    return file;

  /* A MAC in a file name matches in any case */
  if (strspn (name, "0123456789abcdefABCDEF") >= 12)
    {
      lower = g_strdup (name);
      for (int i = 0; i < 12; i++)
        lower[i] = g_ascii_tolower (lower[i]);
      g_free (path);
      path = JOIN (lower);
      if ((file = try_file (self, rootfd, path)) != NULL)
        return file;
    }

  /* "<part>.X" falls back to "X" */
  if (prefix > 0)
    {
      g_free (path);
      path = JOIN (name + prefix);
      if ((file = try_file (self, rootfd, path)) != NULL)
        return file;
    }
#undef JOIN
  return NULL;
}

/* A phone's own "<mac>.cfg" placed in the store wins; "000000000000.cfg" is
 * generated unless the bundle's is to be kept (issue 3). */
static PrStoreFile *
lookup_master_config (PrFirmwareStore *self, int rootfd, const char *name)
{
  PrStoreFile *file;

  if (!g_str_has_prefix (name, "000000000000") && (file = lookup_in_dir (self, rootfd, NULL, name)) != NULL)
    return file;
  if (self->keep_master_config && (file = try_file (self, rootfd, ZERO_MAC_CFG)) != NULL)
    return file;
  return generated_master_config (self, rootfd, name);
}

/* Remembered answers. What answers a request path depends only on the
 * directory it names (the candidates "<part>.X", "X", the MAC spellings all
 * live there; a master config depends on the root) and on the directories
 * above it up to the root and the root's parent (a replaced or moved folder).
 * Those directories are watched with inotify before the answer is looked up,
 * and every lookup first reads the inotify descriptor: any event at all drops
 * every remembered answer (in the root's parent, only events about the root).
 * Events are queued by the kernel before the call that caused them returns,
 * so a replaced file is seen at once, as without the cache. Without inotify
 * (or past its limits) nothing is remembered. Large files (those with an open
 * descriptor, see PR_STORE_FILE_FD_MIN_SIZE) are never remembered: a
 * remembered answer holds no descriptor, and a large transfer costs far more
 * than its lookup. */

#define WATCH_MASK (IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_MODIFY | IN_ATTRIB | \
                    IN_CLOSE_WRITE | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)
#define PARENT_WATCH_MASK (IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)

static void
forget_answers_locked (PrFirmwareStore *self)
{
  self->generation++;
  if (self->answers != NULL)
    g_hash_table_remove_all (self->answers);
}

static void
stop_watching_locked (PrFirmwareStore *self)
{
  forget_answers_locked (self);
  if (self->inotify_fd >= 0)
    close (self->inotify_fd);
  self->inotify_fd = -1;
  self->inotify_failed = TRUE;
  if (self->watched != NULL)
    g_hash_table_remove_all (self->watched);
}

/* Reads what inotify has; FALSE when no answer may be used */
static gboolean
drain_changes_locked (PrFirmwareStore *self)
{
  char buffer[4096] __attribute__ ((aligned (__alignof__ (struct inotify_event))));
  ssize_t n;

  if (self->inotify_fd < 0)
    return FALSE;
  while ((n = read (self->inotify_fd, buffer, sizeof buffer)) > 0)
    {
      gboolean relevant = FALSE;

      for (char *p = buffer; p < buffer + n; p += sizeof (struct inotify_event) + ((struct inotify_event *) p)->len)
        {
          const struct inotify_event *event = (const struct inotify_event *) p;

          if (event->mask & (IN_IGNORED | IN_Q_OVERFLOW))
            g_hash_table_remove_all (self->watched);   /* added again as needed */
          /* the root's siblings (a log file beside the store …) do not matter */
          if (event->wd == self->parent_wd && event->len > 0 && strcmp (event->name, self->root_name) != 0)
            continue;
          relevant = TRUE;
        }
      if (relevant)
        forget_answers_locked (self);
    }
  if (n < 0 && errno != EAGAIN && errno != EINTR)
    {
      stop_watching_locked (self);
      return FALSE;
    }
  return TRUE;
}

static PrStoreFile *
remembered_answer (PrFirmwareStore *self, const char *relative)
{
  PrStoreFile *file = NULL;

  g_mutex_lock (&self->lock);
  if (drain_changes_locked (self) && (file = g_hash_table_lookup (self->answers, relative)) != NULL)
    pr_store_file_ref (file);
  g_mutex_unlock (&self->lock);
  return file;
}

/* Keyed by inode, not by name: a folder removed while a file in it is open
 * reports no IN_DELETE_SELF, and a new folder at the same path needs a watch */
static int
watch_locked (PrFirmwareStore *self, int dirfd, guint32 mask)
{
  char proc[64], key[64];
  struct stat st;
  gpointer wd;
  int added;

  if (fstat (dirfd, &st) != 0)
    return -1;
  g_snprintf (key, sizeof key, "%ju:%ju", (uintmax_t) st.st_dev, (uintmax_t) st.st_ino);
  if (g_hash_table_lookup_extended (self->watched, key, NULL, &wd))
    return GPOINTER_TO_INT (wd);
  g_snprintf (proc, sizeof proc, "/proc/self/fd/%d", dirfd);
  added = inotify_add_watch (self->inotify_fd, proc, mask);
  if (added >= 0)
    g_hash_table_insert (self->watched, g_strdup (key), GINT_TO_POINTER (added));
  return added;
}

/* Watches the root's parent, the root and each folder down to @dir; returns
 * the generation an answer found now belongs to, or 0 if none may be kept */
static guint64
watch_directories (PrFirmwareStore *self, int rootfd, const char *dir)
{
  gboolean ok = TRUE;
  guint64 generation = 0;

  g_mutex_lock (&self->lock);
  if (self->inotify_fd < 0 && !self->inotify_failed)
    {
      self->inotify_fd = inotify_init1 (IN_NONBLOCK | IN_CLOEXEC);
      self->inotify_failed = self->inotify_fd < 0;
    }
  if (!drain_changes_locked (self))
    goto out;

  {
    int parent = openat (rootfd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);

    self->parent_wd = parent >= 0 ? watch_locked (self, parent, PARENT_WATCH_MASK) : -1;
    ok = self->parent_wd >= 0;
    if (parent >= 0)
      close (parent);
  }
  ok = ok && watch_locked (self, rootfd, WATCH_MASK) >= 0;
  if (ok && dir != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (dir, "/", -1);
      g_autoptr(GString) path = g_string_new (NULL);

      for (guint i = 0; ok && parts[i] != NULL; i++)
        {
          struct open_how how = {
            .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
            .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS,
          };
          int fd;

          if (i > 0)
            g_string_append_c (path, '/');
          g_string_append (path, parts[i]);
          fd = syscall (SYS_openat2, rootfd, path->str, &how, sizeof how);
          ok = fd >= 0 && watch_locked (self, fd, WATCH_MASK) >= 0;
          if (fd >= 0)
            close (fd);
        }
    }
  if (ok)
    generation = self->generation;
out:
  g_mutex_unlock (&self->lock);
  return generation;
}

static void
remember_answer (PrFirmwareStore *self, int rootfd, const char *relative, PrStoreFile *file, guint64 generation)
{
  if (generation == 0 || file->fd >= 0)
    return;
  /* Reached through a symlink, the file may live in a folder nobody watches */
  if (!file->generated)
    {
      struct open_how how = {
        .flags = O_PATH | O_CLOEXEC,
        .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS,
      };
      int fd = syscall (SYS_openat2, rootfd, file->name, &how, sizeof how);

      if (fd < 0)
        return;
      close (fd);
    }
  g_mutex_lock (&self->lock);
  /* a change since the folders were watched: this answer may be stale */
  if (generation != 0 && drain_changes_locked (self) && generation == self->generation)
    {
      if (g_hash_table_size (self->answers) >= MAX_ANSWERS)
        g_hash_table_remove_all (self->answers);
      g_hash_table_replace (self->answers, g_strdup (relative), pr_store_file_ref (file));
    }
  g_mutex_unlock (&self->lock);
}

PrStoreFile *
pr_firmware_store_lookup (PrFirmwareStore *self,
                          const char      *relative,
                          GError         **error)
{
  g_autofree char *dir = NULL;
  const char *name;
  PrStoreFile *file = NULL;
  guint64 generation;
  int rootfd;

  g_return_val_if_fail (PR_IS_FIRMWARE_STORE (self), NULL);

  if (!pr_store_path_is_safe (relative))
    {
      g_set_error (error, PR_ERROR, PR_ERROR_FORBIDDEN_PATH, _("“%s” may not be served"), relative);
      return NULL;
    }
  if ((file = remembered_answer (self, relative)) != NULL)
    return file;
  rootfd = open_root (self);
  if (rootfd < 0)
    {
      g_set_error (error, PR_ERROR, PR_ERROR_STORE, _("The firmware store %s cannot be opened: %s"),
                   self->root, g_strerror (errno));
      return NULL;
    }

  name = strrchr (relative, '/');
  if (name != NULL)
    dir = g_strndup (relative, name++ - relative);
  else
    name = relative;

  /* Watch first, then look: a change after this point drops the answer */
  generation = watch_directories (self, rootfd, dir);
  if (dir == NULL && is_master_config_name (name))
    file = lookup_master_config (self, rootfd, name);
  else
    file = lookup_in_dir (self, rootfd, dir, name);
  if (file != NULL)
    remember_answer (self, rootfd, relative, file, generation);
  close (rootfd);

  if (file == NULL)
    g_set_error (error, PR_ERROR, PR_ERROR_NOT_FOUND, _("The store has no “%s”"), relative);
  return file;
}

gboolean
pr_firmware_store_has_images (PrFirmwareStore *self)
{
  g_autoptr(GDir) dir = g_dir_open (self->root, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (name[0] != '.' && g_str_has_suffix (name, ".ld") && pr_firmware_store_has_file (self, name))
      return TRUE;
  return FALSE;
}

void
pr_firmware_store_invalidate (PrFirmwareStore *self)
{
  g_mutex_lock (&self->lock);
  g_hash_table_remove_all (self->mappings);
  g_clear_pointer (&self->generated, g_bytes_unref);
  forget_answers_locked (self);
  g_mutex_unlock (&self->lock);
}

void
pr_firmware_store_set_keep_master_config (PrFirmwareStore *self,
                                          gboolean         keep)
{
  g_mutex_lock (&self->lock);
  self->keep_master_config = !!keep;
  forget_answers_locked (self);
  g_mutex_unlock (&self->lock);
}

gboolean
pr_firmware_store_get_keep_master_config (PrFirmwareStore *self)
{
  return self->keep_master_config;
}

const char *
pr_firmware_store_get_root (PrFirmwareStore *self)
{
  return self->root;
}

char *
pr_firmware_store_default_root (void)
{
  return g_build_filename (g_get_user_data_dir (), "phone-rescue", "firmware", NULL);
}

static void
pr_firmware_store_finalize (GObject *object)
{
  PrFirmwareStore *self = PR_FIRMWARE_STORE (object);

  g_free (self->root);
  g_hash_table_unref (self->mappings);
  g_clear_pointer (&self->generated, g_bytes_unref);
  g_hash_table_unref (self->answers);
  g_hash_table_unref (self->watched);
  g_free (self->root_name);
  if (self->inotify_fd >= 0)
    close (self->inotify_fd);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (pr_firmware_store_parent_class)->finalize (object);
}

static void
pr_firmware_store_class_init (PrFirmwareStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pr_firmware_store_finalize;
}

static void
pr_firmware_store_init (PrFirmwareStore *self)
{
  self->mappings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, cached_mapping_free);
  self->answers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) pr_store_file_unref);
  self->watched = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->inotify_fd = -1;
  self->parent_wd = -1;
  g_mutex_init (&self->lock);
}

PrFirmwareStore *
pr_firmware_store_new (const char *root,
                       GError    **error)
{
  g_autoptr(PrFirmwareStore) self = NULL;
  g_autofree char *absolute = NULL;

  g_return_val_if_fail (root != NULL, NULL);

  absolute = g_canonicalize_filename (root, NULL);
  if (g_mkdir_with_parents (absolute, 0755) != 0)
    {
      int saved = errno;
      g_set_error (error, PR_ERROR, PR_ERROR_STORE, _("The firmware store %s cannot be created: %s"),
                   absolute, g_strerror (saved));
      return NULL;
    }
  if (!g_file_test (absolute, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, PR_ERROR, PR_ERROR_STORE, _("The firmware store %s is not a folder"), absolute);
      return NULL;
    }
  self = g_object_new (PR_TYPE_FIRMWARE_STORE, NULL);
  self->root = g_steal_pointer (&absolute);
  self->root_name = g_path_get_basename (self->root);
  return g_steal_pointer (&self);
}
